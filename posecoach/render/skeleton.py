"""Skeleton annotator: bones and joints of a Pose, faded where the model is unsure of a landmark."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.pose import CONNECTIONS, Pose


def scene_points(pose: Pose, scene: np.ndarray, mirrored: bool = False) -> np.ndarray:
    """(33, 2) int pixel positions of the landmarks in ``scene``.

    The pose may come from a smaller/larger analysis frame than the scene, so positions are scaled to the scene.
    ``mirrored``: the scene is a selfie (flipped) view while the pose holds the body's true, un-mirrored
    positions (what the estimator returns for a mirrored frame); x is flipped back so points land on the body,
    and each index keeps naming the same body part.
    """
    xy = pose.image[:, :2].copy()
    if mirrored:
        xy[:, 0] = 1.0 - xy[:, 0]
    h, w = scene.shape[:2]
    return np.round(xy * [w, h]).astype(int)


@dataclass
class SkeletonAnnotator:
    color: tuple[int, int, int] = (255, 255, 255)
    joint_color: tuple[int, int, int] = (0, 200, 255)
    low_color: tuple[int, int, int] = (120, 120, 120)
    min_visibility: float = 0.5
    thickness: int | None = None  # None: scales with the frame height

    def annotate(self, scene: np.ndarray, pose: Pose | None, mirrored: bool = False) -> np.ndarray:
        if pose is None:
            return scene
        h = scene.shape[0]
        t = self.thickness or max(2, h // 240)
        px = scene_points(pose, scene, mirrored)
        vis = pose.visibility
        for a, b in CONNECTIONS:
            ok = vis[a] >= self.min_visibility and vis[b] >= self.min_visibility
            cv2.line(scene, tuple(px[a]), tuple(px[b]), self.color if ok else self.low_color, t, cv2.LINE_AA)
        for i, p in enumerate(px):
            ok = vis[i] >= self.min_visibility
            cv2.circle(scene, tuple(p), t + 1, self.joint_color if ok else self.low_color, -1, cv2.LINE_AA)
        return scene
