"""What a user must be told about an analysis besides its counts: the input was cut short, nobody was there, the
person was lost for a while, the cache could not be saved.

A green "0 faults" report of an empty room, or 73 frames of a 198-frame clip analysed without a word, look like
results; these notes go into the JSON report (``warnings`` plus the fields behind them), the HTML report and the
command's output, so they cannot be missed.

    notes(frames, fps, expected_frames, extra=[]) -> {"warnings": [...], "frames_expected": ..., ...}

``frames`` is a list of ``PoseFrame`` or an ``outputs.frame_log.FrameLog`` (anything with ``times`` and ``present``).
"""
from __future__ import annotations

# A container's frame count can be an estimate (duration x rate): small differences are not worth a warning.
MISSING_FRAMES_TOLERANCE = 0.02
MISSING_FRAMES_MIN = 3
LOST_SECONDS = 3.0  # a gap this long with nobody found is reported


def _clock(t: float) -> str:
    return f"{int(t // 60)}:{t % 60:04.1f}"


def _series(frames):
    """(times, present) of ``frames``: a FrameLog's columns, or a list of PoseFrame's."""
    if hasattr(frames, "present"):
        return frames.times.tolist(), frames.present.tolist()
    return [pf.timestamp for pf in frames], [pf.pose is not None for pf in frames]


def lost_stretches(frames, fps: float, min_seconds: float = LOST_SECONDS) -> list[dict]:
    """Runs of frames without a pose lasting at least ``min_seconds``, as {"start", "end", "seconds"} (the end is
    the time of the last frame of the run plus one frame)."""
    step = 1.0 / fps if fps else 0.0
    times, present = _series(frames)
    out, start = [], None
    for i, found in enumerate(present + [None]):
        missing = found is not None and not found
        if missing and start is None:
            start = i
        elif not missing and start is not None:
            t0, t1 = times[start], times[i - 1] + step
            if t1 - t0 >= min_seconds:
                out.append({"start": round(t0, 3), "end": round(t1, 3), "seconds": round(t1 - t0, 3)})
            start = None
    return out


def notes(frames, fps: float, expected_frames: int, extra=(), decoded: int | None = None) -> dict:
    """The report fields and warnings for an analysis of ``frames`` (PoseFrame) from a video whose container
    claims ``expected_frames``; ``extra``: warnings found elsewhere (e.g. the cache could not be saved)."""
    n = len(frames) if decoded is None else decoded  # frames read from the video (more than analysed, at a rate)
    found = int(sum(bool(v) for v in _series(frames)[1]))
    warnings = []
    missing = expected_frames - n
    if expected_frames > 0 and missing > max(MISSING_FRAMES_MIN, MISSING_FRAMES_TOLERANCE * expected_frames):
        warnings.append(f"only {n} of {expected_frames} frames could be decoded (the file may be cut off or "
                        f"damaged); the results cover the first {n / fps if fps else 0:.1f} s")
    nobody = n > 0 and found == 0
    lost = [] if nobody else lost_stretches(frames, fps)
    if n == 0:
        warnings.append("no frames could be decoded")
    elif nobody:
        warnings.append("nobody was found in the video: there is nothing to check (is the whole body in view, "
                        "and lit?)")
    elif lost:
        longest = max(lost, key=lambda g: g["seconds"])
        total = sum(g["seconds"] for g in lost)
        many = f"{len(lost)} times, {total:.1f} s in all; longest" if len(lost) > 1 else "for"
        warnings.append(f"the person was lost {many} {longest['seconds']:.1f} s "
                        f"({_clock(longest['start'])}-{_clock(longest['end'])}): nothing was checked then")
    warnings.extend(extra)
    return {"frames_expected": int(expected_frames), "nobody_found": nobody, "person_lost": lost,
            "warnings": warnings}
