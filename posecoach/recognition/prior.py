"""Orientation prior: exercises that cannot be done in the body orientation a window shows are made unlikely.

Dataset-free (physics, checked on the synthetic windows only): a window whose torso stays upright in the image
and in MediaPipe's world frame, at full length (not foreshortened, as a lying body seen from its feet can look
upright), is standing or seated work; a window whose torso never comes near upright is lying, kneeling or on
all fours. On the synthetic training windows (2026-12-05, 21 exercises) the first holds for <= 4% of lying /
all-fours exercise windows and the second for 0% of squat, lunge and back-extension windows (2% of forward
bends, 0.1% of standing hip stretches).
"""
from __future__ import annotations

import numpy as np

from posecoach.recognition.features import N_ABS, descriptor_size

UPRIGHT_ONLY = ("squat", "lunge", "back_extension", "forward_bend", "hamstring_stretch", "hip_stretch", "other",
                "rest")
NEVER_LYING = ("squat", "lunge", "back_extension", "forward_bend")
FLOOR = 0.02  # probability multiplier of an excluded class
# Indices into window_features: the mean block (every descriptor but the image positions) comes first, then
# the 90-10 percentile range block.
_TY, _TL, _WUP = 1, 2, 41


def orientation_prior(features: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """(K, C) multipliers for the class probabilities of (K, F) window features."""
    x = np.atleast_2d(features)
    d = descriptor_size() - N_ABS  # the range block's start
    ty, tl, wup, ty_range = x[:, _TY], x[:, _TL], x[:, _WUP], x[:, d + _TY]
    upright = (ty > 0.85) & (wup > 0.8) & (tl > 0.9)
    never_up = ty + 0.5 * ty_range < 0.5
    m = np.ones((len(x), len(labels)))
    lab = np.array(labels)
    m[np.ix_(upright, ~np.isin(lab, UPRIGHT_ONLY))] = FLOOR
    m[np.ix_(never_up, np.isin(lab, NEVER_LYING))] = FLOOR
    return m


def apply_prior(proba: np.ndarray, features: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    p = np.atleast_2d(proba) * orientation_prior(features, labels)
    p /= p.sum(1, keepdims=True)
    return p if np.ndim(proba) == 2 else p[0]
