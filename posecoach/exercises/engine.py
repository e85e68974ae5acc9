"""The generic exercise checker: landmark frames in, events out.

One ``Checker`` follows one ``ExerciseSpec`` by composing parts that each do one job:

  ``KeySignal``       side choice, variant voting, the key measure smoothed into progress p and its speed
  ``PostureGate``     the spec's posture test, filtered with hysteresis: in position or not
  ``ViewMonitor``     whole body in the picture? camera from the side / front as the exercise needs?
  ``RuleRepCounter``  setup phase, then the rep machine with hysteresis on p (complete reps, partial attempts)
  ``PeriodicityCounter`` reps as peaks of periodic whole-body motion, with no zones (a peer of the rule counter)
  ``RepTally``        which reps count: both counters' evidence fused, each rep saying who counted it
  ``AttemptFinder``   half-way reps between counted ones, judged against the person's own reps
  ``FaultMonitor``    the spec's fault rules, tempo faults, and how often a fault is said
  ``HoldTimer``       time in the target posture, inside tolerance and still
  ``CueBoard``        which cue is on screen
  ``MovementPhase``   the movement's direction in the exercise's words (inhale / exhale), for a pacing guide

Per frame the checker gates on visibility (a landmark below ``vis_min`` never drives a count; such frames are
dropouts), runs the parts in that order and records their events (``Rep``, ``Hold``, ``FormFault``, ``Cue``) in
the ``SessionResult`` and the frame's ``Feedback``. ``checker.sample`` is the frame's ``SignalSample`` (time,
progress, smoothed value, speed, side, in position, setup state), what a second rep counter needs.
No OpenCV, no I/O: pure functions of the frames.
"""
from __future__ import annotations

import dataclasses

from ..pose import PoseFrame
from .body import SIDES, Body
from .cue_board import CueBoard
from .facts import ExerciseFacts
from .events import Cue, Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from .fault_monitor import FaultMonitor, FaultPhase
from .guards import isnan
from .hold_timer import HoldTimer
from .key_signal import KeySignal, SignalSample
from .attempts import AttemptFinder
from .own_range import OwnRangeCounter
from .pacing import MovementPhase
from .periodicity import PeriodicityCounter, PeriodicityOptions
from .pose_hold import PoseHold
from .posture_gate import PostureGate
from .rep_tally import RepTally
from .rule_counter import RepEnd, RuleRepCounter
from .shallow_hold import ShallowHold
from .top_pause import TopPause, overlaps
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning
from .view_monitor import ViewMonitor
from .why_nothing import WhyNothing, fallback_reason

COUNT_CUE_PRIORITY = 3  # the rep count beats every other cue on screen
SAFETY_CUE_PRIORITY = 0  # said once at the start, replaced by anything


def _view(part: str, attr: str) -> property:
    """A read-only attribute of the checker that is one of its parts' (``checker.p`` is ``checker.signal.p``)."""
    return property(lambda self: getattr(getattr(self, part), attr), doc=f"``{part}.{attr}``")


class Checker:
    """Follows one exercise over a stream of ``PoseFrame``s."""

    def __init__(self, spec: ExerciseSpec, *, vis_min: float = 0.5, tuning: CheckerTuning = DEFAULT_TUNING,
                 counting: str = "fused", **settings):
        fields = {f.name for f in dataclasses.fields(ExerciseSpec)}
        unknown = set(settings) - fields
        if unknown:
            raise TypeError(f"unknown checker settings: {sorted(unknown)}; valid: vis_min, tuning, counting, "
                            f"{sorted(fields)}")
        self.spec = dataclasses.replace(spec, **settings) if settings else spec
        self.facts = ExerciseFacts.from_spec(self.spec)  # what render / outputs / the CLI show, overrides applied
        self.vis_min = vis_min
        self.tuning = tuning
        sp = self.spec
        self.signal = KeySignal(sp, tuning)
        self.posture = PostureGate(sp, tuning)
        self.view = ViewMonitor(sp, tuning)
        self.counter = RuleRepCounter(sp, tuning)
        self.periodic = PeriodicityCounter(PeriodicityOptions(alternating=sp.one_sided))
        self.tally = RepTally(sp, mode=counting)
        # the rhythm is heard where its reps can count: not by the rules alone (a benchmark's baseline), and not in
        # a hold exercise, which has no reps and whose rhythm is breathing (bench/bench_long_holds.py)
        self._rhythm_listens = counting != "rules" and sp.kind != "hold"
        self.tally.holding = self._hold_spans  # a rep held at the top is one rep, whatever its breathing
        self.own = OwnRangeCounter(sp, tuning)  # the zones on the person's learned range (fused counting only)
        self.attempts = AttemptFinder(sp)  # half-way reps judged on the person's own reps (fused counting only)
        self.faults = FaultMonitor(sp, tuning)
        self.hold_timer = HoldTimer(sp, tuning)
        # a hold exercise's stays at the person's own, smaller depth (only where the spec's zone saw none)
        self.shallow = ShallowHold(sp, tuning) if sp.kind == "hold" and counting == "fused" else None
        # ... and its stays timed from the whole pose where the key measure cannot be trusted (end-on views)
        self.pose_hold = PoseHold(sp, tuning) if sp.kind == "hold" and counting == "fused" else None
        # a rep exercise's pauses at the top, found again once each rep is counted, without the live timer's lag;
        # joined with the live timer's pauses in the record at the end
        self.top_pause = TopPause(sp) if TopPause.wanted(sp) and counting == "fused" else None
        self.cues = CueBoard(tuning)
        self.movement = MovementPhase(sp, tuning)
        self.why = WhyNothing(sp)  # a zero gets a reason
        self.reset()

    # ------------------------------------------------------------------------------------------------ API
    def reset(self) -> None:
        self.result = SessionResult(exercise=self.spec.id)
        self.t: float | None = None
        self.last_valid_t: float | None = None  # last frame with a valid key value
        self.last_pose_t: float | None = None  # last frame with a pose
        self.frames = 0
        self.sample: SignalSample | None = None  # None on frames without a valid key value
        self._safety_said = False
        self._ending = False
        self._events: list = []
        self.final_events: tuple = ()  # what ``finish`` decided
        self._frames_valid = 0  # frames with a valid key value, and of those in position: why a gate refused
        self._frames_in_position = 0
        self._view_problem = ""
        self._fallback_said = False
        for part in (self.signal, self.posture, self.view, self.counter, self.own, self.periodic,
                     self.tally, self.attempts, self.faults, self.hold_timer, self.cues, self.movement, self.why,
                     self.shallow, self.pose_hold, self.top_pause):
            if part is not None:
                part.reset()

    def update(self, frame: PoseFrame) -> Feedback:
        t = float(frame.timestamp)
        phase, body = self._step(frame, t)
        # the periodicity counter listens to every frame, in position or not: its runs, not gates, keep set-up
        # and fidgeting out
        if self._rhythm_listens:
            self.periodic.update(t, frame.pose, self.sample.p if self.sample is not None else float("nan"))
            self._emit_reps(self.tally.periodic(self.periodic.reps, t, self.periodic.period, self.periodic.strength))
        return self._feedback(t, phase, body)

    def _step(self, frame: PoseFrame, t: float) -> tuple[str, Body | None]:
        dt = 0.0 if self.t is None else max(0.0, t - self.t)
        self.t = t
        self.frames += 1
        self._events = []
        self.sample = None
        if not self._safety_said and self.spec.safety:
            self._emit([Cue(t, self.spec.safety, "safety", SAFETY_CUE_PRIORITY)], hold_for=0.0)
            self._safety_said = True
        pose = frame.pose
        if pose is None:
            self._missing(t)
            # the pose hold needs only a pose (its key measure may be unreadable all along)
            if self.last_pose_t is not None and t - self.last_pose_t > self.tuning.lost_hold_grace:
                self._close_pose_hold()
            return "no_person", None
        # a cut found in the raw landmarks before smoothing (smoothing.CutsFirst, confirmed by the next frame): the
        # one definition of a cut; a single displaced frame is not one. First: the new shot starts every filter over
        if pose.extra.get("cut"):
            self._scene_cut(t)
        pose_dt = 0.0 if self.last_pose_t is None else max(0.0, t - self.last_pose_t)
        self.last_pose_t = t
        body = Body(pose, self.vis_min)
        self.view.observe(body, pose_dt)  # seen end-on? decided once, before any measure is read
        self.signal.observe(body, dt)
        in_position = self.posture.update(body, dt)
        for problem in self.view.step(body, t, dt):
            if problem.code == "camera_view":
                self._view_problem = problem.message
            self._emit(self.faults.report(t, problem.code, problem.message, severity="info", kind="view"))

        raw, side = self.signal.read(body, self.counter.rep_side, far=self.counter.state == "ready")
        if self.pose_hold is not None:
            # a fault read from a view outside the exercise's is as untrustworthy as its key measure there
            self._emit(self.pose_hold.step(t, body, raw, view_fits=self.view.fits,
                                           broken=self.faults.breaks_hold and self.view.fits,
                                           spec_holds=self._spec_holds, spec_open=self._spec_hold_open))
        if isnan(raw):
            self.why.frame(dt, pose=True)
            self._missing(t)
            visible = any(body.ok(s, "shoulder", "hip") for s in SIDES)
            return (self._phase_name() if visible else "no_person"), body
        gap = None if self.last_valid_t is None else t - self.last_valid_t
        self.last_valid_t = t
        sample = self.signal.push(t, dt, raw, side, in_position)
        self.why.frame(dt, pose=True, readable=True, in_position=in_position, p_nom=sample.p_nom)
        self._frames_valid += 1
        self._frames_in_position += bool(in_position)
        if self.top_pause is not None:  # the raw reading's progress, before a rep closes on this frame (a breaking
            # fault as judged up to the last frame)
            self.top_pause.step(t, sample.p + self.spec.progress(raw) - sample.p_nom,
                                in_position and not self.signal.far_read and not self.faults.breaks_hold)
        self._emit_counted(self.counter.step(t, dt, gap, sample.p, sample.speed, in_position, side))
        if self._own_listens:
            self.attempts.step(t, sample.p, in_position, side)
            for rep in self.own.step(t, dt, gap, sample.p, sample.speed, in_position, side):
                self._emit_reps(self.tally.own_rep(rep, self.own.refused))
        self._judge_faults(body, t, side, sample)
        p_hold = sample.p_nom if self.spec.adaptive_window <= 0 and self.spec.kind == "hold" else sample.p
        self._emit(self.hold_timer.step(t, side, in_position=in_position and not self.signal.far_read,
                                        broken=self.faults.breaks_hold, p_hold=p_hold, speed=sample.speed))
        if self.shallow is not None:
            self._emit(self.shallow.step(t, side, in_position=in_position, broken=self.faults.breaks_hold,
                                         p_hold=p_hold, speed=sample.speed, full_holds=self._spec_holds,
                                         full_open=self.hold_timer.is_open))
        self.sample = dataclasses.replace(sample, state=self.counter.state)
        self.movement.step(t, sample.p, in_position)
        return self._phase_name(), body

    def finish(self) -> SessionResult:
        """End of the source: what is decided now goes in the result and in ``final_events``."""
        t, self._events = (self.t if self.t is not None else 0.0), []  # the last frame's were its feedback
        # a rep the source ends in the middle of stays an attempt (its return was not seen)
        self._ending = True
        self._emit_counted(self.counter.abandon(t))
        self._ending = False
        self.periodic.finish()
        self._emit_reps(self.tally.periodic(self.periodic.reps, t, self.periodic.period, self.periodic.strength))
        self._emit_reps(self.tally.finish(self.periodic.reps, self.periodic.alike))
        if self._own_listens:
            self._emit_reps(self.attempts.decide(self.tally.seen()))
        # the tally's list (it knows which reps periodic motion supported afterwards) and the attempts found on the
        # person's range are the record, numbered in the order they happened (a rep rescued late was said late)
        reps = self.attempts.record(self.tally.reps)
        n = 0
        for i, r in enumerate(reps):
            if r.complete:
                n += 1
                reps[i] = dataclasses.replace(r, index=n)
        self.result.reps = reps
        # at the end of the input a hold still seen a moment ago runs on to the end (within its grace)
        recent = self.t is not None and self.last_valid_t is not None and \
            self.t - self.last_valid_t <= self.tuning.lost_hold_grace
        self._emit(self.hold_timer.close(until=self.t if recent else None))
        self._close_shallow(until=self.t if recent else None)
        seen = self.t is not None and self.last_pose_t is not None and \
            self.t - self.last_pose_t <= self.tuning.lost_hold_grace
        self._close_pose_hold(until=self.t if seen else None)
        if self.top_pause is not None:  # the record: the live holds and the pauses found
            live = list(self.result.holds)
            self.result.holds = self.top_pause.joined(live)
            # the event stream (events.jsonl, the history's hold rows) already holds the live ones: only pauses
            # where none was timed join it, so it never counts a pause twice (one that replaced a shorter live hold
            # stays that live hold there; the record and the set's hold_seconds have the longer)
            self._events += [h for h in self.result.holds if not any(overlaps(x, h.start, h.end) for x in live)]
        self.result.variant = self.signal.variant
        why = self.why.reason(counted=self.result.complete_reps > 0 or bool(self.result.holds),
                              view_problem=self._view_problem)
        if why and not self.result.why_nothing:
            self.result.why_nothing = why
            self._emit([Cue(t, why, "info", 2)])
        self.final_events = tuple(self._events)
        return self.result

    @property
    def _own_listens(self) -> bool:
        return self.tally.mode == "fused" and self.spec.kind != "hold"

    # ------------------------------------------------------------------ read-only views of the parts' state
    state = _view("counter", "state")
    in_position = _view("posture", "in_position")
    side = _view("signal", "side")
    variant = _view("signal", "variant")
    value = _view("signal", "value")
    p = _view("signal", "p")
    p_nom = _view("signal", "p_nom")
    baseline = _view("signal", "baseline")
    speed = _view("signal", "speed")

    # --------------------------------------------------------------------------------------------- pieces
    def _emit(self, events, hold_for: float | None = None) -> None:
        """Record a part's events, in order, in the result and this frame's feedback; cues also go on screen."""
        for e in events:
            if isinstance(e, Cue):
                self.cues.say(e, hold_for)
                self.result.cues.append(e)
            elif isinstance(e, FormFault):
                self.result.faults.append(e)
            elif isinstance(e, Rep):
                self.result.reps.append(e)
            elif isinstance(e, Hold):
                self.result.holds.append(e)
                self.cues.withdraw(self.hold_timer.cue)  # "Good, hold it" is no longer true
            self._events.append(e)

    def _close_shallow(self, until: float | None = None) -> None:
        self._emit(self.shallow.close(self._spec_holds, until=until) if self.shallow is not None else [])

    def _close_pose_hold(self, until: float | None = None) -> None:
        self._emit(self.pose_hold.close(self._spec_holds, until=until) if self.pose_hold is not None else [])

    @property
    def _spec_holds(self) -> list[Hold]:
        """The holds the key measure timed (in the spec's zone or at the person's own depth)."""
        return [h for h in self.result.holds if h.grade != "pose"]

    def _hold_spans(self) -> list[tuple[float, float]]:
        """The holds the key measure timed so far, the one under way running on."""
        spans = [(h.start, h.end) for h in self._spec_holds]
        start = self.hold_timer.started  # rounded as the reps' tops are, or a top on its first frame falls out
        return spans + ([(round(start, 3), float("inf"))] if start is not None else [])

    @property
    def _spec_hold_open(self) -> bool:
        return self.hold_timer.is_open or self._shallow_seconds() > 0

    def _emit_counted(self, items: list) -> None:
        """The rule counter's output: cues as they are, ended reps judged for tempo and numbered."""
        for item in items:
            if isinstance(item, RepEnd):
                self._close_rep(item)
            elif not (isinstance(item, Cue) and item.kind == "position" and self._pose_seconds() > 0):
                self._emit([item])  # (no "get into position" while a hold timed from the pose runs)

    def _close_rep(self, end: RepEnd) -> None:
        faults = list(dict.fromkeys(end.rep.faults))
        if end.complete:
            codes, events = self.faults.judge_tempo(end.end, end.rep.start, end.rep.max_speed)
            faults += codes
            self._emit(events)
        self._emit_reps(self.tally.rule_rep(end.to_rep(self.spec, 0, tuple(faults)), at_end=self._ending))

    def _emit_reps(self, reps: list[Rep]) -> None:
        """Reps the tally decided: recorded, and a counted one said."""
        for rep in reps:
            if rep.complete and (rep.source == "periodicity" or self.tally.is_own(rep)) and not self._fallback_said:
                self._fallback_said = True
                self._emit([Cue(self.t if self.t is not None else rep.end, self._fallback_reason(), "info", 2)])
            self._emit([rep])
            if rep.complete and self.top_pause is not None:
                self.top_pause.rep_counted(rep)
            if rep.complete:
                self._emit([Cue(rep.end if rep.source != "periodicity" else self.t, str(rep.index), "count",
                                COUNT_CUE_PRIORITY)])

    def _judge_faults(self, body: Body, t: float, side: str, sample: SignalSample) -> None:
        rep = self.counter.rep
        holding = self.hold_timer.is_open
        phase = FaultPhase(active=self.counter.state != "setup" and self.posture.in_position,
                           moving=rep is not None, top=sample.p >= self.spec.full or holding, holding=holding)
        events, noted = self.faults.step(body, t, side, self.signal.side, phase,
                                         None if rep is None else rep.faults)
        self.counter.note_faults(noted)
        self._emit(events)

    def _scene_cut(self, t: float) -> None:
        """A cut starts a new shot: a hold in progress ends, the key signal starts over, and the counter
        decides whether a rep under way goes on (see ``RuleRepCounter.cut``)."""
        self._emit(self.hold_timer.close())
        self._close_shallow()
        self._close_pose_hold()
        if self.top_pause is not None:
            self.top_pause.cut()
        self.counter.cut(t, self.signal.p)
        self.own.counter.cut(t, self.signal.p)
        self.signal.cut()
        self.periodic.cut()
        self.attempts.cut(t)
        self.view.cut()

    def _missing(self, t: float) -> None:
        """A frame without a usable pose: after a grace, an open hold closes; after a longer one the rep under
        way is abandoned and setup starts over."""
        if self.last_valid_t is None:
            return
        gap = t - self.last_valid_t
        if gap > self.tuning.lost_hold_grace:
            self._emit(self.hold_timer.close())
            self._close_shallow()
        if gap > self.tuning.lost_rep_grace and self.counter.state != "setup":
            self._emit_counted(self.counter.lost(t))
        if gap > self.tuning.lost_rep_grace and self.own.counter.state != "setup":
            self.own.counter.lost(t)  # an attempt on the learned range is never counted: nothing to emit

    def _fallback_reason(self) -> str:
        """``why_nothing.fallback_reason`` for the rules' state now."""
        ruled = any(r.complete and r.source != "periodicity" and not self.tally.is_own(r) for r in self.tally.reps)
        refused = self.counter.state == "setup" or self._frames_in_position < 0.5 * max(self._frames_valid, 1)
        return fallback_reason(self.spec, ruled=ruled, refused=refused, view_problem=self._view_problem)

    def _phase_name(self) -> str:
        if self._pose_seconds() > 0:  # holding a posture this view cannot judge: held, not setting up
            return "holding"
        if self.counter.state == "setup":
            return "setup"
        if self.hold_timer.is_open or self._shallow_seconds() > 0:  # (a pose hold was answered above)
            return "holding"
        return "active"

    def _shallow_seconds(self) -> float:
        return 0.0 if self.shallow is None else self.shallow.open_seconds(self._spec_holds, self.hold_timer.is_open)

    def _pose_seconds(self) -> float:
        return 0.0 if self.pose_hold is None else self.pose_hold.open_seconds(self._spec_holds, self._spec_hold_open)

    def _feedback(self, t: float, phase: str, body: Body | None = None) -> Feedback:
        sp = self.spec
        # the clock also runs for a shallow hold, and one timed from the whole pose
        hold_now = self.hold_timer.seconds or self._shallow_seconds() or self._pose_seconds()
        hold_total = sum(h.seconds for h in self.result.holds) + hold_now
        rep = self.counter.rep
        value = self.signal.value
        joints = []
        if body is not None and not isnan(value):
            s = self.signal.side if self.signal.side in SIDES else "left"
            if rep is not None and rep.side in SIDES and sp.side_mode in ("active", "centred"):
                s = rep.side
            status = "ok" if self.posture.in_position else "warn"
            joints.append(JointReading(sp.measure.name or "key", float(value), status, sp.measure.landmarks(s)))
            joints.extend(self.faults.readings)
        return Feedback(
            time=t, exercise=sp.id, phase=phase, reps=self.result.complete_reps,
            partial_reps=self.result.partial_reps, target_reps=sp.target_reps, hold_seconds=round(hold_now, 3),
            hold_total=round(hold_total, 3), target_hold=sp.target_hold, holding=hold_now > 0,
            side=(rep.side if rep is not None and sp.one_sided else self.signal.side),
            cue=self.cues.current(t), joints=tuple(joints), in_position=self.posture.in_position or hold_now > 0,
            required_view=sp.required_view, key_value=float(value), events=tuple(self._events),
            progress=float(self.signal.p), variant=self.signal.variant, facts=self.facts,
            movement=self.movement.current,
        )
