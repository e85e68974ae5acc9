"""A small 2D stick-figure exerciser for the checker tests: keyframed postures, noise, jitter, dropouts.

The body is a chain of segments given by their image-plane direction (degrees: 0 = image right, 90 = down),
seen from the side with the left side nearest the camera (the person faces image-right). A script is a list
of moves and holds between named postures; the generator eases between them, adds Gaussian landmark noise,
occasional jitter spikes, dropouts (no pose) and visibility dips, and returns PoseFrames plus the truth
(complete reps with their sides, hold spans).

Kept independent of posecoach.synth so the checker tests never wait on it; it only has to be plausible
enough that a checker which gets the geometry right passes and one which miscounts fails.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from posecoach.pose import Landmark as L
from posecoach.pose import Pose, PoseFrame

W, H = 640, 480
ASPECT = W / H
# segment lengths in frame heights (a 1.7 m person about 0.8 of the frame high when standing)
LEN = dict(torso=0.24, head=0.10, thigh=0.20, shank=0.20, foot=0.07, uarm=0.15, farm=0.13, hand=0.04)
SEGS = ("torso", "head", "thigh_l", "shank_l", "foot_l", "uarm_l", "farm_l",
        "thigh_r", "shank_r", "foot_r", "uarm_r", "farm_r")


# Optional non-angle keys a posture may set (default 0, eased like the angles): ``shrug`` moves both shoulders
# toward the head along the torso (frame heights: a deep breath), ``roll`` lowers the left hip and shoulder and
# lifts the right ones by half of it each (frame heights: rolled onto the left side; negative: onto the right).
EXTRAS = ("shrug", "roll")


def P(**kw) -> dict:
    """A posture: segment directions in degrees. thigh= sets both thighs, thigh_l= only the left, etc."""
    out = with_({}, **kw)
    missing = set(SEGS) - set(out)
    if missing:
        raise ValueError(f"posture misses {sorted(missing)}")
    return out


def with_(base: dict, **kw) -> dict:
    """A copy of ``base`` with some segments changed; paired names (thigh, shank, foot, uarm, farm) set both sides."""
    d = dict(base)
    for k, v in kw.items():
        if k in ("thigh", "shank", "foot", "uarm", "farm"):
            d[k + "_l"] = v
            d[k + "_r"] = v
        else:
            d[k] = v
    return d


def mirror_sides(p: dict) -> dict:
    """The same posture with the left and right limbs swapped."""
    d = dict(p)
    for s in ("thigh", "shank", "foot", "uarm", "farm"):
        d[s + "_l"], d[s + "_r"] = p[s + "_r"], p[s + "_l"]
    if "roll" in p:
        d["roll"] = -p["roll"]
    return d


# --- postures (facing image-right) -----------------------------------------------------------------------
STAND = P(torso=-90, head=-80, thigh=90, shank=90, foot=0, uarm=90, farm=90)
SPLIT = P(torso=-90, head=-80, thigh_l=78, shank_l=95, thigh_r=100, shank_r=100, foot=0, uarm=90, farm=90)
SUPINE_HOOK = P(torso=180, head=185, thigh=-50, shank=50, foot=-30, uarm=10, farm=5)
SUPINE_FLAT = P(torso=180, head=185, thigh=0, shank=0, foot=-80, uarm=0, farm=0)
QUAD = P(torso=0, head=10, thigh=90, shank=180, foot=180, uarm=90, farm=90)
PRONE = P(torso=0, head=5, thigh=180, shank=180, foot=120, uarm=150, farm=0)
PLANK = P(torso=-10, head=-5, thigh=170, shank=170, foot=110, uarm=90, farm=0)
PUSH_UP = P(torso=-12, head=-8, thigh=168, shank=168, foot=110, uarm=90, farm=90)
SIT_LONG = P(torso=-90, head=-70, thigh=0, shank=0, foot=-80, uarm=95, farm=95)
KNEEL_UP = P(torso=-90, head=-80, thigh=90, shank=180, foot=180, uarm=90, farm=90)

POSTURES: dict[str, dict] = {
    # lying on the back
    "supine_hook": SUPINE_HOOK,
    "supine_flat": SUPINE_FLAT,
    "knee_chest_l": with_(SUPINE_HOOK, thigh_l=-118, shank_l=-10, uarm=-50, farm=-20),
    "knees_chest": with_(SUPINE_HOOK, thigh=-118, shank=-10, uarm=-50, farm=-20),
    "pelvic_tilt": with_(SUPINE_HOOK, torso=176, thigh=-47),
    "bridge": with_(SUPINE_HOOK, torso=158, thigh=-22, shank=72),
    "twist_l": with_(SUPINE_HOOK, thigh=-8, shank=60, uarm=0),
    "crunch": with_(SUPINE_HOOK, torso=-145, head=-150, uarm=-10, farm=-10),
    "hug": with_(SUPINE_HOOK, uarm=-70, farm=170),
    "breath_in": with_(SUPINE_HOOK, uarm=-70, farm=170, shrug=0.02),
    "roll_l": with_(SUPINE_HOOK, thigh=-118, shank=-10, uarm=-50, farm=-20, roll=0.06),
    "ball": with_(SUPINE_HOOK, thigh=-118, shank=-10, uarm=-50, farm=-20, head=235),
    "bridge_arms_up": with_(SUPINE_HOOK, torso=158, thigh=-22, shank=72, uarm=-90, farm=-90),
    "supine_arms_up": with_(SUPINE_HOOK, uarm=-90, farm=-90),
    # the guides' hip stretch: the front (left) knee bent, the weight back over the straight back leg, the trunk
    # bending forward down it
    "hip_stretch_outer": with_(SPLIT, torso=-50, head=-30, thigh_l=55, shank_l=80, thigh_r=90, shank_r=90,
                               uarm=120, farm=120),
    "strap_l": with_(SUPINE_FLAT, thigh_l=-72, shank_l=-72, uarm_l=-30, farm_l=-60),
    # hands and knees, front
    "quad": QUAD,
    "bird_dog_l": with_(QUAD, uarm_l=2, farm_l=0, thigh_r=182, shank_r=180, foot_r=180),
    "cat": with_(QUAD, head=75),
    "cow": with_(QUAD, head=-35),
    "childs": with_(QUAD, torso=15, head=70, thigh=35, shank=180, uarm=10, farm=0),
    "prone": PRONE,
    "cobra": with_(PRONE, torso=-32, head=-40, uarm=100, farm=95),
    "plank": PLANK,
    "plank_sag": with_(PLANK, torso=-50, thigh=128, shank=182),
    "push_up": PUSH_UP,
    "push_down": with_(PUSH_UP, torso=-3, thigh=177, shank=177, uarm=168, farm=62),
    "quad_kneel": KNEEL_UP,
    # standing
    "stand": STAND,
    "forward_bend": with_(STAND, torso=-8, head=30, uarm=90, farm=90),
    "back_ext": with_(STAND, torso=-106, head=-110),
    "split": SPLIT,
    "hip_stretch_r": with_(SPLIT, thigh_l=55, shank_l=110, thigh_r=120, shank_r=112),
    "squat": with_(STAND, torso=-48, head=-30, thigh=18, shank=112, uarm=0, farm=0),
    "lunge_l": with_(SPLIT, thigh_l=8, shank_l=92, thigh_r=118, shank_r=172),
    "seated": SIT_LONG,
    "seated_fold": with_(SIT_LONG, torso=-28, head=-5, uarm=10, farm=5),
}


def _vec(deg: float, length: float) -> np.ndarray:
    r = math.radians(deg)
    return np.array([math.cos(r), math.sin(r)]) * length


def skeleton(p: dict) -> np.ndarray:
    """(33, 3) isotropic x, y and z (left side nearer the camera: smaller z) for a posture, hip centre at 0."""
    pts = np.zeros((33, 3))
    hip = np.zeros(2)
    sh = hip + _vec(p["torso"], LEN["torso"])
    nose = sh + _vec(p["head"], LEN["head"])
    back_of_head = nose - 0.4 * _vec(p["head"], LEN["head"]) - 0.03 * np.sign(math.cos(math.radians(p["head"]))) * np.array([1.0, 0.0])
    up_torso = _vec(p["torso"], 1.0)
    for side, dz, dx in (("l", -0.06, 0.004), ("r", 0.06, -0.004)):
        S = "LEFT" if side == "l" else "RIGHT"
        drop = np.array([0.0, 0.5 * p.get("roll", 0.0) * (1.0 if side == "l" else -1.0)])
        h = hip + [dx, 0] + drop
        k = h + _vec(p["thigh_" + side], LEN["thigh"])
        a = k + _vec(p["shank_" + side], LEN["shank"])
        heel = a + _vec(p["foot_" + side] + 180, 0.02)
        toe = a + _vec(p["foot_" + side], LEN["foot"])
        s = sh + [dx, 0] + drop + p.get("shrug", 0.0) * up_torso
        e = s + _vec(p["uarm_" + side], LEN["uarm"])
        w = e + _vec(p["farm_" + side], LEN["farm"])
        hand = w + _vec(p["farm_" + side], LEN["hand"])
        ear = back_of_head + [dx, 0]
        eye = nose + 0.3 * (ear - nose)
        for name, q in (("HIP", h), ("KNEE", k), ("ANKLE", a), ("HEEL", heel), ("FOOT_INDEX", toe),
                        ("SHOULDER", s), ("ELBOW", e), ("WRIST", w), ("INDEX", hand), ("PINKY", hand),
                        ("THUMB", hand), ("EAR", ear), ("EYE", eye), ("EYE_INNER", eye), ("EYE_OUTER", eye),
                        ):
            pts[int(L[f"{S}_{name}"]), :2] = q
            pts[int(L[f"{S}_{name}"]), 2] = dz
        mouth = int(L.MOUTH_LEFT if side == "l" else L.MOUTH_RIGHT)
        pts[mouth, :2] = nose + 0.2 * (sh - nose)
        pts[mouth, 2] = dz
    pts[int(L.NOSE), :2] = nose
    return pts


def _ease(u: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(max(u, 0.0), 1.0))


def _lerp_posture(a: dict, b: dict, u: float) -> dict:
    out = {}
    for k in SEGS:
        d = (b[k] - a[k] + 180.0) % 360.0 - 180.0
        out[k] = a[k] + d * u
    for k in EXTRAS:
        if k in a or k in b:
            out[k] = a.get(k, 0.0) + (b.get(k, 0.0) - a.get(k, 0.0)) * u
    return out


@dataclass
class Truth:
    reps: list[dict] = field(default_factory=list)  # {start, peak, end, side}
    holds: list[tuple[float, float]] = field(default_factory=list)
    partial: int = 0

    @property
    def n_reps(self) -> int:
        return len(self.reps)

    @property
    def hold_seconds(self) -> float:
        return sum(e - s for s, e in self.holds)


class Script:
    """Build a movement: ``hold`` and ``move`` between postures, with ``rep`` / ``held`` helpers recording truth."""

    def __init__(self, first: str | dict):
        self.keys: list[tuple[float, dict]] = [(0.0, self._p(first))]
        self.truth = Truth()

    def _p(self, p):
        return dict(POSTURES[p]) if isinstance(p, str) else dict(p)

    @property
    def t(self) -> float:
        return self.keys[-1][0]

    def hold(self, seconds: float) -> "Script":
        self.keys.append((self.t + seconds, self.keys[-1][1]))
        return self

    def move(self, posture, seconds: float) -> "Script":
        self.keys.append((self.t + seconds, self._p(posture)))
        return self

    def rep(self, top, start=None, up=1.5, pause=0.8, down=1.5, rest=1.0, side="n/a", hold_truth=False) -> "Script":
        start = self.keys[-1][1] if start is None else self._p(start)
        t0 = self.t
        self.move(top, up)
        a = self.t
        self.hold(pause)
        b = self.t
        self.move(start, down)
        self.truth.reps.append({"start": t0, "peak": (a + b) / 2, "end": self.t, "side": side})
        if hold_truth:
            self.truth.holds.append((a, b))
        self.hold(rest)
        return self

    def partial(self, top, frac=0.5, up=1.0, down=1.0, rest=1.0) -> "Script":
        start = self.keys[-1][1]
        mid = _lerp_posture(start, self._p(top), frac)
        self.move(mid, up)
        self.move(start, down)
        self.truth.partial += 1
        self.hold(rest)
        return self

    def held(self, posture, seconds: float, into=2.0, out=2.0, rest=1.0) -> "Script":
        start = self.keys[-1][1]
        self.move(posture, into)
        a = self.t
        self.hold(seconds)
        self.truth.holds.append((a, self.t))
        self.move(start, out)
        self.hold(rest)
        return self

    def posture_at(self, t: float) -> dict:
        keys = self.keys
        if t <= keys[0][0]:
            return keys[0][1]
        for (t0, p0), (t1, p1) in zip(keys, keys[1:]):
            if t0 <= t <= t1:
                u = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
                return _lerp_posture(p0, p1, _ease(u))
        return keys[-1][1]


def render(script: Script, *, fps: float = 30.0, noise: float = 0.003, jitter: float = 0.02,
           dropouts: int = 2, vis_dips: int = 1, seed: int = 0, mirror: bool = False, far_vis: float = 0.75,
           tail: float = 0.5, floor: float = 0.92) -> list[PoseFrame]:
    """Sample the script into PoseFrames.

    noise: landmark noise sigma (frame heights). jitter: probability per frame of a spike on one landmark.
    dropouts: spans of 0.2-0.4 s with no pose. vis_dips: spans where the limbs fall below visibility 0.5.
    mirror: the person faces image-left, seen from their right side (labels swap with it).
    """
    rng = np.random.default_rng(seed)
    dur = script.t + tail
    n = int(dur * fps) + 1
    times = np.arange(n) / fps
    dropped = np.zeros(n, bool)
    dipped = np.zeros(n, bool)
    for _ in range(dropouts):
        c = rng.uniform(0.1, 0.9) * n
        dropped[int(c): int(c + rng.uniform(0.2, 0.4) * fps)] = True
    for _ in range(vis_dips):
        c = rng.uniform(0.1, 0.9) * n
        dipped[int(c): int(c + rng.uniform(0.2, 0.4) * fps)] = True
    frames = []
    for i, t in enumerate(times):
        if dropped[i]:
            frames.append(PoseFrame(i, float(t), None))
            continue
        pts = skeleton(script.posture_at(t))
        # place the body: lowest point on the floor line, centred horizontally
        pts[:, 1] += floor - pts[:, 1].max()
        pts[:, 0] += ASPECT / 2 - 0.5 * (pts[:, 0].max() + pts[:, 0].min())
        pts[:, :2] += rng.normal(0.0, noise, size=(33, 2))
        if rng.random() < jitter:
            pts[rng.integers(11, 33), :2] += rng.normal(0.0, 0.03, size=2)
        vis = np.full(33, 0.97)
        far = [int(lm) for lm in L if lm.name.startswith("RIGHT_")]
        vis[far] = far_vis
        vis += rng.normal(0.0, 0.02, 33)
        if dipped[i]:
            vis[11:] = 0.2
        image = np.zeros((33, 3))
        image[:, 0] = pts[:, 0] / ASPECT
        image[:, 1] = pts[:, 1]
        image[:, 2] = pts[:, 2]
        pose = Pose(image=image, visibility=np.clip(vis, 0, 1), timestamp=float(t), image_size=(W, H))
        if mirror:
            pose = pose.mirrored()
        frames.append(PoseFrame(i, float(t), pose))
    return frames


def mirrored_truth(truth: Truth) -> Truth:
    swap = {"left": "right", "right": "left"}
    return Truth(reps=[dict(r, side=swap.get(r["side"], r["side"])) for r in truth.reps], holds=list(truth.holds),
                 partial=truth.partial)
