"""A whole recorded routine: recognise the segments, then count each one with its own checker.

Works on the raw poses of an analysis (from the landmark cache or the pass just made): they are smoothed once
for recognition, and each exercise segment is replayed through a fresh ``FrameStep`` with that exercise's
checker, exactly as ``analyze --exercise`` would run it on that stretch alone. Each segment is widened by
``PAD`` seconds into neighbouring rest (never into another exercise), so a boundary placed a little late does
not cut off the first rep.

Two second opinions from the checkers, which know each exercise's posture and range:

A held posture at the end of an exercise (a cobra or bridge held after the reps, a plank held on) often reads
as "rest" to the recogniser, whose windows of a still held top are few in its synthetic training. The checker
knows better: it times a hold only while the posture is inside the exercise's tolerance. So the checker is run
on into the rest that follows (while somebody is in view), and a hold still going at the segment's end carries
the segment to where that hold ends.

A stretch called "rest" that touches an exercise segment, with the person in view throughout (nobody changes
exercise without stepping out of it), is given to that exercise when the classifier gave it ``RESCUE_P`` of the
probability there and its checker counts reps (``RESCUE_REPS``) or times a hold (``RESCUE_HOLD`` s) in it: the
start of a set the classifier picked up late; else it stays rest. Only holds in the exercise's own zone count,
not those timed from the whole pose (whose form was not judged). A stretch that touches no exercise (between two
empty stretches) goes to an exercise only on stronger evidence, since the checkers are lenient (most of them
count a squat set's reps): a set of paced reps in that exercise's position that its checker alone sees, or that
the classifier clearly gives to it among the checkers that see one (``_explained_by``). These are not passed
through the look-alike rules, which run first.
Chosen on the tune half (clips and `bench_routine.py --half tune`).

Before them, segments of exercises the classifier confuses with a look-alike are relabelled where the pose
tells them apart (``lookalikes.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable

import numpy as np

from posecoach.pose import PoseFrame
from posecoach.recognition.lookalikes import RELABELLED_FROM, by, relabel_lookalikes
from posecoach.recognition.model import OTHER, REST, RecognitionModel, load_model
from posecoach.recognition.replay import in_position_share, own_zone, run_checker
from posecoach.recognition.stream import MERGE_REST, MIN_SEGMENT, Segment, segment_decisions

PAD = 1.5  # seconds
GONE = 1.0  # seconds with nobody in view that end any continuation (the person left)
RESCUE_P = 0.2  # mean probability of an exercise over a rest stretch for its checker to be asked
RESCUE_REPS = 2
RESCUE_HOLD = 5.0  # seconds
RESCUE_RULED = 3  # reps, each counted by a checker's own zones and confirmed by the rhythm, for a stretch alone
SET_PACE = 2.0  # ... each within this factor of their median duration
SET_IN_POSITION = 0.8  # ... with the person in the exercise's position for this share of its readable time
SLIVER = 0.5  # seconds: an idle piece shorter than a decision step left beside a carried-on segment is its own


@dataclass
class RoutineSection:
    segment: Segment
    start: float  # the stretch the checker saw (the segment widened into neighbouring rest)
    end: float
    report: dict  # exercises.report_dict of that stretch


def recognise_routine(raw_frames: Iterable[PoseFrame], *, model: RecognitionModel | None = None,
                      smoothing: str = "one_euro", checker_settings: dict | None = None,
                      fps: float = 30.0, progress=None) -> tuple[list[Segment], list[RoutineSection]]:
    """(every segment, including rest and other; one section per exercise segment, counted by its checker).

    ``progress``: a tqdm-like bar, told the number of exercise segments once they are known and updated as each
    is counted (the checkers' passes take a while on a long recording)."""
    from posecoach.exercises import get_exercise, report_dict

    raw = list(raw_frames)
    _, _, segments = routine_segments(raw, model=model, smoothing=smoothing, checker_settings=checker_settings)
    if progress is not None:
        progress.total = sum(s.is_exercise for s in segments)
        progress.refresh()
    sections = []
    for i, seg in enumerate(segments):
        if not seg.is_exercise:
            continue
        # widened into neighbouring rest only, and never past it into another exercise
        prev, nxt = (segments[i - 1] if i > 0 else None), (segments[i + 1] if i + 1 < len(segments) else None)
        lo = seg.start - (min(PAD, prev.end - prev.start) if prev is not None and not prev.is_exercise else 0.0)
        hi = seg.end + (min(PAD, nxt.end - nxt.start) if nxt is not None and not nxt.is_exercise else 0.0)
        result, n = run_checker(raw, seg.label, lo, hi, smoothing, checker_settings)
        rep = report_dict(result, frames=n, fps=fps, duration=hi - lo)
        rep.update(kind=get_exercise(seg.label).kind, segment_start=round(seg.start, 2), segment_end=round(seg.end, 2),
                   confidence=round(seg.confidence, 3), found_by=seg.found_by, found_how=found_how(seg.found_by))
        sections.append(RoutineSection(seg, lo, hi, rep))
        if progress is not None:
            progress.update(1)
    return segments, sections


def routine_segments(raw: list[PoseFrame], *, model: RecognitionModel | None = None, smoothing: str = "one_euro",
                     checker_settings: dict | None = None) -> tuple[np.ndarray, np.ndarray, list[Segment]]:
    """(decision times, class probabilities, segments) of raw poses: the classifier's segments, then the
    checkers' second opinions (rest stretches they count, holds they still time)."""
    from posecoach.frame_step import FrameStep

    model = model or load_model()
    step = FrameStep(None, smoothing)
    smoothed = [step(f).frame for f in raw]
    times, proba, segments = segment_decisions(smoothed, model)
    segments = _join(relabel_lookalikes(raw, segments, smoothing, checker_settings, smoothed=smoothed))
    # holds first: a checker started in the middle of a hold (the rescue's) does not see it
    segments = continue_holds(raw, segments, smoothing, checker_settings)
    segments = rescue_rests(raw, segments, times, proba, model.labels, smoothing, checker_settings)
    return times, proba, _confidences(segments, times, proba, model.labels)


def continue_holds(raw: list[PoseFrame], segments: list[Segment], smoothing: str = "one_euro",
                   checker_settings: dict | None = None) -> list[Segment]:
    """Segments with each exercise carried on over the rest after it while its checker still times a hold."""
    segs = list(segments)
    i = 0
    while i < len(segs):
        seg = segs[i]
        if not seg.is_exercise or i + 1 >= len(segs) or segs[i + 1].is_exercise:
            i += 1
            continue
        # How far it could go: through the idle segments after it, up to the next exercise or the person leaving.
        j = i + 1
        while j < len(segs) and not segs[j].is_exercise:
            j += 1
        reach = min(segs[j - 1].end, _first_gone(raw, seg.end))
        if reach <= seg.end + 0.5:
            i += 1
            continue
        lo = seg.start - (PAD if i > 0 and not segs[i - 1].is_exercise else 0.0)
        result, _ = run_checker(raw, seg.label, lo, reach, smoothing, checker_settings)
        # A hold going on at the segment's end (started before it, or within PAD after it) carries it on.
        ends = [h.end for h in result.holds if h.start <= seg.end + PAD and h.end > seg.end + PAD and own_zone(h)]
        if not ends:
            i += 1
            continue
        new_end = min(max(ends), reach)
        if reach - new_end < SLIVER:  # the checker's last frame is just before the reach: nothing is left after it
            new_end = reach
        segs[i] = replace(seg, end=new_end, found_by=by(seg.found_by, "hold"))
        # The idle segments after it are trimmed or dropped; an exercise of the same kind reached is joined.
        k = i + 1
        while k < j and segs[k].end <= new_end:
            del segs[k]
            j -= 1
        if k < j:
            segs[k] = replace(segs[k], start=new_end)
        elif k < len(segs) and segs[k].label == seg.label and segs[k].start <= new_end + 1e-6:
            segs[i] = replace(segs[i], end=segs[k].end, found_by=by(segs[i].found_by, segs[k].found_by))
            del segs[k]
            continue  # the joined segment may carry on further
        i += 1
    return _join(segs)


def _join(segs: list[Segment]) -> list[Segment]:
    """Neighbours with one label are one segment, and so are two stretches of one exercise with under MERGE_REST s
    of rest between (as segment_frames does); a joined segment keeps every part's deciders."""
    out: list[Segment] = []
    for s in segs:
        if out and out[-1].label == s.label:
            first = out.pop()
        elif (s.is_exercise and len(out) >= 2 and out[-2].label == s.label and out[-1].label == REST
                and out[-1].end - out[-1].start < MERGE_REST):
            del out[-1]
            first = out.pop()
        else:
            out.append(s)
            continue
        out.append(replace(first, end=s.end, found_by=by(first.found_by, s.found_by)))
    return out


def rescue_rests(raw: list[PoseFrame], segments: list[Segment], times: np.ndarray, proba: np.ndarray,
                 labels: tuple[str, ...], smoothing: str = "one_euro",
                 checker_settings: dict | None = None) -> list[Segment]:
    """Segments with the rest stretches next to an exercise that its checker counts given to it, and those next
    to none given to the exercise whose checker sees a set there (module doc)."""
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        if seg.label != REST:
            out.append(seg)
            continue
        t = seg.start
        for a, b in _in_view(raw, seg.start, seg.end):
            sel = (times >= a) & (times < b)
            if b - a < MIN_SEGMENT or not sel.any():
                continue
            asked = []
            if i > 0 and segments[i - 1].is_exercise and a - seg.start < SLIVER:
                asked.append(segments[i - 1].label)
            if i + 1 < len(segments) and segments[i + 1].is_exercise and seg.end - b < SLIVER:
                asked.append(segments[i + 1].label)
            def mean_p(e: str, sel=sel) -> float:  # the classifier's share of this stretch for exercise e
                return float(proba[sel, labels.index(e)].mean())

            share = {e: mean_p(e) for e in asked}
            label = next((e for e in asked if share[e] >= RESCUE_P
                          and _counts(raw, e, a, b, smoothing, checker_settings)), None)
            how = "checker"
            if label is None and not asked:  # a stretch touching an exercise is its or stays rest (module doc)
                label = _explained_by(raw, a, b, labels, mean_p, smoothing, checker_settings)
                how = "zones"
            if label is None:
                continue
            share.setdefault(label, mean_p(label))
            # the rescued stretch runs to the rest's own edge on the side it touches (no sliver of rest is left)
            a = seg.start if a - seg.start < SLIVER else a
            b = seg.end if seg.end - b < SLIVER else b
            if a > t:
                out.append(replace(seg, start=t, end=a))
            out.append(Segment(label, a, b, share[label], found_by=how))
            t = b
        if t < seg.end:
            out.append(replace(seg, start=t, end=seg.end))
    return _join(out)


def _counts(raw: list[PoseFrame], exercise: str, a: float, b: float, smoothing: str,
            checker_settings: dict | None) -> bool:
    from posecoach.exercises import get_exercise

    result, _ = run_checker(raw, exercise, a, b, smoothing, checker_settings)
    kind = get_exercise(exercise).kind
    held = sum(h.seconds for h in result.holds if own_zone(h)) if kind != "reps" else 0.0  # reps have no holds
    reps = result.complete_reps if kind != "hold" else 0  # a hold's checker has no reps to count
    return reps >= RESCUE_REPS or held >= RESCUE_HOLD


def _explained_by(raw: list[PoseFrame], a: float, b: float, labels: tuple[str, ...],
                  share: Callable[[str], float], smoothing: str, checker_settings: dict | None) -> str | None:
    """The exercise whose checker alone explains a stretch no neighbour claims: the person in its position
    (``SET_IN_POSITION``) doing a set (``_a_set``) of reps counted by its own zones and confirmed by the
    periodicity counter (source "both"). A small movement the recogniser's synthetic training rarely saw (a
    pelvic tilt: "rest") is such a stretch. Every reps checker is asked (about 1 ms a frame each), since the
    recogniser gave no hint. The checkers are lenient: nearly all of them count a squat set, most through the
    periodicity counter, some even out of position; so only a set in position is evidence, and only when one
    checker alone sees one, or the classifier's ``share`` of the stretch (its mean probability) is at least
    ``RESCUE_P`` for one of them and twice that of any other that sees one (a squat set is one for the squat,
    lunge, forward bend and back extension checkers; a push-up set for the push-up, cobra, pelvic tilt and sit-up
    ones)."""
    from posecoach.exercises import get_exercise

    sets = []
    for e in labels:
        if e in (REST, OTHER) or get_exercise(e).kind == "hold":
            continue
        result, placed = in_position_share(raw, e, a, b, smoothing, checker_settings)
        ruled = [r for r in result.reps if r.complete and r.source == "both"]
        if placed >= SET_IN_POSITION and _a_set(ruled):
            sets.append(e)
    if len(sets) <= 1:
        return sets[0] if sets else None
    first, second = sorted(sets, key=share, reverse=True)[:2]
    return first if share(first) >= RESCUE_P and share(first) >= 2 * share(second) else None


def _a_set(reps: list) -> bool:
    """Reps that are a set: at least ``RESCUE_RULED`` of them lasting within ``SET_PACE`` times their median
    duration either way (one rushed rep does not undo a set). A person kneeling and talking with their hands for
    40 s gave a back extension's zones three "reps" of 0.5, 21 and 3.4 s: not a set."""
    d = sorted(r.end - r.start for r in reps)
    if len(d) < RESCUE_RULED:
        return False
    med = d[len(d) // 2]
    return sum(1 for x in d if med / SET_PACE <= x <= med * SET_PACE) >= RESCUE_RULED


# what decided a segment besides the recogniser (its ``found_by`` tags), in words, in this order
_HOW = {"checker": "a stretch the recogniser called rest was counted by this exercise's checker",
        "zones": "a stretch the recogniser called rest held a set of paced reps in this exercise's position",
        "hold": "its checker timed the hold on where the recogniser said rest",
        "standing": "recognised as a hamstring stretch done standing: the forward bend's held fold",
        "hips": "recognised as a cobra, but the hips rose and fell with the shoulders: a push-up",
        "held": "recognised as a pelvic tilt, but the bridge's checker timed the hips held up: the bridge's hold"}


def found_how(found_by: str) -> str:
    """In words, for the summary and the report: what decided a segment besides the recogniser."""
    tags = found_by.split("+")
    return "; ".join(text for tag, text in _HOW.items() if tag in tags)


def _confidences(segs: list[Segment], times: np.ndarray, proba: np.ndarray,
                 labels: tuple[str, ...]) -> list[Segment]:
    """Each segment's confidence: the classifier's mean probability of its label over the whole final span (a
    segment the checkers carried on is less sure than the part the classifier found alone). A segment a look-alike
    rule relabelled counts its look-alike's probability too: the classifier said one of the pair, the pose which."""
    out = []
    for s in segs:
        sel = (times >= s.start) & (times < s.end)
        if sel.any() and s.label in labels:
            pair = [s.label] + [RELABELLED_FROM[t] for t in s.found_by.split("+") if t in RELABELLED_FROM]
            idx = sorted({labels.index(x) for x in pair if x in labels})
            s = replace(s, confidence=float(proba[sel][:, idx].sum(axis=1).mean()))
        out.append(s)
    return out


def _in_view(raw: list[PoseFrame], lo: float, hi: float) -> list[tuple[float, float]]:
    """The stretches of [lo, hi) with somebody in view, split where nobody is for GONE seconds."""
    spans, start, last, gone_since = [], None, None, None
    for f in raw:
        if not lo <= f.timestamp < hi:
            continue
        if f.pose is not None:
            if start is None:
                start = f.timestamp
            last, gone_since = f.timestamp, None
        elif start is not None:
            gone_since = f.timestamp if gone_since is None else gone_since
            if f.timestamp - gone_since >= GONE:
                spans.append((start, last))
                start = None
    if start is not None:
        spans.append((start, last))
    return spans


def _first_gone(raw: list[PoseFrame], after: float) -> float:
    """The time, after ``after``, at which nobody has been in view for GONE seconds (or the recording's end)."""
    since = None
    for f in raw:
        if f.timestamp < after:
            continue
        if f.pose is None:
            since = f.timestamp if since is None else since
            if f.timestamp - since >= GONE:
                return since
        else:
            since = None
    return raw[-1].timestamp if raw else after
