"""Heads-up annotators: rep counter, hold timer, cue text, header with side, position guide, fps, banners.

Each one holds only style in its constructor and has one ``annotate(scene, ...) -> scene`` method that draws
what it is given; none of them counts, times or decides anything. Sizes follow the frame height (style.unit).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.render.style import (AMBER, BLUE, CUE_COLORS, DARK, GREEN, GREY, RED, WHITE, fit_scale, put_text,
                                    shade, text_size, thickness, unit, wrap)

# Layout shared by the HUD pieces (in units of style.unit): margin, header height, right column width.
MARGIN = 10
HEADER_H = 40
COLUMN_W = 150


def _m(u: float) -> int:
    return int(round(MARGIN * u))


@dataclass
class HeaderAnnotator:
    """Top-left: the exercise name and, for one-sided exercises, which side is working."""

    alpha: float = 0.6

    def annotate(self, scene: np.ndarray, title: str, side: str | None = None, variant: str = "") -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        W = scene.shape[1]
        scale, th = 0.75 * u, thickness(u, 0.6)
        max_w = int(W - COLUMN_W * u - 3 * m)
        text = title + (f" ({variant})" if variant else "")
        chip = f"{side.upper()} SIDE" if side in ("left", "right") else ""
        chip_scale = 0.6 * u
        chip_w = text_size(chip, chip_scale, th)[0] + int(16 * u) if chip else 0
        scale = fit_scale(text, max(40, max_w - chip_w - m), scale, th)
        tw, tht, _ = text_size(text, scale, th)
        h = int(HEADER_H * u)
        shade(scene, 0, 0, m * 2 + tw + (chip_w + m if chip else 0), h, alpha=self.alpha)
        put_text(scene, text, (m, (h + tht) // 2), scale, WHITE, th)
        if chip:
            x0 = 2 * m + tw
            cw, chh, _ = text_size(chip, chip_scale, th)
            y0, y1 = int(h * 0.18), int(h * 0.82)
            cv2.rectangle(scene, (x0, y0), (x0 + chip_w, y1), BLUE, -1, cv2.LINE_AA)
            put_text(scene, chip, (x0 + int(8 * u), (y0 + y1 + chh) // 2), chip_scale, WHITE, th, outline=False)
        return scene


@dataclass
class FpsAnnotator:
    """Frames per second, small, under the header."""

    color: tuple[int, int, int] = (200, 200, 200)

    def annotate(self, scene: np.ndarray, fps: float | None) -> np.ndarray:
        if fps is None or not math.isfinite(fps):
            return scene
        u = unit(scene)
        scale, th = 0.5 * u, thickness(u, 0.5)
        put_text(scene, f"{fps:4.1f} fps", (_m(u), int((HEADER_H + 22) * u)), scale, self.color, th)
        return scene


@dataclass
class RepCounterAnnotator:
    """Top-right: completed reps against the target, partial attempts under them."""

    alpha: float = 0.6
    done_color: tuple[int, int, int] = GREEN

    def annotate(self, scene: np.ndarray, reps: int, target: int | None = None, partial: int = 0) -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        W = scene.shape[1]
        w = int(COLUMN_W * u)
        x0, y0 = W - w - m, m
        h = int(92 * u)
        shade(scene, x0, y0, x0 + w, y0 + h, alpha=self.alpha)
        th = thickness(u, 0.6)
        put_text(scene, "REPS", (x0 + m, y0 + int(20 * u)), 0.55 * u, (210, 210, 210), th, outline=False)
        big = str(reps)
        tail = f"/{target}" if target else ""
        big_scale, big_th = 1.9 * u, thickness(u, 1.4)
        bw, bh, _ = text_size(big, big_scale, big_th)
        done = bool(target) and reps >= target
        put_text(scene, big, (x0 + m, y0 + int(68 * u)), big_scale, self.done_color if done else WHITE, big_th)
        if tail:
            put_text(scene, tail, (x0 + m + bw + int(4 * u), y0 + int(68 * u)), 1.0 * u, (210, 210, 210), th)
        if partial:
            put_text(scene, f"+{partial} partial", (x0 + m, y0 + int(86 * u)), 0.5 * u, AMBER, th, outline=False)
        return scene


@dataclass
class HoldTimerAnnotator:
    """A ring that fills toward the target hold time; amber with a pause sign while form is broken.

    state: "holding" (green, filling), "paused" (amber, frozen, pause sign), "idle" (grey).
    ``top`` is where the ring panel starts (in style units), so it can sit under the rep counter.
    """

    alpha: float = 0.6

    def annotate(self, scene: np.ndarray, seconds: float, target: float | None, state: str = "idle",
                 label: str = "HOLD", top: float = 10.0) -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        W = scene.shape[1]
        w = int(COLUMN_W * u)
        h = int(120 * u)
        x0, y0 = W - w - m, int(top * u)
        shade(scene, x0, y0, x0 + w, y0 + h, alpha=self.alpha)
        color = {"holding": GREEN, "paused": AMBER}.get(state, GREY)
        th = thickness(u, 0.6)
        put_text(scene, label if state != "paused" else "PAUSED", (x0 + m, y0 + int(20 * u)), 0.55 * u,
                 color if state != "idle" else (210, 210, 210), th, outline=False)
        r = int(38 * u)
        c = (x0 + w // 2, y0 + int(24 * u) + r + int(4 * u))
        ring = max(3, int(7 * u))
        cv2.circle(scene, c, r, (90, 90, 90), ring, cv2.LINE_AA)
        frac = min(1.0, max(0.0, seconds / target)) if target else 0.0
        if frac > 0:
            cv2.ellipse(scene, c, (r, r), -90, 0, 360 * frac, color, ring, cv2.LINE_AA)
        if state == "paused":
            bw, bh = max(3, int(6 * u)), int(20 * u)
            cyb = c[1] - int(9 * u)
            for dx in (-int(8 * u), int(8 * u) - bw):
                cv2.rectangle(scene, (c[0] + dx, cyb - bh // 2), (c[0] + dx + bw, cyb + bh // 2), AMBER, -1)
            txt = f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
            put_text(scene, txt, (c[0] - text_size(txt, 0.5 * u, th)[0] // 2, c[1] + int(20 * u)),
                     0.5 * u, AMBER, th)
        else:
            txt = f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}"
            sc, sth = 0.95 * u, thickness(u, 0.9)
            tw, tht, _ = text_size(txt, sc, sth)
            put_text(scene, txt, (c[0] - tw // 2, c[1] + int(4 * u)), sc, WHITE, sth)
            if target:
                sub = f"of {target:g} s"
                sw = text_size(sub, 0.42 * u, th)[0]
                put_text(scene, sub, (c[0] - sw // 2, c[1] + int(22 * u)), 0.42 * u, (210, 210, 210), th, outline=False)
        return scene


@dataclass
class CueAnnotator:
    """Bottom: the current cue in large text on a band coloured by the cue's kind."""

    alpha: float = 0.72
    scale: float = 1.0  # in style units; shrinks to fit three lines at most

    def annotate(self, scene: np.ndarray, text: str | None, kind: str = "form") -> np.ndarray:
        if not text:
            return scene
        H, W = scene.shape[:2]
        # The cue is the one thing to read from the mat: on a portrait frame it may be larger than the rest of
        # the HUD (which is sized by the width), because it wraps onto more lines.
        u = max(unit(scene), min(H / 480.0, W / 400.0))
        m = _m(u)
        color = CUE_COLORS.get(kind, AMBER)
        bar = max(4, int(8 * u))
        max_w = W - 2 * m - bar - m
        scale, th = self.scale * u, thickness(u, 0.9)
        lines = wrap(text, max_w, scale, th, max_lines=2)
        if lines and lines[-1].endswith("...") or len(lines) > 2:
            scale = 0.78 * self.scale * u
            th = thickness(u, 0.7)
            lines = wrap(text, max_w, scale, th, max_lines=3)
        lh = int(text_size("Ag", scale, th)[1] * 1.7)
        band_h = lh * len(lines) + 2 * m
        y0 = H - band_h
        shade(scene, 0, y0, W, H, alpha=self.alpha)
        cv2.rectangle(scene, (0, y0), (bar, H), color, -1)
        cv2.line(scene, (0, y0), (W, y0), color, max(2, int(2 * u)), cv2.LINE_AA)
        for k, line in enumerate(lines):
            put_text(scene, line, (bar + m, y0 + m + (k + 1) * lh - int(lh * 0.28)), scale, WHITE, th)
        return scene


def _draw_person(scene, c, s, color, posture: str, facing_camera: bool) -> None:
    """A stick person for the guide: lying on the back (knees up), on the floor face down (plank / all fours),
    or standing (facing us or in profile)."""
    t = max(2, int(s * 0.08))
    x, y = c
    P = lambda dx, dy: (x + int(s * dx), y + int(s * dy))  # noqa: E731
    if posture == "lying":
        cv2.circle(scene, P(-0.9, -0.12), int(s * 0.16), color, t, cv2.LINE_AA)
        for a, b in (((-0.72, 0), (0.1, 0)), ((0.1, 0), (0.45, -0.4)), ((0.45, -0.4), (0.75, 0))):
            cv2.line(scene, P(*a), P(*b), color, t, cv2.LINE_AA)
        return
    if posture == "floor":
        cv2.circle(scene, P(-0.85, -0.42), int(s * 0.16), color, t, cv2.LINE_AA)
        for a, b in (((-0.65, -0.35), (0.75, -0.05)), ((-0.6, -0.33), (-0.6, 0.05)), ((0.75, -0.05), (0.8, 0.05))):
            cv2.line(scene, P(*a), P(*b), color, t, cv2.LINE_AA)
        return
    cv2.circle(scene, (x, y - int(s * 0.8)), int(s * 0.16), color, t, cv2.LINE_AA)
    cv2.line(scene, (x, y - int(s * 0.62)), (x, y), color, t, cv2.LINE_AA)
    if facing_camera:
        cv2.line(scene, (x, y), (x - int(s * 0.25), y + int(s * 0.6)), color, t, cv2.LINE_AA)
        cv2.line(scene, (x, y), (x + int(s * 0.25), y + int(s * 0.6)), color, t, cv2.LINE_AA)
        cv2.line(scene, (x - int(s * 0.35), y - int(s * 0.3)), (x + int(s * 0.35), y - int(s * 0.3)), color, t,
                 cv2.LINE_AA)
    else:
        cv2.line(scene, (x, y), (x + int(s * 0.15), y + int(s * 0.6)), color, t, cv2.LINE_AA)
        cv2.line(scene, (x, y), (x - int(s * 0.1), y + int(s * 0.6)), color, t, cv2.LINE_AA)
        cv2.line(scene, (x, y - int(s * 0.5)), (x + int(s * 0.3), y - int(s * 0.2)), color, t, cv2.LINE_AA)


def _draw_camera(scene, c, s, color, toward: int) -> None:
    """A camera icon whose lens points left (toward=-1) or right (+1)."""
    x, y = c
    w, h = int(s * 0.5), int(s * 0.34)
    cv2.rectangle(scene, (x - w // 2, y - h // 2), (x + w // 2, y + h // 2), color, -1, cv2.LINE_AA)
    lx = x + toward * (w // 2)
    pts = np.array([[lx, y - h // 4], [lx + toward * int(s * 0.22), y - h // 2],
                    [lx + toward * int(s * 0.22), y + h // 2], [lx, y + h // 4]], np.int32)
    cv2.fillPoly(scene, [pts], color, cv2.LINE_AA)


VIEW_TEXT = {
    "side": "Side view: camera to your side, at hip height, 2-3 m away. Whole body in the picture.",
    "front": "Front view: camera in front of you, at hip height, 2-3 m away. Whole body in the picture.",
    "any": "Camera 2-3 m away at hip height, side or front. Whole body in the picture.",
}


@dataclass
class PositionGuideAnnotator:
    """Centre panel shown until the person is in position: how to place the camera, and the start position."""

    alpha: float = 0.7

    def annotate(self, scene: np.ndarray, required_view: str = "side", guidance: str = "",
                 posture: str = "standing", title: str = "Get into position") -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        H, W = scene.shape[:2]
        avail = W - int(COLUMN_W * u) - 3 * m  # keep clear of the counter column on the right
        pw = int(min(avail, 440 * u))
        px0 = m + (avail - pw) // 2
        py0 = int((HEADER_H + 32) * u)
        body_scale, th = 0.6 * u, thickness(u, 0.55)
        text = VIEW_TEXT.get(required_view, VIEW_TEXT["any"])
        lines = wrap(text, pw - 2 * m, body_scale, th, max_lines=3)
        glines = wrap(guidance, pw - 2 * m, 0.52 * u, th, max_lines=3) if guidance else []
        lh = int(text_size("Ag", body_scale, th)[1] * 1.7)
        icon_h = int(74 * u)
        ph = int(44 * u) + icon_h + lh * (len(lines) + len(glines)) + 2 * m
        ph = min(ph, H - py0 - int(60 * u))
        shade(scene, px0, py0, px0 + pw, py0 + ph, alpha=self.alpha)
        cv2.rectangle(scene, (px0, py0), (px0 + pw, py0 + ph), BLUE, max(2, int(2 * u)), cv2.LINE_AA)
        tsc, tth = fit_scale(title, pw - 2 * m, 0.95 * u, thickness(u, 0.9)), thickness(u, 0.9)
        tw, tht, _ = text_size(title, tsc, tth)
        put_text(scene, title, (px0 + (pw - tw) // 2, py0 + m + tht), tsc, WHITE, tth)
        # Diagram: the camera, and the person as the camera should see them.
        cy = py0 + int(44 * u) + icon_h // 2
        s = int(56 * u)
        cx = px0 + pw // 2
        facing = required_view == "front"
        _draw_camera(scene, (cx - int(120 * u), cy), s, BLUE, +1)
        for k in range(3):  # dotted line of sight
            xk = cx - int(80 * u) + k * int(22 * u)
            cv2.circle(scene, (xk, cy), max(2, int(3 * u)), (200, 200, 200), -1, cv2.LINE_AA)
        low = posture in ("lying", "floor")
        person_c = (cx + int(40 * u), cy + (int(14 * u) if low else -int(2 * u)))
        _draw_person(scene, person_c, int(s * (1.0 if low else 0.62)), WHITE, posture, facing and not low)
        y = py0 + int(44 * u) + icon_h + lh
        for line in lines:
            put_text(scene, line, (px0 + m, y - int(lh * 0.3)), body_scale, WHITE, th, outline=False)
            y += lh
        for line in glines:
            if y > py0 + ph:
                break
            put_text(scene, line, (px0 + m, y - int(lh * 0.3)), 0.52 * u, (200, 220, 255), th, outline=False)
            y += lh
        return scene


@dataclass
class BannerAnnotator:
    """A large centred message (PAUSED, REST 0:25, SET DONE) with an optional countdown bar."""

    alpha: float = 0.75

    def annotate(self, scene: np.ndarray, title: str, subtitle: str = "", progress: float | None = None,
                 color=BLUE) -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        H, W = scene.shape[:2]
        pw = int(min(W - 2 * m, 460 * u))
        tsc, tth = 1.6 * u, thickness(u, 1.3)
        tsc = fit_scale(title, pw - 2 * m, tsc, tth)
        tw, tht, _ = text_size(title, tsc, tth)
        sub_lines = [ln for part in (subtitle.split("\n") if subtitle else [])  # "\n" forces a line break
                     for ln in wrap(part, pw - 2 * m, 0.62 * u, thickness(u, 0.55), max_lines=2)]
        lh = int(text_size("Ag", 0.62 * u, 1)[1] * 1.8)
        ph = tht + 3 * m + lh * len(sub_lines) + (int(22 * u) if progress is not None else 0)
        x0, y0 = (W - pw) // 2, (H - ph) // 2
        shade(scene, x0, y0, x0 + pw, y0 + ph, alpha=self.alpha)
        cv2.rectangle(scene, (x0, y0), (x0 + pw, y0 + ph), color, max(2, int(3 * u)), cv2.LINE_AA)
        put_text(scene, title, (x0 + (pw - tw) // 2, y0 + m + tht), tsc, WHITE, tth)
        y = y0 + 2 * m + tht
        for line in sub_lines:
            lw = text_size(line, 0.62 * u, thickness(u, 0.55))[0]
            put_text(scene, line, (x0 + (pw - lw) // 2, y + lh - int(lh * 0.3)), 0.62 * u, (230, 230, 230),
                     thickness(u, 0.55), outline=False)
            y += lh
        if progress is not None:
            bx0, bx1 = x0 + m, x0 + pw - m
            by0, by1 = y + int(4 * u), y + int(16 * u)
            cv2.rectangle(scene, (bx0, by0), (bx1, by1), (90, 90, 90), -1)
            fx = bx0 + int((bx1 - bx0) * min(1.0, max(0.0, progress)))
            cv2.rectangle(scene, (bx0, by0), (fx, by1), color, -1)
        return scene


@dataclass
class SummaryAnnotator:
    """The end-of-session card: a title and rows of (label, value), over a blurred, darkened frame."""

    alpha: float = 0.8

    def annotate(self, scene: np.ndarray, title: str, rows: list[tuple[str, str]], footer: str = "") -> np.ndarray:
        u = unit(scene)
        m = _m(u)
        H, W = scene.shape[:2]
        k = max(3, int(12 * u)) | 1
        scene[:] = cv2.GaussianBlur(scene, (k, k), 0)  # the frame stays as a hint, not as competing text
        shade(scene, 0, 0, W, H, alpha=self.alpha)
        tsc, tth = fit_scale(title, W - 2 * m, 1.2 * u, thickness(u, 1.1)), thickness(u, 1.1)
        tw, tht, _ = text_size(title, tsc, tth)
        put_text(scene, title, ((W - tw) // 2, int(50 * u)), tsc, WHITE, tth)
        sc, th = 0.62 * u, thickness(u, 0.55)
        gap = 3 * m
        lw = max([text_size(k, sc, th)[0] for k, _ in rows] + [0])
        vw = max([text_size(v, sc, th)[0] for _, v in rows] + [0])
        if lw + gap + vw > W - 2 * m:  # shrink the table to fit the width
            sc *= (W - 2 * m) / (lw + gap + vw)
            lw = max([text_size(k, sc, th)[0] for k, _ in rows] + [0])
            vw = max([text_size(v, sc, th)[0] for _, v in rows] + [0])
        lh = int(text_size("Ag", sc, th)[1] * 1.9)
        avail = H - int(70 * u) - int(40 * u)
        n = min(len(rows), max(1, avail // max(lh, 1)))
        if n < len(rows):  # too many rows: the last ones are summarised
            rows = rows[:n - 1] + [("...", f"{len(rows) - n + 1} more in the saved summary")]
        x0 = max(m, (W - (lw + gap + vw)) // 2)
        y = int(70 * u) + lh
        for k, v in rows:
            put_text(scene, k, (x0, y), sc, (190, 190, 190), th, outline=False)
            put_text(scene, v, (x0 + lw + gap, y), sc, WHITE, th, outline=False)
            y += lh
        if footer:
            fsc = fit_scale(footer, W - 2 * m, 0.55 * u, th)
            fw = text_size(footer, fsc, th)[0]
            put_text(scene, footer, ((W - fw) // 2, H - int(18 * u)), fsc, (200, 220, 255), th, outline=False)
        return scene


__all__ = ["HeaderAnnotator", "FpsAnnotator", "RepCounterAnnotator", "HoldTimerAnnotator", "CueAnnotator",
           "PositionGuideAnnotator", "BannerAnnotator", "SummaryAnnotator", "VIEW_TEXT", "RED", "DARK"]
