"""The periodicity counter's view of a pose (``periodicity.py``): the posture as one feature vector, the torso's
length that scales it, and whether the exercise's own measure reads the exercise in a window.

Plain functions, no state. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import numpy as np

from ..pose import Pose

# Joints that describe the posture of the trunk and limbs (face points add noise, hands and feet add little).
FEATURE_JOINTS = (0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
_HIPS = (23, 24)
_SHOULDERS = (11, 12)
VIS_MIN = 0.5
N_FEATURES = len(FEATURE_JOINTS) * 5  # x, y in the image and x, y, z in the world
KEY_PLAUSIBLE = (-1.0, 2.5)  # progress a working measure reaches (a person's range may pass the spec's by far)


def pose_features(pose: Pose | None) -> np.ndarray | None:
    """The posture as one vector: visible joints relative to the mid-hip, in image units (x by height) and,
    when known, world metres (the view-invariant half). Hidden joints are NaN. Scale is left to the window
    (a per-frame torso length would wobble with foreshortening: a sit-up's torso shrinks as it rises)."""
    if pose is None:
        return None
    xy = pose.xy()
    vis = pose.visibility
    if vis[list(_HIPS)].max() < VIS_MIN:
        return None
    hip = xy[list(_HIPS)].mean(axis=0)
    idx = list(FEATURE_JOINTS)
    img = xy[idx] - hip
    img[vis[idx] < VIS_MIN] = np.nan
    if pose.world is not None:
        w = pose.world[idx, :].copy()  # metres around the hips already
        w[vis[idx] < VIS_MIN] = np.nan
    else:
        w = np.full((len(idx), 3), np.nan)
    return np.concatenate([img.ravel(), w.ravel()])


def reads_the_exercise(key: np.ndarray | None) -> bool:
    """Does the exercise's progress signal read this exercise here, so that its direction can orient the pose
    axis? Progress is 0 at the spec's start and 1 at its top; a window whose middle half lies wholly outside
    ``KEY_PLAUSIBLE`` is a measure this view distorts (a sit-up's head height seen from above the feet reads
    six times its range, and falls as the person rises), and its direction would turn every rep into the rest
    between two."""
    if key is None or not key.std() > 1e-9:
        return False
    lo, hi = np.nanpercentile(key, [25, 75])
    return hi >= KEY_PLAUSIBLE[0] and lo <= KEY_PLAUSIBLE[1]


def torso_length(pose: Pose) -> float:
    xy = pose.xy()
    return float(np.linalg.norm(xy[list(_SHOULDERS)].mean(axis=0) - xy[list(_HIPS)].mean(axis=0)))
