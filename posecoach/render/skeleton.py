"""Skeleton annotator: bones and joints of a Pose, faded where the model is unsure of a landmark."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.pose import CONNECTIONS, Pose


@dataclass
class SkeletonAnnotator:
    color: tuple[int, int, int] = (255, 255, 255)
    low_color: tuple[int, int, int] = (120, 120, 120)
    min_visibility: float = 0.5
    thickness: int | None = None  # None: scales with the frame height

    def annotate(self, scene: np.ndarray, pose: Pose | None) -> np.ndarray:
        if pose is None:
            return scene
        h = scene.shape[0]
        t = self.thickness or max(2, h // 240)
        px = pose.pixels()
        # The pose may come from a smaller/larger analysis frame than the scene; scale to the scene.
        sx, sy = scene.shape[1] / pose.image_size[0], scene.shape[0] / pose.image_size[1]
        px = np.round(px * [sx, sy]).astype(int)
        vis = pose.visibility
        for a, b in CONNECTIONS:
            ok = vis[a] >= self.min_visibility and vis[b] >= self.min_visibility
            cv2.line(scene, tuple(px[a]), tuple(px[b]), self.color if ok else self.low_color, t, cv2.LINE_AA)
        for i, p in enumerate(px):
            ok = vis[i] >= self.min_visibility
            cv2.circle(scene, tuple(p), t + 1, (0, 200, 255) if ok else self.low_color, -1, cv2.LINE_AA)
        return scene
