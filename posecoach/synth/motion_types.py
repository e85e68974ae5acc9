"""The vocabulary of motion scripts: a fault, a posture with its floor contacts, a motion (see ``motions``)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from posecoach.synth.body import Proportions, mirror_params
from posecoach.synth.timeline import Key, make_key, solve_stage


@dataclass(frozen=True)
class Fault:
    """A typical mistake: extra angles on the peak (or on the held posture), or a tempo/range change."""

    code: str
    message: str
    delta: dict[str, float] = field(default_factory=dict)
    tempo: float = 1.0  # < 1: rushed
    range_scale: float = 1.0  # < 1: partial range of motion
    complete: bool = True  # whether a rep with this fault still counts as a full rep


@dataclass(frozen=True)
class Pose:
    """A posture with its floor contacts and which angles to solve so both contact groups touch."""

    params: dict[str, float]
    contacts: tuple[str, ...]
    solve: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 0.0
    arms_down: bool = False  # after solving, lower the arms (shoulder flexion) until the hands touch the floor

    def key(self, props: Proportions, extra: dict[str, float] | None = None, mirror: bool = False,
            label: str = "", inherit: dict[str, float] | None = None) -> Key:
        """Solve this posture. ``inherit``: angles (e.g. the solved start) used where this posture sets none."""
        p = {**(inherit or {}), **self.params}
        for k, v in (extra or {}).items():
            p[k] = p.get(k, _neutral(k)) + v
        contacts = self.contacts
        solve = self.solve
        if mirror:
            p = mirror_params(p)
            contacts = tuple(_mirror_name(c) for c in contacts)
            solve = tuple(_mirror_name(s) for s in solve)
        key = make_key(p, contacts, props, solve, self.lo, self.hi, label, mirror)
        if self.arms_down:
            q = solve_stage(key.params, ("upper_back", "hands"), props, ("shoulder_flex_l", "shoulder_flex_r"),
                            -90.0, 60.0)
            key = Key(q, key.contacts, key.label, key.mirrored)
        return key

    def but(self, **changes) -> "Pose":
        """A copy with some angles changed (keyword ``contacts``/``solve``/``lo``/``hi`` replace those)."""
        meta = {k: changes.pop(k) for k in ("contacts", "solve", "lo", "hi", "arms_down") if k in changes}
        return replace(self, params={**self.params, **changes}, **meta)


def _neutral(k: str) -> float:
    from posecoach.synth.body import NEUTRAL
    return NEUTRAL.get(k, 0.0)


def _mirror_name(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


@dataclass(frozen=True)
class Motion:
    """How one exercise moves.

    kind: "reps" (move to the peak and back, counted) or "hold" (get into the posture and stay).
    tempo: seconds (up, top, down, rest) for a rep; for a hold, (in, -, out, rest).
    sided: "alternate" (left, right, left...), "blocks" (all left, then all right) or "none".
    side_meaning: what "left" means for this exercise (which limb moves), written into the truth.
    """

    id: str
    kind: str
    start: Pose
    peak: Pose
    peak2: Pose | None = None  # cat-cow: the rep goes start -> peak -> peak2 -> start
    setup: Pose | None = None  # a posture before the start one (plank: on the knees first)
    tempo: tuple[float, float, float, float] = (1.5, 1.0, 1.5, 1.0)
    sided: str = "none"
    side_meaning: str = ""
    default_reps: int = 5
    default_hold: float = 10.0
    anchor: str = "pelvis"
    front_azimuth: float = 0.0  # degrees about Y where the "front" camera stands (0 = on the +X side)
    faults: tuple[Fault, ...] = ()
    variant: str = ""

    def fault(self, code: str) -> Fault:
        for f in self.faults + GENERIC_FAULTS[self.kind]:
            if f.code == code:
                return f
        raise ValueError(f"unknown fault {code!r} for {self.id}; choose from {self.fault_codes()}")

    def fault_codes(self) -> list[str]:
        return [f.code for f in self.faults + GENERIC_FAULTS[self.kind]]


GENERIC_FAULTS: dict[str, tuple[Fault, ...]] = {
    "reps": (
        Fault("too_fast", "Slow down: control the movement both ways.", tempo=0.35),
        Fault("partial_range", "Go further: that rep was short of the full range.", range_scale=0.45,
              complete=False),
    ),
    "hold": (),
}
