"""Which exercise, over time: a live recogniser (label + confidence per frame, with hysteresis) and the offline
segmentation of a long recording into exercise segments.

Offline, each decision (every ``STEP`` s) sees a window centred on it; the sequence of decisions is smoothed
by a Viterbi pass with a fixed cost per change of label, so a few odd windows inside a set do not split it and
boundaries land where the evidence changes. Live, windows end at the current frame and a label must win twice
in a row, by a margin, to replace the current one.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from posecoach.pose import PoseFrame
from posecoach.recognition.features import (RATE, WINDOW, descriptor_size, feature_size,
                                            frame_descriptors, grid_series, pose_arrays,
                                            track_points, window_features)
from posecoach.recognition.model import OTHER, REST, RecognitionModel, load_model
from posecoach.recognition.prior import apply_prior

STEP = 0.5  # seconds between decisions
SWITCH_COST = 6.0  # nats: the evidence a change of label must bring (Viterbi)
MIN_SEGMENT = 4.0  # seconds: shorter exercise runs are folded into their neighbours
MERGE_REST = 6.0  # seconds: a shorter rest between two stretches of the same exercise joins them


@dataclass(frozen=True)
class Recognition:
    """The recogniser's answer at one frame."""

    label: str  # an exercise id, "rest" or "other"; "" before the first decision
    confidence: float  # smoothed probability of that label, 0..1
    candidate: str = ""  # the best label of the latest window (may differ while hysteresis holds)


@dataclass(frozen=True)
class Segment:
    """A stretch of the recording with one label."""

    label: str
    start: float  # seconds
    end: float
    confidence: float  # mean probability of the label over the segment's decisions
    # what decided it, "+"-joined when a segment was joined from parts (recognition/routine.py): "classifier";
    # "checker" (a stretch the classifier called rest, counted by this exercise's checker); "zones" (a stretch the
    # recogniser called rest, touching no exercise, where this exercise's checker saw a set); "hold" (carried on over
    # a hold its checker still timed); "standing", "hips", "held" (relabelled by a look-alike rule, lookalikes.py)
    found_by: str = "classifier"

    @property
    def is_exercise(self) -> bool:
        return self.label not in (REST, OTHER)

    def to_dict(self) -> dict:
        return {"exercise": self.label, "start": round(self.start, 2), "end": round(self.end, 2),
                "confidence": round(self.confidence, 3), "found_by": self.found_by}


def decisions(frames: list[PoseFrame], model: RecognitionModel, step: float = STEP) -> tuple[np.ndarray, np.ndarray]:
    """(decision times (K,), class probabilities (K, C)) from centred windows over the whole recording."""
    grid, desc, track = grid_series(frames)
    if len(grid) == 0:
        return np.zeros(0), np.zeros((0, len(model.labels)))
    half = int(WINDOW * RATE / 2)
    times = np.arange(grid[0], grid[-1] + 1e-9, step)
    found = np.isfinite(desc).all(1) & np.isfinite(track.reshape(len(track), -1)).all(1)
    # Runs of grid samples with somebody in view: a window never reaches across a stretch with nobody (the
    # person left), so the poses before and after a break are never mixed.
    run_id = np.cumsum(np.concatenate([[1], found[1:] != found[:-1]]))
    feats, empty = [], []
    for c in times:
        i = min(len(grid) - 1, int(round((c - grid[0]) * RATE)))
        if not found[i]:
            empty.append(True)
            feats.append(np.zeros(feature_size()))
            continue
        run = np.flatnonzero(run_id == run_id[i])
        lo, hi = int(run[0]), int(run[-1]) + 1
        a, b = max(lo, i - half), min(hi, i + half)
        # At the ends of a run the window slides rather than shrinks, while the run is long enough.
        if b - a < 2 * half:
            a, b = (lo, min(hi, lo + 2 * half)) if a == lo else (max(lo, hi - 2 * half), hi)
        empty.append(b - a < int(RATE))  # under a second of pose: too little to say anything
        feats.append(window_features(desc[a:b], track[a:b]))
    feats = np.array(feats)
    proba = apply_prior(model.proba(feats), feats, model.labels)
    empty = np.array(empty, bool)
    proba[empty] = 0.0
    proba[empty, model.index(REST)] = 1.0
    return times, proba


def viterbi(logp: np.ndarray, switch: float = SWITCH_COST) -> np.ndarray:
    """Most likely label index per decision given per-decision log probabilities and a cost per change."""
    k, c = logp.shape
    score = logp[0].copy()
    back = np.zeros((k, c), int)
    for i in range(1, k):
        best = int(np.argmax(score))
        stay = score
        move = score[best] - switch
        back[i] = np.where(stay >= move, np.arange(c), best)
        score = np.maximum(stay, move) + logp[i]
    path = np.zeros(k, int)
    path[-1] = int(np.argmax(score))
    for i in range(k - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def segments_from(times: np.ndarray, proba: np.ndarray, labels: tuple[str, ...], end: float,
                  switch: float = SWITCH_COST, min_segment: float = MIN_SEGMENT) -> list[Segment]:
    """Smoothed decisions -> segments covering [times[0], end]; short exercise runs merge into neighbours."""
    if len(times) == 0:
        return []
    path = viterbi(np.log(proba + 1e-6), switch)
    dt = times[1] - times[0] if len(times) > 1 else STEP
    rest = labels.index(REST) if REST in labels else -1
    while True:
        runs = _runs(path)
        if len(runs) < 2:
            break
        # The shortest run under min_segment (rest runs of nobody in view are kept whatever their length
        # unless shorter than a decision or two) takes the neighbour's label it explains better.
        short = [(b - a, a, b) for a, b in runs if (b - a) * dt < min_segment and path[a] != rest]
        short += [(b - a, a, b) for a, b in runs if (b - a) * dt < 1.0 and path[a] == rest]
        if not short:
            break
        _, a, b = min(short)
        nb = ([path[a - 1]] if a > 0 else []) + ([path[b]] if b < len(path) else [])
        path[a:b] = max(nb, key=lambda j: proba[a:b, j].sum())
    # Two stretches of one exercise with a short rest between are one segment (a pause, or two sets).
    runs = _runs(path)
    for k in range(1, len(runs) - 1):
        a, b = runs[k]
        if path[a] == rest and path[a - 1] == path[b] and path[b] != rest and (b - a) * dt < MERGE_REST:
            path[a:b] = path[b]
    out = []
    for a, b in _runs(path):
        s = 0.0 if a == 0 else 0.5 * (times[a - 1] + times[a])
        e = end if b == len(times) else 0.5 * (times[b - 1] + times[b])
        out.append(Segment(labels[path[a]], float(max(s, times[0] if a else s)), float(e),
                           float(proba[a:b, path[a]].mean())))
    return out


def _runs(path: np.ndarray) -> list[tuple[int, int]]:
    cuts = np.flatnonzero(np.diff(path)) + 1
    bounds = np.concatenate([[0], cuts, [len(path)]])
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]


def segment_frames(frames: list[PoseFrame], model: RecognitionModel | None = None, *,
                   switch: float = SWITCH_COST, min_segment: float = MIN_SEGMENT) -> list[Segment]:
    """A recording split into labelled segments (exercise ids, "rest", "other") with start and end times."""
    return segment_decisions(frames, model, switch=switch, min_segment=min_segment)[2]


def segment_decisions(frames: list[PoseFrame], model: RecognitionModel | None = None, *,
                      switch: float = SWITCH_COST, min_segment: float = MIN_SEGMENT
                      ) -> tuple[np.ndarray, np.ndarray, list[Segment]]:
    """(decision times, class probabilities, segments) of a recording."""
    model = model or load_model()
    times, proba = decisions(frames, model)
    end = frames[-1].timestamp if frames else 0.0
    return times, proba, segments_from(times, proba, model.labels, end, switch, min_segment)


def frame_labels(frames: list[PoseFrame], segments: list[Segment]) -> list[str]:
    """The segment label of every frame."""
    starts = np.array([s.start for s in segments])
    out = []
    for f in frames:
        i = int(np.searchsorted(starts, f.timestamp, side="right")) - 1
        out.append(segments[max(i, 0)].label if segments else "")
    return out


class Recogniser:
    """Live: feed every (smoothed) frame, get the current exercise with hysteresis.

    Per frame it computes one descriptor (~0.1 ms); every ``step`` seconds it classifies the last ``WINDOW``
    seconds. The shown label changes only when another one has led ``confirm`` decisions in a row with a
    smoothed probability ``margin`` above it.
    """

    def __init__(self, model: RecognitionModel | None = None, *, step: float = STEP, confirm: int = 3,
                 margin: float = 0.15, smoothing: float = 0.5):
        self.model = model or load_model()
        self.step, self.confirm, self.margin, self.smoothing = step, confirm, margin, smoothing
        n = int(WINDOW * RATE)
        self._desc: deque = deque(maxlen=n)
        self._track: deque = deque(maxlen=n)
        self._next_tick: float | None = None
        self._next_decision: float | None = None
        self._pose: PoseFrame | None = None
        self._last: tuple[np.ndarray, np.ndarray] | None = None
        self._last_t = -np.inf
        self._p = np.full(len(self.model.labels), 1.0 / len(self.model.labels))
        self._label, self._lead, self._streak = "", "", 0
        self._nan_desc, self._nan_track = np.full(descriptor_size(), np.nan), np.full((13, 2), np.nan)

    def reset(self) -> None:
        self.__init__(self.model, step=self.step, confirm=self.confirm, margin=self.margin,
                      smoothing=self.smoothing)

    def __call__(self, frame: PoseFrame) -> Recognition:
        t = frame.timestamp
        if frame.pose is not None:
            self._pose, self._last, self._last_t = frame, None, t  # described lazily, on the next grid tick
        if self._next_tick is None:
            self._next_tick, self._next_decision = t, t + self.step
        while self._next_tick <= t:  # the latest pose on the RATE grid; none if older than 1 s
            fresh = self._pose is not None and self._next_tick - self._last_t <= 1.0
            if fresh and self._last is None:
                _, xy, world, vis, aspect = pose_arrays([self._pose])
                self._last = (frame_descriptors(xy, world, vis, aspect)[0], track_points(xy)[0])
            self._desc.append(self._last[0] if fresh else self._nan_desc)
            self._track.append(self._last[1] if fresh else self._nan_track)
            self._next_tick += 1.0 / RATE
        if t >= self._next_decision and len(self._desc) >= int(2 * RATE):
            self._next_decision = t + self.step
            self._decide()
        conf = float(self._p[self.model.index(self._label)]) if self._label else 0.0
        cand = self.model.labels[int(np.argmax(self._p))]
        return Recognition(self._label, conf, cand)

    def _decide(self) -> None:
        f = window_features(np.array(self._desc), np.array(self._track))
        p = apply_prior(self.model.proba(f), f, self.model.labels)
        self._p = self.smoothing * self._p + (1 - self.smoothing) * p
        best = self.model.labels[int(np.argmax(self._p))]
        if not self._label:
            self._label = best
            return
        cur = self._p[self.model.index(self._label)]
        if best != self._label and self._p.max() > cur + self.margin:
            self._streak = self._streak + 1 if best == self._lead else 1
            self._lead = best
            if self._streak >= self.confirm:
                self._label, self._streak = best, 0
        else:
            self._streak = 0
