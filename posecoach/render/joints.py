"""Highlights the joints and segments the current exercise checks, coloured by whether they are in range.

Each ``JointReading`` (from the checker's Feedback) names landmarks and a status (ok / warn / bad / unknown).
How the landmarks are drawn depends on the measure's shape:

- ``angle``   (a, vertex, c): both arms, an arc at the vertex, the value in degrees next to the vertex;
- ``offset``  (point, a, b): the reference line a-b, and a drop line from the point onto it;
- ``segment`` (a, b): the segment a-b.

The shape and unit of each reading come from the caller (the overlay looks them up in the exercise spec); a
reading the caller knows nothing about is drawn as consecutive segments.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.render.skeleton import scene_points
from posecoach.render.style import STATUS_COLORS, WHITE, put_text, shade, text_size, thickness, unit

_ORDER = {"unknown": 0, "ok": 1, "warn": 2, "bad": 3}


@dataclass(frozen=True)
class ReadingStyle:
    """How to draw one reading: its shape (angle | offset | segment | path) and unit (deg | torso | ...)."""

    shape: str = "path"
    unit: str = "deg"
    label: str = ""


def format_value(value: float, unit_name: str) -> str:
    if value is None or not math.isfinite(value):
        return "--"
    if unit_name == "deg":
        return f"{value:.0f} deg"
    return f"{value:.2f}"


@dataclass
class JointHighlightAnnotator:
    line_scale: float = 2.2  # highlighted segments are this much thicker than the skeleton
    min_visibility: float = 0.3
    show_values: bool = True
    label_alpha: float = 0.6

    def annotate(self, scene: np.ndarray, pose, joints, styles: dict | None = None,
                 mirrored: bool = False) -> np.ndarray:
        if pose is None or not joints:
            return scene
        styles = styles or {}
        u = unit(scene)
        t = max(3, int(round(2 * u * self.line_scale)))
        px = scene_points(pose, scene, mirrored)
        vis = pose.visibility
        labels: dict[int, list[tuple[str, tuple]]] = {}
        # Draw the worst last so it sits on top where readings share bones.
        for r in sorted(joints, key=lambda j: _ORDER.get(j.status, 0)):
            lms = [int(i) for i in r.landmarks if 0 <= int(i) < len(px)]
            if not lms or any(vis[i] < self.min_visibility for i in lms):
                continue
            color = STATUS_COLORS.get(r.status, STATUS_COLORS["unknown"])
            st = styles.get(r.name, ReadingStyle())
            anchor = self._draw_shape(scene, px, lms, st.shape, color, t, u)
            for i in lms:
                cv2.circle(scene, tuple(px[i]), t + 3, WHITE, -1, cv2.LINE_AA)
                cv2.circle(scene, tuple(px[i]), t + 1, color, -1, cv2.LINE_AA)
            if self.show_values and (r is joints[0] or r.status in ("warn", "bad")):
                # The key measure is always labelled; a fault check only when it is failing, so a green
                # "over arching" never reads as a fault being present.
                name = st.label or r.name.replace("_", " ")
                text = f"{name} {format_value(r.value, st.unit)}" if st.unit == "deg" else name
                labels.setdefault(anchor, []).append((text, color))
        for anchor, items in labels.items():
            self._draw_labels(scene, px[anchor], items, u)
        return scene

    @staticmethod
    def _draw_shape(scene, px, lms, shape, color, t, u) -> int:
        """Draws one reading's geometry; returns the landmark index its label should sit by."""
        if shape == "angle" and len(lms) == 3:
            a, v, c = (px[i] for i in lms)
            cv2.line(scene, tuple(a), tuple(v), color, t, cv2.LINE_AA)
            cv2.line(scene, tuple(v), tuple(c), color, t, cv2.LINE_AA)
            r = int(22 * u)
            a1 = math.degrees(math.atan2(a[1] - v[1], a[0] - v[0]))
            a2 = math.degrees(math.atan2(c[1] - v[1], c[0] - v[0]))
            if abs(a2 - a1) > 180:
                a2 += 360 if a2 < a1 else -360
            cv2.ellipse(scene, tuple(v), (r, r), 0, a1, a2, color, max(2, t // 2), cv2.LINE_AA)
            return lms[1]
        if shape == "offset" and len(lms) == 3:
            p, a, b = (px[i].astype(float) for i in lms)
            cv2.line(scene, tuple(px[lms[1]]), tuple(px[lms[2]]), color, max(2, t // 2), cv2.LINE_AA)
            d = b - a
            n = float(d @ d)
            foot = a + d * (((p - a) @ d) / n) if n > 0 else a
            cv2.line(scene, tuple(px[lms[0]]), tuple(np.round(foot).astype(int)), color, t, cv2.LINE_AA)
            return lms[0]
        for i, j in zip(lms, lms[1:]):
            cv2.line(scene, tuple(px[i]), tuple(px[j]), color, t, cv2.LINE_AA)
        return lms[len(lms) // 2] if shape != "segment" else lms[-1]

    def _draw_labels(self, scene, at, items, u) -> None:
        scale, th = 0.55 * u, thickness(u, 0.5)
        pad = int(4 * u)
        line_h = text_size("Ag", scale, th)[1] + 2 * pad
        width = max(text_size(s, scale, th)[0] for s, _ in items) + 2 * pad
        H, W = scene.shape[:2]
        x = int(at[0] + 14 * u)
        y = int(at[1] - line_h * len(items) / 2)
        y = min(max(0, y), H - line_h * len(items))
        # Keep clear of the frame edge and of the counter/timer column at the top right.
        right = W - int((150 + 20) * u) if y < int(240 * u) else W
        if x + width > right:
            x = int(at[0] - 14 * u - width)
        x = max(0, x)
        shade(scene, x, y, x + width, y + line_h * len(items), alpha=self.label_alpha)
        for k, (s, color) in enumerate(items):
            put_text(scene, s, (x + pad, y + (k + 1) * line_h - pad - 1), scale, color, th, outline=False)
