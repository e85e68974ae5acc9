"""The moments of a session worth looking at, and thumbnails of them.

``worst_moments`` is a pure selection over the checker's results and the analysis' ``FrameLog`` (no I/O);
``thumbnails`` reads those frames back from the video and draws the coaching overlay on them with the pose and
feedback of each (JPEG bytes, for the HTML report only; they are never written into the repository).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_SEV = {"bad": 3, "warn": 2, "info": 1}


@dataclass(frozen=True)
class Moment:
    index: int  # frame index
    time: float
    reason: str
    score: float  # higher = worse


def _index_at(times: np.ndarray, t: float) -> int:
    if len(times) == 0:
        return 0
    return int(np.clip(np.searchsorted(times, t), 0, len(times) - 1))


def worst_moments(log, result, n: int = 6, min_gap: float = 1.5) -> list[Moment]:
    """Up to ``n`` moments, at least ``min_gap`` seconds apart, worst first chosen, returned in time order.

    ``log`` is the analysis' ``FrameLog`` (or, for a short list, the frames and feedback as ``FrameLog.of``
    makes it). Candidates: each form fault (by severity), each partial rep (at its peak), and frames where a
    checked joint is out of range (status bad/warn). Places left over are filled with the tops of complete reps
    (or the middle of holds), so the reviewer can compare with the form at its most demanding point.
    """
    times = log.times
    cands: list[Moment] = []
    if result is not None:
        for f in result.faults:
            i = _index_at(times, f.time)
            cands.append(Moment(i, float(times[i]) if len(times) else f.time, f.message, 10 + _SEV.get(f.severity, 1)))
        for r in result.reps:
            if not r.complete:
                i = _index_at(times, r.peak)
                cands.append(Moment(i, float(times[i]) if len(times) else r.peak,
                                    "Partial rep: did not reach the top position", 11.5))
    for i, score, names in log.out_of_range():
        cands.append(Moment(i, float(times[i]), "Out of range: " + names, score))
    if result is not None:  # the rest of the places are filled with the tops of reps, for comparison
        for r in result.reps:
            if r.complete:
                i = _index_at(times, r.peak)
                label = f"Top of rep {r.index}" + (f" ({r.side})" if r.side in ("left", "right") else "")
                cands.append(Moment(i, float(times[i]), label + (": no faults seen" if not r.faults else
                                                                  ": "
                                                                  + ", ".join(c.replace("_", " ") for c in r.faults)),
                                    1.0 if r.faults else 0.0))
        if not result.reps:
            for h in result.holds:
                i = _index_at(times, (h.start + h.end) / 2)
                cands.append(Moment(i, float(times[i]), f"Middle of a {h.seconds:.1f} s hold", 0.0))
    chosen: list[Moment] = []
    for c in sorted(cands, key=lambda m: (-m.score, m.time)):
        if len(chosen) >= n:
            break
        if all(abs(c.time - o.time) >= min_gap for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda m: m.time)


def thumbnails(video, moments: list[Moment], looks, annotate=None, width: int = 640,
               quality: int = 80) -> list[tuple[Moment, bytes]]:
    """JPEG bytes of each moment's frame with the overlay drawn (moments whose frame cannot be read are skipped).

    ``looks`` maps a frame index to its ``FrameResult`` (pose and feedback to draw; see ``frame_step.replay``)."""
    import cv2

    if annotate is None:
        from posecoach.render.overlay import CoachOverlay

        ov = CoachOverlay(show_fps=False, hud=False)  # body and checked joints only; the caption says the rest
        annotate = lambda img, pose, fb: ov.annotate(img, pose, fb)  # noqa: E731
    cap = cv2.VideoCapture(str(video))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    out = []
    try:
        if not cap.isOpened():
            return []
        pos = -1
        for m in sorted(moments, key=lambda m: m.index):
            if m.index != pos + 1:
                cap.set(cv2.CAP_PROP_POS_FRAMES, m.index)
            ok, img = cap.read()
            pos = m.index
            if not ok or img is None:
                continue
            look = looks.get(m.index)
            pose, fb = (look.pose, look.feedback) if look is not None else (None, None)
            h, w = img.shape[:2]
            k = min(1.0, width / w, width * 0.75 / h)  # landscape: width px wide; portrait: at most 3/4 of that high
            if k < 1.0:
                img = cv2.resize(img, (int(round(w * k)), int(round(h * k))), interpolation=cv2.INTER_AREA)
            img = annotate(img, pose, fb)
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok:
                out.append((m, buf.tobytes()))
    finally:
        cap.release()
    return out
