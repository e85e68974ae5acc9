"""The generic exercise checker: landmark frames in, events out.

One ``Checker`` follows one ``ExerciseSpec``. Per frame it
  1. gates on visibility (a landmark below ``vis_min`` never drives a count; such frames are dropouts),
  2. picks the body side nearest the camera (with hysteresis) or, for one-sided movements, the active side,
  3. smooths the key measure (median of 3, then an exponential filter) and maps it to progress p
     (0 = start position, 1 = top / held position),
  4. runs a setup phase that counts nothing until the person is in position and at the start,
  5. runs a rep machine with hysteresis (leave the start at p > leave, top at p >= full, home at p < back),
     telling complete reps from partial attempts,
  6. times holds only while the posture is inside tolerance,
  7. checks form-fault rules, tempo (rushed / jerky movement) and the camera view, and emits cues.
No OpenCV, no I/O: pure functions of the frames.
"""
from __future__ import annotations

import dataclasses
import math
from collections import deque

import numpy as np

from ..pose import PoseFrame
from ..smoothing import CUT_JOINTS, CUT_JUMP  # one definition of a cut for the smoother and the checker
from .body import NAN, SIDES, Body, other
from .events import Cue, Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from .spec import ExerciseSpec, FaultRule

LOST_HOLD_GRACE = 1.0  # seconds without a usable pose before an open hold is closed
LOST_REP_GRACE = 2.5  # seconds without a usable pose before an open rep is abandoned
FAULT_REPEAT = 5.0  # a fault is not repeated within this many seconds (holds), or within one rep
VIEW_REPEAT = 15.0
CUT_SETTLE = 0.5  # seconds after a cut in which reaching home means the return happened off camera
SETUP_GAP = 0.5  # a pose dropout this short between two frames at the start does not interrupt the setup


def _isnan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


class Checker:
    """Follows one exercise over a stream of ``PoseFrame``s."""

    def __init__(self, spec: ExerciseSpec, *, vis_min: float = 0.5, **settings):
        fields = {f.name for f in dataclasses.fields(ExerciseSpec)}
        unknown = set(settings) - fields
        if unknown:
            raise TypeError(f"unknown checker settings: {sorted(unknown)}; valid: vis_min, {sorted(fields)}")
        self.spec = dataclasses.replace(spec, **settings) if settings else spec
        self.vis_min = vis_min
        self.reset()

    # ------------------------------------------------------------------------------------------------ API
    def reset(self) -> None:
        self.result = SessionResult(exercise=self.spec.id)
        self.state = "setup"
        self.t = None
        self.last_valid_t = None
        self.frames = 0
        self.side = "n/a"
        self._side_score = {"left": 0.5, "right": 0.5}
        self._raw = deque(maxlen=3)
        self._prev_pts = None
        self._base_hist = deque()
        self.baseline = 0.0
        self.p_nom = NAN
        self.value = NAN
        self.p = NAN
        self._prev_p = NAN
        self._prev_t = None
        self.speed = 0.0
        self._posture_ema = 0.0
        self._posture_seen = False
        self.in_position = False
        self._out_of_position_since = None
        self._setup_acc = 0.0
        self._last_start_t = None
        self._rep = None  # dict while a rep is under way
        self._zone_start = None
        self._zone_last = None
        self._hold_announced = False
        self._hold_side = "n/a"
        self._bad_since: dict[str, float] = {}
        self._fault_last: dict[str, float] = {}
        self._fault_active: set[str] = set()
        self._view_ema = None
        self._view_bad_since = None
        self._view_last = -1e9
        self._frame_last = -1e9
        self._cue = None
        self._cue_until = -1e9
        self._posture_cue_last = -1e9
        self._safety_said = False
        self.variant = ""
        self._variant_votes: dict[str, float] = {}
        self._events: list = []

    def update(self, frame: PoseFrame) -> Feedback:
        t = float(frame.timestamp)
        dt = 0.0 if self.t is None else max(0.0, t - self.t)
        self.t = t
        self.frames += 1
        self._events = []
        if not self._safety_said and self.spec.safety:
            self._say(Cue(t, self.spec.safety, "safety", 0), hold_for=0.0, record=True)
            self._safety_said = True
        pose = frame.pose
        if pose is None:
            self._missing(t)
            return self._feedback(t, "no_person")
        body = Body(pose, self.vis_min)
        # a cut found in the raw landmarks by the smoother (confirmed by the next frame), or one seen here
        if pose.extra.get("cut") or self._is_cut(body, t):
            self._scene_cut(t)
        self._update_side(body, dt)
        self._update_variant(body)
        # a posture test may answer None ("can't tell from what is visible"): the last answer then stands
        posture_ok = True if self.spec.posture is None else self._safe(self.spec.posture, body)
        a = 1.0 - math.exp(-dt / 0.3) if dt > 0 else 1.0
        if posture_ok is not None:
            if not self._posture_seen:  # the first answer is taken as it is, not eased in from "no"
                self._posture_ema = 1.0 if posture_ok else 0.0
                self._posture_seen = True
            self._posture_ema += a * ((1.0 if posture_ok else 0.0) - self._posture_ema)
        was = self.in_position
        self.in_position = self._posture_ema > (0.4 if was else 0.6)
        self._check_view(body, t, dt)

        raw, side = self._key_value(body)
        if _isnan(raw):
            self._missing(t)
            return self._feedback(t, "no_person" if not self._enough_visible(body) else self._phase_name(), body)
        gap = None if self.last_valid_t is None else t - self.last_valid_t
        self.last_valid_t = t
        self._raw.append(raw)
        med = float(np.median(self._raw))
        if _isnan(self.value) or dt <= 0 or dt > 0.5:
            self.value = med
        else:
            alpha = 1.0 - math.exp(-dt / max(self.spec.smoothing, 1e-3))
            self.value += alpha * (med - self.value)
        self.p = self._progress(t, self.value)
        if self._prev_t is not None and t > self._prev_t and not _isnan(self._prev_p):
            inst = (self.p - self._prev_p) / (t - self._prev_t)
            self.speed += min(1.0, (t - self._prev_t) / 0.1) * (inst - self.speed)
        self._prev_p, self._prev_t = self.p, t

        # time at the start bridges a short dropout: the person did not leave because the pose was lost a moment
        bridged = self.state == "setup" and self._setup_acc > 0 and gap is not None and dt < gap <= SETUP_GAP
        setup_dt = gap if bridged else dt
        self._step_state(t, setup_dt, side)
        self._step_faults(body, t, side)
        self._step_hold(t, side)
        return self._feedback(t, self._phase_name(), body)

    def finish(self) -> SessionResult:
        t = self.t if self.t is not None else 0.0
        if self._rep is not None:
            r = self._rep
            if r["reached_top"] or r["peak_p"] >= self.spec.partial_min:
                self._close_rep(t, complete=False)
            self._rep = None
        self._close_hold(final=True)
        self.result.reps.sort(key=lambda r: r.start)
        self.result.variant = self.variant
        return self.result

    # --------------------------------------------------------------------------------------------- pieces
    def _is_cut(self, body: Body, t: float) -> bool:
        """A hard cut in an edited video (or a different person taking over): between two frames close in
        time, the whole skeleton jumps by more than a third of its size."""
        pts = body.xy[CUT_JOINTS]
        prev, self._prev_pts = self._prev_pts, (t, pts, body.scale)
        if prev is None or t - prev[0] > 0.15:
            return False
        jump = float(np.median(np.linalg.norm(pts - prev[1], axis=1))) / max(body.scale, prev[2])
        return jump > CUT_JUMP

    def _scene_cut(self, t: float) -> None:
        """A cut starts a new shot: the key measure starts over (a new view reads a different start value) and
        a hold in progress ends. A rep under way survives the cut (edited videos cut in the middle of reps and
        the next shot goes on with it); only if the cut came before the rep had started back (still in the
        upper half of its range) and the new shot shows the person at home is the return unseen, and the rep
        is a partial attempt (see ``_step_state``)."""
        self._close_hold()
        r = self._rep
        if r is not None and not _isnan(self.p) and self.p >= 0.5 * r["peak_p"]:
            r["cut_before_return"] = t
        self._raw.clear()
        self.value = NAN
        self._prev_p = NAN
        self.speed = 0.0
        self._base_hist.clear()

    def _safe(self, fn, *args):
        try:
            return fn(*args)
        except (FloatingPointError, ValueError, ZeroDivisionError, IndexError):
            return None

    def _enough_visible(self, body: Body) -> bool:
        return any(body.ok(s, "shoulder", "hip") for s in SIDES)

    def _update_side(self, body: Body, dt: float) -> None:
        a = 1.0 - math.exp(-dt / 0.5) if dt > 0 else 1.0
        for s in SIDES:
            self._side_score[s] += a * (body.side_score(s) - self._side_score[s])
        best = max(SIDES, key=lambda s: self._side_score[s])
        if self.side not in SIDES or self._side_score[best] > self._side_score[self.side] + 0.08:
            self.side = best

    def _update_variant(self, body: Body) -> None:
        if self.spec.variant_of is None:
            return
        v = self._safe(self.spec.variant_of, body) or ""
        if not v:
            return
        for k in list(self._variant_votes):
            self._variant_votes[k] *= 0.98
        self._variant_votes[v] = self._variant_votes.get(v, 0.0) + 1.0
        self.variant = max(self._variant_votes, key=self._variant_votes.get)

    def _key_value(self, body: Body) -> tuple[float, str]:
        m = self.spec.measure
        mode = self.spec.side_mode
        if mode == "active":
            if self._rep is not None and self._rep["side"] in SIDES:
                s = self._rep["side"]
                v = m(body, s)
                return v, s
            vals = {s: m(body, s) for s in SIDES}
            prog = {s: self.spec.progress(v) for s, v in vals.items() if not _isnan(v)}
            if not prog:
                return NAN, self.side
            s = max(prog, key=prog.get)
            return vals[s], s
        if mode == "mean":
            vals = [m(body, s) for s in SIDES]
            good = [v for v in vals if not _isnan(v)]
            if len(good) == 2 and abs(good[0] - good[1]) > 0.5 * abs(self.spec.top - self.spec.start):
                # the two sides disagree wildly: trust the side nearest the camera
                v = m(body, self.side)
                return (v if not _isnan(v) else m(body, other(self.side))), self.side
            return (float(np.mean(good)) if good else NAN), self.side
        s = self.side if self.side in SIDES else "left"
        v = m(body, s)
        if _isnan(v):
            v = m(body, other(s))
        return v, s

    def _progress(self, t: float, value: float) -> float:
        """Progress of the smoothed value from the (adapted) start toward the top."""
        sp = self.spec
        p_nom = sp.progress(value)
        self.p_nom = p_nom
        window = sp.adaptive_window if sp.adaptive_window > 0 else sp.baseline_window
        if window <= 0:
            return p_nom
        if self.in_position:
            self._base_hist.append((t, p_nom))
        while self._base_hist and self._base_hist[0][0] < t - window:
            self._base_hist.popleft()
        if not self._base_hist:
            return p_nom
        base = float(np.percentile([v for _, v in self._base_hist], 10))
        if sp.adaptive_window <= 0:
            lo, hi = sp.baseline_limits
            base = min(max(base, lo), hi)
        self.baseline = base
        return p_nom - base

    def _phase_name(self) -> str:
        if self.state == "setup":
            return "setup"
        if self._hold_open():
            return "holding"
        return "active"

    # ------------------------------------------------------------------------------------------ rep machine
    def _step_state(self, t: float, dt: float, side: str) -> None:
        sp = self.spec
        p = self.p
        if not self.in_position:
            if self._out_of_position_since is None:
                self._out_of_position_since = t
            r = self._rep
            if r is not None and r["reached_top"] and p >= sp.full:
                # the far end of a movement may fail a posture test made for the start (a deep squat with the
                # hands on the thighs is not 'standing'): the clock runs from when the person leaves the top
                self._out_of_position_since = t
        else:
            self._out_of_position_since = None

        if self.state == "setup":
            at_start = p < sp.leave or not sp.setup_needs_start
            if self.in_position and at_start:
                self._setup_acc += dt
                if self._setup_acc >= sp.setup_seconds:
                    self.state = "ready"
                    self._last_start_t = t
                    if sp.start_cue:
                        self._say(Cue(t, sp.start_cue, "position", 1))
            else:
                self._setup_acc = 0.0
                if not self.in_position and t - self._posture_cue_last > 6.0:
                    self._say(Cue(t, sp.posture_cue, "position", 2))
                    self._posture_cue_last = t
            return

        if self._out_of_position_since is not None and t - self._out_of_position_since > 1.5:
            self._abandon_rep(t)
            self.state = "setup"
            self._setup_acc = 0.0
            return

        if sp.kind == "hold":
            return  # holds only: no reps

        if self._rep is None:
            if p < sp.leave:
                self._last_start_t = t
            elif self.in_position:
                self._rep = {
                    "start": self._last_start_t if self._last_start_t is not None else t,
                    "peak_p": p, "peak_t": t, "reached_top": p >= sp.full, "side": side,
                    "faults": [], "max_speed": abs(self.speed), "start_p": p,
                }
            return

        r = self._rep
        if p > r["peak_p"]:
            r["peak_p"], r["peak_t"] = p, t
        if p >= sp.full and not r["reached_top"]:
            r["reached_top"] = True
            if sp.top_cue:
                self._say(Cue(t, sp.top_cue, "info", 1))
        r["max_speed"] = max(r["max_speed"], abs(self.speed))
        cut_t = r.get("cut_before_return")
        if cut_t is not None and t - cut_t > CUT_SETTLE and p >= sp.back:
            r["cut_before_return"] = cut_t = None  # the new shot shows the rep still under way: it goes on
        if p < sp.back:
            duration = t - r["start"]
            if duration >= sp.min_rep_seconds_count and (r["reached_top"] or r["peak_p"] >= sp.partial_min):
                # home straight after a cut that came before the return: the return was not seen
                self._close_rep(t, complete=r["reached_top"] and cut_t is None)
            self._rep = None
            self._last_start_t = t

    def _close_rep(self, t: float, complete: bool) -> None:
        r = self._rep
        sp = self.spec
        faults = list(dict.fromkeys(r["faults"]))
        duration = t - r["start"]
        if complete:
            if duration < sp.min_rep_seconds:
                faults.append("too_fast")
                self._fault(t, "too_fast", "Slow down: move slowly and smoothly, taking 2-3 seconds each way.",
                            kind="tempo", rep_bound=False)
            elif r["max_speed"] > sp.max_speed:
                faults.append("jerky")
                self._fault(t, "jerky", "Ease into it: keep the movement smooth, without jerking.",
                            kind="tempo", rep_bound=False)
        index = self.result.complete_reps + 1 if complete else 0
        rep = Rep(index=index, start=round(r["start"], 3), peak=round(r["peak_t"], 3), end=round(t, 3),
                  side=r["side"] if sp.one_sided else "n/a", complete=complete, faults=tuple(faults),
                  range_of_motion=float(r["peak_p"] * (sp.top - sp.start)))
        self.result.reps.append(rep)
        self._events.append(rep)
        if complete:
            self._say(Cue(t, str(index), "count", 3))
        self._rep = None

    def _abandon_rep(self, t: float) -> None:
        if self._rep is not None:
            r = self._rep
            if r["reached_top"] or r["peak_p"] >= self.spec.partial_min:
                self._close_rep(t, complete=False)
            self._rep = None

    def _missing(self, t: float) -> None:
        if self.last_valid_t is None:
            return
        gap = t - self.last_valid_t
        if gap > LOST_HOLD_GRACE:
            self._close_hold()
        if gap > LOST_REP_GRACE and self.state != "setup":
            self._abandon_rep(t)
            self.state = "setup"
            self._setup_acc = 0.0

    # ----------------------------------------------------------------------------------------------- holds
    def _hold_open(self) -> bool:
        return (self._zone_start is not None and self._zone_last is not None
                and self._zone_last - self._zone_start >= self.spec.min_hold)

    def _step_hold(self, t: float, side: str) -> None:
        sp = self.spec
        # hold time is time in the target posture: it needs the posture, not a completed setup (a person
        # may start a session already in the stretch)
        allowed = self.in_position
        broken = any(code in self._fault_active for code in self._breaking_codes())
        # the held posture is judged against the spec's absolute tolerance (not the adapted start)
        p_hold = self.p_nom if sp.adaptive_window <= 0 else self.p
        # hysteresis: a hold starts when the posture is reached and still, and lasts while it stays in tolerance
        if self._zone_start is None:
            in_zone = allowed and not broken and p_hold >= sp.hold_threshold and abs(self.speed) <= sp.still_speed
        elif sp.kind == "hold":
            in_zone = allowed and not broken and p_hold >= sp.hold_exit_threshold
        else:  # a pause at the top of a rep ends when the movement resumes
            in_zone = (allowed and not broken and p_hold >= sp.hold_exit_threshold
                       and abs(self.speed) <= 1.5 * sp.still_speed)
        if in_zone:
            if self._zone_start is None:
                self._zone_start = t
                self._hold_side = side
                self._hold_announced = False
            self._zone_last = t
            if self._hold_open() and not self._hold_announced:
                self._hold_announced = True
                if sp.kind != "reps":
                    tgt = f" for {sp.target_hold:g} seconds" if sp.target_hold else ""
                    self._say(Cue(t, f"Good, hold it{tgt}. Keep breathing.", "info", 1))
        elif self._zone_start is not None and t - self._zone_last > sp.hold_grace:
            self._close_hold()

    def _breaking_codes(self):
        return [f.code for f in self.spec.faults if f.breaks_hold]

    def _close_hold(self, final: bool = False) -> None:
        if self._zone_start is None:
            return
        end = self._zone_last
        if final and self.t is not None and self.last_valid_t is not None and self.t - self.last_valid_t <= LOST_HOLD_GRACE:
            end = max(end, min(self.t, self._zone_last + self.spec.hold_grace))
        if end - self._zone_start >= self.spec.min_hold:
            h = Hold(start=round(self._zone_start, 3), end=round(end, 3),
                     side=self._hold_side if self.spec.one_sided else "n/a")
            self.result.holds.append(h)
            self._events.append(h)
        self._zone_start = None
        self._zone_last = None

    # ---------------------------------------------------------------------------------------------- faults
    def _fault_phase_ok(self, rule: FaultRule) -> bool:
        if self.state == "setup" or not self.in_position:
            return False
        for ph in rule.phases:
            if ph == "any":
                return True
            if ph == "moving" and self._rep is not None:
                return True
            if ph == "top" and (self.p >= self.spec.full or self._hold_open()):
                return True
            if ph == "hold" and self._hold_open():
                return True
        return False

    def _rule_value(self, rule: FaultRule, body: Body, side: str) -> float:
        if rule.side == "both":
            vals = [rule.measure(body, s) for s in SIDES]
            bad = [v for v in vals if v in rule.bad]
            if bad:
                return bad[0]
            good = [v for v in vals if not _isnan(v)]
            return good[0] if good else NAN
        s = self.side if rule.side == "near" else side
        if s not in SIDES:
            s = self.side if self.side in SIDES else "left"
        v = rule.measure(body, s)
        return v

    def _step_faults(self, body: Body, t: float, side: str) -> None:
        self._readings = []
        for rule in self.spec.faults:
            v = self._rule_value(rule, body, side)
            active_phase = self._fault_phase_ok(rule)
            is_bad = active_phase and (v in rule.bad)
            if is_bad:
                since = self._bad_since.setdefault(rule.code, t)
                if t - since >= rule.min_seconds:
                    self._fault_active.add(rule.code)
                    self._fault(t, rule.code, rule.message, severity=rule.severity)
            else:
                self._bad_since.pop(rule.code, None)
                self._fault_active.discard(rule.code)
            status = "unknown" if _isnan(v) else ("bad" if rule.code in self._fault_active else
                                                 ("warn" if is_bad else "ok"))
            s = side if side in SIDES else "left"
            self._readings.append(JointReading(rule.code, float(v), status, rule.measure.landmarks(s)))

    def _fault(self, t: float, code: str, message: str, severity: str = "warn", kind: str = "form",
               rep_bound: bool = True) -> None:
        if self._rep is not None and rep_bound:
            if code in self._rep["faults"]:
                return
            self._rep["faults"].append(code)
        elif t - self._fault_last.get(code, -1e9) < FAULT_REPEAT:
            return
        self._fault_last[code] = t
        f = FormFault(time=round(t, 3), code=code, message=message, severity=severity)
        self.result.faults.append(f)
        self._events.append(f)
        self._say(Cue(t, message, kind, 2))

    # ------------------------------------------------------------------------------------------------ view
    def _check_view(self, body: Body, t: float, dt: float) -> None:
        sp = self.spec
        # whole body in the picture?
        if not body.in_frame(margin=0.02) and body.in_frame(parts=("shoulder", "hip"), margin=0.0):
            if t - self._frame_last > VIEW_REPEAT:
                self._frame_last = t
                self._fault(t, "out_of_frame", "Move back or tilt the camera so your whole body, head to feet, "
                            "is in the picture.", severity="info", kind="view", rep_bound=False)
        if sp.required_view not in ("side", "front"):
            return
        width = max(body.shoulder_width_ratio(), body.hip_width_ratio() * 1.3)
        a = 1.0 - math.exp(-dt / 1.0) if dt > 0 else 1.0
        self._view_ema = width if self._view_ema is None else self._view_ema + a * (width - self._view_ema)
        wrong = (self._view_ema > 0.75) if sp.required_view == "side" else (self._view_ema < 0.3)
        if wrong:
            if self._view_bad_since is None:
                self._view_bad_since = t
            if t - self._view_bad_since > 2.0 and t - self._view_last > VIEW_REPEAT:
                self._view_last = t
                msg = sp.view_cue or (
                    "Put the camera to your side, level with your hips, 2-3 m away, so it sees you side-on from head to feet."
                    if sp.required_view == "side" else
                    "Face the camera: put it in front of you at hip height, 2-3 m away.")
                self._fault(t, "camera_view", msg, severity="info", kind="view", rep_bound=False)
        else:
            self._view_bad_since = None

    # ------------------------------------------------------------------------------------------------ cues
    def _say(self, cue: Cue, hold_for: float = 2.5, record: bool = True) -> None:
        if self._cue is None or cue.priority >= self._cue.priority or cue.time >= self._cue_until:
            self._cue = cue
            self._cue_until = cue.time + hold_for
        if record:
            self.result.cues.append(cue)
            self._events.append(cue)

    # -------------------------------------------------------------------------------------------- feedback
    def _feedback(self, t: float, phase: str, body: Body | None = None) -> Feedback:
        sp = self.spec
        hold_now = 0.0
        if self._hold_open():
            hold_now = self._zone_last - self._zone_start
        hold_total = sum(h.seconds for h in self.result.holds) + hold_now
        joints = []
        if body is not None and not _isnan(self.value):
            s = self.side if self.side in SIDES else "left"
            if self._rep is not None and self._rep["side"] in SIDES and sp.side_mode == "active":
                s = self._rep["side"]
            status = "ok" if self.in_position else "warn"
            joints.append(JointReading(sp.measure.name or "key", float(self.value), status, sp.measure.landmarks(s)))
            joints.extend(getattr(self, "_readings", []))
        cue = self._cue if (self._cue is not None and t <= self._cue_until) else None
        return Feedback(
            time=t, exercise=sp.id, phase=phase, reps=self.result.complete_reps,
            partial_reps=self.result.partial_reps, target_reps=sp.target_reps, hold_seconds=round(hold_now, 3),
            hold_total=round(hold_total, 3), target_hold=sp.target_hold, holding=self._hold_open(),
            side=(self._rep["side"] if self._rep is not None and sp.one_sided else self.side),
            cue=cue, joints=tuple(joints), in_position=self.in_position, required_view=sp.required_view,
            key_value=float(self.value), events=tuple(self._events), progress=float(self.p),
            variant=self.variant,
        )
