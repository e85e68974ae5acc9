"""Kinematic body model: joint angles (degrees) -> named 3D joints, segment frames and contact points.

World axes (metres): X along the floor (a standing person faces +X; a supine person's head points to -X),
Y up, Z to the person's right (their left is -Z). The floor is the plane Y = 0.

Every segment has a frame: a 3x3 matrix whose columns are its forward (f), up (u) and left (l) directions in
world coordinates. A child frame is its parent frame times a rotation in the parent's own axes, so the angle
names mean what a physiotherapist means by them whatever way the body lies:

- ``pitch``: elevation of the pelvis' up axis above the floor (90 standing, 180 supine head to -X,
  0 prone head to +X); ``roll`` turns the pelvis about its own up axis (knees dropping in a supine twist).
- ``spine_flex`` (+ rounds forward, - arches back), ``spine_twist`` (+ turns the chest to the left),
  ``spine_lat`` (+ bends to the left), split evenly over a lumbar and a thoracic segment so a curve appears.
- ``neck_flex`` (+ chin to chest).
- per side (suffix ``_l`` / ``_r``): ``hip_flex`` (+ thigh forward), ``hip_abd`` (+ out to the side),
  ``knee_flex``, ``ankle`` (plantarflexion, 0 = foot at a right angle to the shin), ``foot_flat``
  (> 0.5: the foot lies flat on the floor pointing +X, whatever the ankle angle), ``shoulder_flex``
  (+ arm forward, 180 overhead, - behind), ``shoulder_abd`` (+ out to the side), ``shoulder_rot`` (+ turns the
  arm inward about its own axis, so a bent elbow brings the hand across the chest), ``elbow_flex``.
- ``shrug``: both shoulders drawn up toward the ears, in centimetres (a deep breath lifts them).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.pose import NUM_LANDMARKS, Landmark

SIDES = ("l", "r")

NEUTRAL: dict[str, float] = {
    "pitch": 90.0, "roll": 0.0, "yaw": 0.0,
    "spine_flex": 0.0, "spine_twist": 0.0, "spine_lat": 0.0, "neck_flex": 0.0,
    **{f"{k}_{s}": 0.0 for s in SIDES for k in (
        "hip_flex", "hip_abd", "knee_flex", "ankle", "shoulder_flex", "shoulder_abd", "shoulder_rot", "elbow_flex")},
    "shrug": 0.0,
    "foot_flat_l": 0.0, "foot_flat_r": 0.0,
    "shoulder_abd_l": 6.0, "shoulder_abd_r": 6.0, "elbow_flex_l": 8.0, "elbow_flex_r": 8.0,
}

FLOOR_FOOT_DIR = np.array([1.0, 0.0, 0.0])  # where a foot lying flat points (see foot_flat)


@dataclass(frozen=True)
class Proportions:
    """Segment lengths and widths in metres for a body of the given height (adult averages, scaled)."""

    height: float = 1.70
    build: float = 1.0  # widths multiply by this (0.85 slim .. 1.2 broad)

    def __getattr__(self, name: str) -> float:  # lengths are looked up in _BASE and scaled
        base = _BASE.get(name)
        if base is None:
            raise AttributeError(name)
        length, is_width = base
        s = self.height / 1.70
        return length * s * (self.build if is_width else 1.0)


# name: (metres at 1.70 m, scales with build). Hip/shoulder widths follow where MediaPipe puts those points.
_BASE: dict[str, tuple[float, bool]] = {
    "hip_half": (0.095, True), "hip_drop": (0.05, False), "lumbar": (0.15, False), "thorax": (0.34, False),
    "shoulder_half": (0.175, True), "shoulder_drop": (0.035, False), "neck": (0.16, False),
    "upper_arm": (0.29, False), "forearm": (0.255, False), "thigh": (0.43, False), "shin": (0.42, False),
    "heel_drop": (0.07, False), "heel_back": (0.045, False), "toe_fwd": (0.15, False),
    "head_r": (0.105, False),
}


def _flex(deg: float) -> np.ndarray:
    """Rotation in a frame's (f, u) plane: + turns f toward u, i.e. -u (a hanging limb) toward f."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _abd(deg: float) -> np.ndarray:
    """Rotation in the (u, l) plane: + turns -u toward +l (a left limb moving out to the side)."""
    c, s = np.cos(np.radians(-deg)), np.sin(np.radians(-deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def _twist(deg: float) -> np.ndarray:
    """Rotation about the frame's u axis: + turns f toward +l."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])


def root_frame(pitch: float, roll: float = 0.0, yaw: float = 0.0) -> np.ndarray:
    e = np.radians(pitch)
    u = np.array([np.cos(e), np.sin(e), 0.0])
    f = np.array([np.sin(e), -np.cos(e), 0.0])
    l = np.cross(u, f)
    frame = np.stack([f, u, l], axis=1) @ _twist(roll)
    if yaw:
        c, s = np.cos(np.radians(yaw)), np.sin(np.radians(yaw))
        frame = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]) @ frame
    return frame


@dataclass
class BodyState:
    """The posed body: named 3D joints, segment frames (columns f, u, l) and floor-contact candidates."""

    joints: dict[str, np.ndarray]
    frames: dict[str, np.ndarray]
    contacts: dict[str, np.ndarray]  # group name -> (k, 3) surface points that may touch the floor
    props: Proportions

    def translated(self, offset: np.ndarray) -> "BodyState":
        return BodyState({k: v + offset for k, v in self.joints.items()}, self.frames,
                         {k: v + offset for k, v in self.contacts.items()}, self.props)

    def landmarks(self) -> np.ndarray:
        """(33, 3) world positions in MediaPipe's layout."""
        out = np.zeros((NUM_LANDMARKS, 3))
        for lm in Landmark:
            out[lm] = self.joints[_LANDMARK_JOINT[lm]]
        return out


def _side_name(s: str) -> str:
    return "left" if s == "l" else "right"


_LANDMARK_JOINT: dict[Landmark, str] = {Landmark.NOSE: "nose", Landmark.MOUTH_LEFT: "mouth_l",
                                         Landmark.MOUTH_RIGHT: "mouth_r"}
for _lm in Landmark:
    if _lm.name.startswith(("LEFT_", "RIGHT_")):
        _side, _part = _lm.name.split("_", 1)
        _LANDMARK_JOINT[_lm] = f"{_part.lower()}_{_side[0].lower()}"


def pose_body(p: dict[str, float], props: Proportions = Proportions()) -> BodyState:
    """Forward kinematics with the pelvis centre at the origin (grounding happens in ``motions``)."""
    q = {**NEUTRAL, **p}
    P = np.zeros(3)
    Fp = root_frame(q["pitch"], q["roll"], q["yaw"])
    J: dict[str, np.ndarray] = {"pelvis": P}
    Fr: dict[str, np.ndarray] = {"pelvis": Fp}
    C: dict[str, list[np.ndarray]] = {}

    def at(frame: np.ndarray, origin: np.ndarray, f: float = 0.0, u: float = 0.0, l: float = 0.0) -> np.ndarray:
        return origin + frame @ np.array([f, u, l])

    # Spine in two segments so flexion shows as a curve (cat-cow needs a mid-back that rises).
    half = lambda k: q[k] / 2.0  # noqa: E731
    F1 = Fp @ _flex(-half("spine_flex")) @ _abd_spine(half("spine_lat")) @ _twist(half("spine_twist"))
    waist = at(F1, P, u=props.lumbar)
    F2 = F1 @ _flex(-half("spine_flex")) @ _abd_spine(half("spine_lat")) @ _twist(half("spine_twist"))
    neck_base = at(F2, waist, u=props.thorax)
    F3 = F2 @ _flex(-q["neck_flex"])
    head = at(F3, neck_base, f=0.02 * props.height / 1.7, u=props.neck)
    J.update(waist=waist, neck_base=neck_base, head=head)
    Fr.update(lumbar=F1, chest=F2, head=F3)

    r = props.head_r
    J["nose"] = at(F3, head, f=r * 1.02, u=-0.005)
    for s, sign in (("l", 1.0), ("r", -1.0)):
        J[f"eye_inner_{s}"] = at(F3, head, f=r * 0.93, u=0.025, l=sign * 0.016)
        J[f"eye_{s}"] = at(F3, head, f=r * 0.9, u=0.027, l=sign * 0.032)
        J[f"eye_outer_{s}"] = at(F3, head, f=r * 0.84, u=0.027, l=sign * 0.046)
        J[f"ear_{s}"] = at(F3, head, f=-0.005, u=0.0, l=sign * r * 0.78)
        J[f"mouth_{s}"] = at(F3, head, f=r * 0.9, u=-0.045, l=sign * 0.022)

    C["upper_back"] = [at(F2, neck_base, f=-0.10, u=-0.06), at(F2, neck_base, f=-0.10, u=-0.18)]
    C["buttocks"] = [at(Fp, P, f=-0.10, u=-0.04)]
    C["pelvis_front"] = [at(Fp, P, f=0.10, u=-0.02)]
    C["chest_front"] = [at(F2, neck_base, f=0.11, u=-0.15)]
    C["head_back"] = [at(F3, head, f=-r)]

    for s, sign in (("l", 1.0), ("r", -1.0)):
        # Leg.
        hip = at(Fp, P, u=-props.hip_drop, l=sign * props.hip_half)
        Ft = Fp @ _abd(sign * q[f"hip_abd_{s}"]) @ _flex(q[f"hip_flex_{s}"])
        knee = at(Ft, hip, u=-props.thigh)
        Fs = Ft @ _flex(-q[f"knee_flex_{s}"])
        ankle = at(Fs, knee, u=-props.shin)
        if q[f"foot_flat_{s}"] > 0.5:
            fd = FLOOR_FOOT_DIR
            Ff = np.stack([fd, np.array([0.0, 1.0, 0.0]), np.cross([0.0, 1.0, 0.0], fd)], axis=1)
        else:
            Ff = Fs @ _flex(-q[f"ankle_{s}"])
        heel = at(Ff, ankle, f=-props.heel_back, u=-props.heel_drop)
        toe = at(Ff, ankle, f=props.toe_fwd, u=-props.heel_drop * 0.85)
        J.update({f"hip_{s}": hip, f"knee_{s}": knee, f"ankle_{s}": ankle, f"heel_{s}": heel,
                  f"foot_index_{s}": toe})
        Fr.update({f"thigh_{s}": Ft, f"shin_{s}": Fs, f"foot_{s}": Ff})
        C.setdefault("feet", []).extend([heel, toe])
        C.setdefault(f"foot_{s}", []).extend([heel, toe])
        C.setdefault("toes", []).append(toe)
        C.setdefault(f"toe_{s}", []).append(toe)
        C.setdefault("knees", []).append(at(Fs, knee, f=0.05, u=-0.04))
        C.setdefault(f"knee_{s}", []).append(at(Fs, knee, f=0.05, u=-0.04))
        C.setdefault("shins", []).extend([at(Fs, knee, f=0.05, u=-0.04), at(Fs, ankle, f=0.04, u=0.03)])
        C.setdefault("thighs_front", []).append(at(Ft, hip, f=0.08, u=-props.thigh * 0.5))
        # Arm.
        shoulder = at(F2, neck_base, u=q["shrug"] / 100.0 - props.shoulder_drop, l=sign * props.shoulder_half)
        Fa = F2 @ _abd(sign * q[f"shoulder_abd_{s}"]) @ _flex(q[f"shoulder_flex_{s}"]) \
            @ _twist(-sign * q[f"shoulder_rot_{s}"])
        elbow = at(Fa, shoulder, u=-props.upper_arm)
        Fe = Fa @ _flex(q[f"elbow_flex_{s}"])
        wrist = at(Fe, elbow, u=-props.forearm)
        J.update({f"shoulder_{s}": shoulder, f"elbow_{s}": elbow, f"wrist_{s}": wrist,
                  f"index_{s}": at(Fe, wrist, u=-0.085, f=0.012),
                  f"pinky_{s}": at(Fe, wrist, u=-0.072, f=-0.025),
                  f"thumb_{s}": at(Fe, wrist, u=-0.045, f=0.035, l=-sign * 0.01)})
        Fr.update({f"arm_{s}": Fa, f"forearm_{s}": Fe})
        C.setdefault("hands", []).extend([at(Fe, wrist, u=-0.06, f=-0.02), at(Fe, wrist, u=-0.01, f=-0.02)])
        C.setdefault(f"hand_{s}", []).extend([at(Fe, wrist, u=-0.06, f=-0.02), at(Fe, wrist, u=-0.01, f=-0.02)])
        C.setdefault("forearms", []).extend([at(Fe, elbow, f=-0.04), at(Fe, wrist, f=-0.03)])
    C["back"] = C["upper_back"] + C["buttocks"]
    return BodyState(J, Fr, {k: np.array(v) for k, v in C.items()}, props)


def _abd_spine(deg: float) -> np.ndarray:
    """Side bend: + tilts the segment's up axis toward +l."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def mirror_params(p: dict[str, float]) -> dict[str, float]:
    """Swap left and right: the same posture done with the other side."""
    out = {}
    for k, v in p.items():
        if k.endswith("_l"):
            out[k[:-2] + "_r"] = v
        elif k.endswith("_r"):
            out[k[:-2] + "_l"] = v
        elif k in ("spine_twist", "spine_lat", "roll"):
            out[k] = -v
        else:
            out[k] = v
    return out
