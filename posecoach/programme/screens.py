"""What the programme session draws over the camera picture: the demonstration, and cards (plan, pain check-in,
"this hurts", stop advice). Drawing only: no state, no I/O."""
from __future__ import annotations

import cv2
import numpy as np

from posecoach.render.style import (AMBER, BLUE, GREEN, RED, WHITE, fit_scale, put_text, shade, text_size, thickness,
                                    unit, wrap)

PAIN_KEYS_HELP = "Press 0-9: 0 = no pain, 9 = very bad."


def card(img: np.ndarray, title: str, paragraphs: list[str], footer: str = "", color=BLUE,
         progress: float | None = None) -> np.ndarray:
    """A centred panel: a title, wrapped paragraphs, a footer line and an optional countdown bar."""
    u = unit(img)
    H, W = img.shape[:2]
    m = int(14 * u)
    pw = int(min(W - 2 * m, 620 * u))
    sc, th = 0.6 * u, thickness(u, 0.55)
    tsc, tth = fit_scale(title, pw - 2 * m, 1.3 * u, thickness(u, 1.1)), thickness(u, 1.1)
    lines: list[tuple[str, tuple]] = []
    for p in paragraphs:
        lines += [(ln, WHITE) for ln in wrap(p, pw - 2 * m, sc, th, max_lines=6)] + [("", WHITE)]
    if footer:
        lines += [(ln, (200, 220, 255)) for ln in wrap(footer, pw - 2 * m, sc, th, max_lines=2)]
    lh = int(text_size("Ag", sc, th)[1] * 1.8)
    tht = text_size(title, tsc, tth)[1]
    ph = min(H - 2 * m, tht + 3 * m + lh * len(lines) + (int(22 * u) if progress is not None else 0))
    x0, y0 = (W - pw) // 2, max(m, (H - ph) // 2)
    shade(img, x0, y0, x0 + pw, y0 + ph, alpha=0.8)
    cv2.rectangle(img, (x0, y0), (x0 + pw, y0 + ph), color, max(2, int(3 * u)), cv2.LINE_AA)
    put_text(img, title, (x0 + m, y0 + m + tht), tsc, WHITE, tth)
    y = y0 + 2 * m + tht
    for ln, col in lines:
        if y + lh > y0 + ph:
            break
        if ln:
            put_text(img, ln, (x0 + m, y + lh - int(lh * 0.3)), sc, col, th, outline=False)
        y += lh
    if progress is not None:
        by = min(y + int(4 * u), y0 + ph - int(14 * u))
        cv2.rectangle(img, (x0 + m, by), (x0 + pw - m, by + int(10 * u)), (90, 90, 90), -1)
        fx = x0 + m + int((pw - 2 * m) * min(1.0, max(0.0, progress)))
        cv2.rectangle(img, (x0 + m, by), (fx, by + int(10 * u)), color, -1)
    return img


def pain_card(img: np.ndarray, when: str, extra: str = "") -> np.ndarray:
    q = ("How is your back pain right now, before we start?" if when == "before"
         else "How is your back pain now, after the session?")
    return card(img, "PAIN CHECK", [q, PAIN_KEYS_HELP] + ([extra] if extra else []),
                footer="Be honest: the programme eases off when pain goes up.", color=BLUE)


def stop_card(img: np.ndarray, message: str) -> np.ndarray:
    return card(img, "STOP FOR TODAY", [message], footer="The session is saved.", color=RED)


def hurt_card(img: np.ndarray, message: str, progress: float) -> np.ndarray:
    return card(img, "THAT'S OK", [message], footer="Press N to go on now.", color=RED, progress=progress)


def plan_card(img: np.ndarray, title: str, week: int, reason: str, lines: list[str], progress: float) -> np.ndarray:
    body = [reason, "Today: " + "; ".join(lines)]
    return card(img, f"{title} - week {week}", body, footer="Press N to begin. Keys: H this hurts, + / - fix the "
                "count, P pause, Q quit.", color=GREEN, progress=progress)


def demo_screen(img: np.ndarray, frames: list, t: float, name: str, target: str, guidance: str, place: str,
                progress: float, fps: float = 10.0) -> np.ndarray:
    """The demonstration: the avatar's clip looped on the left, the written instructions on the right."""
    u = unit(img)
    H, W = img.shape[:2]
    shade(img, 0, 0, W, H, alpha=0.85)
    m = int(14 * u)
    tsc, tth = fit_scale(f"How to: {name}", W - 2 * m, 1.2 * u, thickness(u, 1.1)), thickness(u, 1.1)
    tht = text_size("Ag", tsc, tth)[1]
    put_text(img, f"How to: {name}", (m, m + tht), tsc, WHITE, tth)
    top = 2 * m + tht
    text_x = m
    if frames:
        clip = frames[int(t * fps) % len(frames)]
        dh = int(min(H - top - 2 * m, (W * 0.55) * clip.shape[0] / clip.shape[1]))
        dw = int(dh * clip.shape[1] / clip.shape[0])
        img[top:top + dh, m:m + dw] = cv2.resize(clip, (dw, dh), interpolation=cv2.INTER_LINEAR)
        cv2.rectangle(img, (m, top), (m + dw, top + dh), GREEN, max(1, int(2 * u)), cv2.LINE_AA)
        put_text(img, "demonstration", (m + int(6 * u), top + dh - int(8 * u)), 0.5 * u, WHITE, thickness(u, 0.5))
        text_x = 2 * m + dw
    tw = W - text_x - m
    sc, th = 0.55 * u, thickness(u, 0.5)
    lh = int(text_size("Ag", sc, th)[1] * 1.8)
    y = top + lh
    for text, col, n in ((f"Today: {target}", (120, 230, 120), 2), (guidance, WHITE, 9), (place, (200, 220, 255), 3)):
        for ln in wrap(text, tw, sc, th, max_lines=n):
            if y > H - 3 * m:
                break
            put_text(img, ln, (text_x, y), sc, col, th, outline=False)
            y += lh
        y += lh // 2
    foot = "Get into position. Press N to start now."
    put_text(img, foot, (m, H - m - int(14 * u)), fit_scale(foot, W - 2 * m, 0.6 * u, th), (200, 220, 255), th)
    bx0, bx1, by = m, W - m, H - m - int(6 * u)
    cv2.rectangle(img, (bx0, by), (bx1, by + int(6 * u)), (90, 90, 90), -1)
    cv2.rectangle(img, (bx0, by), (bx0 + int((bx1 - bx0) * min(1.0, max(0.0, progress))), by + int(6 * u)), GREEN, -1)
    return img


def switch_question(img: np.ndarray, doing: str, on_screen: str, progress: float) -> np.ndarray:
    """"Looks like you are doing X": a panel along the bottom, so the person and the count stay in view, with
    the keys and a bar for the time left to answer."""
    return _bottom_panel(img, f"Switch to {doing}?",
                         [f"Looks like you are doing {doing} \u2014 press Y to switch, N to stay with {on_screen}."],
                         AMBER, progress)


def switch_note(img: np.ndarray, doing: str, on_screen: str, in_session: bool) -> np.ndarray:
    """The gentle note for an exercise that is not to be switched to: not in today's session, or already behind."""
    why = "that is done for today" if in_session else "that is not in today's session"
    return _bottom_panel(img, f"That looks like {doing}", [f"{why[0].upper()}{why[1:]}. Now: {on_screen}."], BLUE)


def _bottom_panel(img: np.ndarray, title: str, paragraphs: list[str], color, progress: float | None = None):
    u = unit(img)
    H, W = img.shape[:2]
    m = int(12 * u)
    pw = W  # a sheet along the whole bottom: it covers the cue line, the question is what to read now
    sc, th = 0.62 * u, thickness(u, 0.55)
    tsc, tth = fit_scale(title, pw - 4 * m, 1.0 * u, thickness(u, 1.0)), thickness(u, 1.0)
    lines = [ln for p in paragraphs for ln in wrap(p, pw - 4 * m, sc, th, max_lines=3)]
    lh = int(text_size("Ag", sc, th)[1] * 1.8)
    tht = text_size(title, tsc, tth)[1]
    ph = tht + 3 * m + lh * len(lines) + (int(18 * u) if progress is not None else 0)
    x0, y1 = 0, H - 1
    y0 = max(m, y1 - ph)
    shade(img, x0, y0, x0 + pw, y1, alpha=1.0)  # opaque: the cue line under it would read through
    cv2.rectangle(img, (x0, y0), (x0 + pw - 1, y1), color, max(2, int(3 * u)), cv2.LINE_AA)
    put_text(img, title, (x0 + 2 * m, y0 + m + tht), tsc, WHITE, tth)
    y = y0 + 2 * m + tht
    for ln in lines:
        put_text(img, ln, (x0 + 2 * m, y + lh - int(lh * 0.3)), sc, WHITE, th, outline=False)
        y += lh
    if progress is not None:
        by = min(y + int(4 * u), y1 - int(12 * u))
        cv2.rectangle(img, (x0 + 2 * m, by), (x0 + pw - 2 * m, by + int(8 * u)), (90, 90, 90), -1)
        fx = x0 + 2 * m + int((pw - 4 * m) * min(1.0, max(0.0, 1.0 - progress)))  # time left to answer
        cv2.rectangle(img, (x0 + 2 * m, by), (fx, by + int(8 * u)), color, -1)
    return img
