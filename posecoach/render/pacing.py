"""The pacing guide: which way a paced movement should be going now, drawn from what the checker published.

Deep breathing names its phases ``inhale`` / ``exhale`` (``Feedback.movement``); this panel shows "Breathe in"
or "Breathe out" with a circle that grows as the chest rises (the checker's progress p) and shrinks as it falls.
Any exercise whose file names ``movement_names`` gets the panel; it draws, it decides nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.render.hud import COLUMN_W, MARGIN
from posecoach.render.style import BLUE, GREEN, GREY, WHITE, put_text, shade, text_size, thickness, unit

# how a phase name is said on screen (other names are shown capitalised)
SAID = {"inhale": "Breathe in", "exhale": "Breathe out"}
COLOURS = {"inhale": GREEN, "exhale": BLUE}


@dataclass
class MovementGuideAnnotator:
    """A right-column panel: the phase in words and a circle sized by progress (empty until a phase is named)."""

    alpha: float = 0.6

    def annotate(self, scene: np.ndarray, phase: str, progress: float, top: float = 10.0) -> np.ndarray:
        u = unit(scene)
        m = int(round(MARGIN * u))
        w = int(COLUMN_W * u)
        h = int(118 * u)
        x0, y0 = scene.shape[1] - w - m, int(top * u)
        shade(scene, x0, y0, x0 + w, y0 + h, alpha=self.alpha)
        th = thickness(u, 0.6)
        colour = COLOURS.get(phase, GREY)
        text = SAID.get(phase, phase.replace("_", " ").capitalize()) if phase else "Breathe normally"
        scale = 0.6 * u
        tw, tht, _ = text_size(text, scale, th)
        put_text(scene, text, (x0 + (w - tw) // 2, y0 + int(22 * u)), scale, colour if phase else GREY, th)
        cx, cy = x0 + w // 2, y0 + int(72 * u)
        r_max = int(40 * u)
        p = 0.0 if progress is None or not math.isfinite(progress) else min(max(progress, 0.0), 1.0)
        cv2.circle(scene, (cx, cy), r_max, (200, 200, 200), max(1, th // 2), cv2.LINE_AA)
        r = int(r_max * (0.3 + 0.7 * p))
        cv2.circle(scene, (cx, cy), r, colour, -1, cv2.LINE_AA)
        cv2.circle(scene, (cx, cy), r, WHITE, max(1, th // 2), cv2.LINE_AA)
        return scene
