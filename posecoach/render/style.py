"""Shared drawing helpers for the annotators: colours, sizes that follow the frame height, boxed text.

Everything is sized from the frame (``unit(scene)`` is 1.0 at 640x480, 2.25 at 1920x1080) so an overlay reads
the same at 640x480 and 1080p, landscape or portrait. Colours are BGR.
"""
from __future__ import annotations

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_DUPLEX
FONT_BOLD = cv2.FONT_HERSHEY_DUPLEX

GREEN = (80, 200, 60)
AMBER = (0, 180, 255)
RED = (60, 60, 235)
GREY = (170, 170, 170)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
BLUE = (235, 160, 40)
DARK = (30, 30, 30)

STATUS_COLORS = {"ok": GREEN, "warn": AMBER, "bad": RED, "unknown": GREY}
# Cue kinds -> banner colour: what to fix is amber, danger red, encouragement green, set-up blue.
CUE_COLORS = {"form": AMBER, "tempo": AMBER, "safety": RED, "position": BLUE, "view": BLUE,
              "info": GREEN, "count": GREEN}


def unit(scene: np.ndarray) -> float:
    """Size unit of a frame: 1.0 at 640x480, 2.25 at 1920x1080. The smaller of height/480 and width/640, so a
    portrait (phone) frame gets text sized for its width instead of a panel that covers half of it."""
    h, w = scene.shape[:2]
    return max(min(h / 480.0, w / 640.0), 0.25)


def thickness(u: float, k: float = 1.0) -> int:
    return max(1, int(round(2 * u * k)))


def text_size(text: str, scale: float, thick: int) -> tuple[int, int, int]:
    """(width, height above baseline, baseline) of a line of text in pixels."""
    (w, h), base = cv2.getTextSize(text, FONT, scale, thick)
    return w, h, base


def shade(scene: np.ndarray, x0: int, y0: int, x1: int, y1: int, color=DARK, alpha: float = 0.65) -> None:
    """Darken (blend) a rectangle in place, clipped to the frame."""
    H, W = scene.shape[:2]
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(W, int(x1)), min(H, int(y1))
    if x1 <= x0 or y1 <= y0:
        return
    roi = scene[y0:y1, x0:x1]
    overlay = np.empty_like(roi)
    overlay[:] = color
    cv2.addWeighted(overlay, alpha, roi, 1 - alpha, 0, dst=roi)


def put_text(scene: np.ndarray, text: str, org: tuple[int, int], scale: float, color=WHITE, thick: int = 1,
             outline: bool = True) -> None:
    """Text with a dark outline, so it reads on any background. ``org`` is the left end of the baseline.

    The outline is the same text drawn in black at small offsets around ``org``, not one thicker black pass:
    OpenCV 5 draws text with a TrueType font whose glyphs widen with the thickness, so a thicker black copy
    would run past the white text and show as a ghost.
    """
    x, y = int(org[0]), int(org[1])
    if outline:
        r = max(1, int(round(scale * 1.6)))
        for dx, dy in ((-r, 0), (r, 0), (0, -r), (0, r), (-r, -r), (r, r), (-r, r), (r, -r)):
            cv2.putText(scene, text, (x + dx, y + dy), FONT, scale, BLACK, thick, cv2.LINE_AA)
    cv2.putText(scene, text, (x, y), FONT, scale, color, thick, cv2.LINE_AA)


def wrap(text: str, max_width: int, scale: float, thick: int, max_lines: int = 3) -> list[str]:
    """Greedy word wrap to ``max_width`` pixels; an ellipsis ends the last line when the text does not fit."""
    words = text.split()
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = w if not cur else cur + " " + w
        if text_size(trial, scale, thick)[0] <= max_width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_size(last + "...", scale, thick)[0] > max_width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + "..."
    return lines


def fit_scale(text: str, max_width: int, scale: float, thick: int) -> float:
    """The largest scale <= ``scale`` at which ``text`` fits in ``max_width`` pixels."""
    w = text_size(text, scale, thick)[0]
    return scale if w <= max_width else scale * max_width / max(w, 1)


def rounded_box(scene: np.ndarray, x0: int, y0: int, x1: int, y1: int, color, thick: int) -> None:
    cv2.rectangle(scene, (int(x0), int(y0)), (int(x1), int(y1)), color, thick, cv2.LINE_AA)
