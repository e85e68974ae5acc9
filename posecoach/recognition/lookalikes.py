"""Exercises the classifier confuses with a look-alike, told apart by what the pose itself shows.

Each rule takes a segment the classifier labelled and relabels it only where a property of the body that does
not depend on the camera says it is the other exercise; each was found on the tune half and is checked on
synthetic landmark sequences (``tests/test_routine_segments.py``).

- **A hamstring stretch done standing is the forward bend.** The hamstring stretch's "standing toe touch" and the
  forward bend's held fold are one pose (the classifier calls both "hamstring stretch"). The forward bend's
  checker times the same hold and also counts the reps, so a segment the hamstring checker sees done standing in
  most of the frames whose variant it can tell is a forward bend. The checker's "standing" is an image test that a
  lying stretch filmed from the feet by a camera looking steeply down also passes, so each such frame must also
  show a leg standing under its hip with its shin across the view, and thighs near parallel in MediaPipe's world
  landmarks (a lying stretch raises one leg ~80 degrees off the other). A seated fold filmed from the feet by a
  high camera can still read as standing: seated and standing folds are one body shape, apart only by gravity.
- **A "cobra" whose hips rise and fall with the shoulders is a push-up.** In a cobra the pelvis stays on the floor
  while the chest rises; in a push-up the body moves as one board, the hips with the shoulders (even sagging, or
  with the hands on a box). The classifier takes sagging and incline push-ups for a cobra; where the hips' up-down
  range is a fair share of the shoulders' (``HIPS_WITH_SHOULDERS``), the segment is a push-up. Synthetic cobras,
  whose hips float a little between key poses, reach 0.47; real ones about 0.06; push-ups seen from the side or
  obliquely 0.55-0.9. Head-on, a push-up's hips travel about half as far as its shoulders in the image, too close
  to a synthetic cobra's to be told: those stay as the classifier said.
- **A bridge's held top taken for a pelvic tilt is the bridge.** Lying on the back with the knees bent, a still
  bridge top and a pelvic tilt's small lift look alike to the classifier (synthetic bridges held 10 s are split
  into bridge / pelvic tilt / bridge from every seed and view tried). A pelvic-tilt segment that follows a bridge
  segment is the bridge's when the bridge checker, run from that bridge's start, times holds in its own zone (the
  hips up at the bridge's height, which a pelvic tilt never reaches) over at least ``HELD_SHARE`` of it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from posecoach.pose import PoseFrame
from posecoach.recognition.replay import own_zone, run_checker, run_checker_frames
from posecoach.recognition.stream import Segment

HAMSTRING, FORWARD_BEND, COBRA, PUSHUP = "hamstring_stretch", "forward_bend", "cobra", "pushup"
PELVIC_TILT, BRIDGE = "pelvic_tilt", "glute_bridge"
STANDING_SHARE = 0.5  # of the frames whose hamstring-stretch variant the checker could tell
THIGHS_COS = 0.8  # thighs within about 37 degrees of parallel: standing on both legs
SHIN_ACROSS = 0.6  # of its length the image shows: a standing shin seen from a camera up to ~50 degrees above level
HIPS_WITH_SHOULDERS = 0.55  # hips' up-down range over the shoulders' (5th-95th percentile), for a push-up
SHOULDERS_MOVE = 0.15  # torso lengths the shoulders must travel up and down for the share to mean anything
HELD_SHARE = 0.5  # of a pelvic-tilt segment the bridge checker must time as a hold in its own zone
# each rule's tag in a segment's ``found_by`` -> the label the classifier had given it
RELABELLED_FROM = {"standing": HAMSTRING, "hips": COBRA, "held": PELVIC_TILT}


def relabel_lookalikes(raw: list[PoseFrame], segments: list[Segment], smoothing: str = "one_euro",
                       checker_settings: dict | None = None) -> list[Segment]:
    """The segments with each look-alike rule applied (module doc); neighbours are not joined here."""
    out = []
    for seg in segments:
        if seg.label == HAMSTRING and _done_standing(raw, seg, smoothing, checker_settings):
            seg = replace(seg, label=FORWARD_BEND, found_by=by(seg.found_by, "standing"))
        elif seg.label == COBRA and _moves_as_one_board(raw, seg, smoothing):
            seg = replace(seg, label=PUSHUP, found_by=by(seg.found_by, "hips"))
        elif (seg.label == PELVIC_TILT and out and out[-1].label == BRIDGE and abs(out[-1].end - seg.start) < 1e-6
              and _bridge_held(raw, out[-1], seg, smoothing, checker_settings)):
            seg = replace(seg, label=BRIDGE, found_by=by(seg.found_by, "held"))
        out.append(seg)
    return out


def by(*parts: str) -> str:
    """found_by of a segment decided by several things: each once ("classifier+hold", "checker+classifier")."""
    seen = dict.fromkeys(p for part in parts for p in part.split("+") if p)
    return "+".join(seen)


def _done_standing(raw, seg, smoothing, checker_settings) -> bool:
    from posecoach.exercises.body import Body

    _, _, steps = run_checker_frames(raw, HAMSTRING, seg.start, seg.end, smoothing, checker_settings)
    told = [(r.feedback.variant, r.pose) for r in steps if r.feedback.variant and r.pose is not None]
    standing = sum(v == "standing" and stands(Body(pose)) for v, pose in told)
    return bool(told) and standing >= STANDING_SHARE * len(told)


def stands(body) -> bool:
    """The image's "standing" confirmed where the view can mislead it (module doc): a leg under its hip (hip over
    knee over ankle) with its shin across the view, and thighs near parallel in the world landmarks (without
    them, the image is taken at its word)."""
    from posecoach.exercises.body import SIDES

    w = body.world
    if w is not None:
        a, b = w[25] - w[23], w[26] - w[24]  # hip -> knee, left and right
        cos = float(a @ b) / (float(np.linalg.norm(a) * np.linalg.norm(b)) + 1e-9)
        if cos < THIGHS_COS:
            return False
    for q in SIDES:
        if min(body.v(q, "hip"), body.v(q, "knee"), body.v(q, "ankle")) < 0.3:
            continue
        hip, knee, ankle = body.p(q, "hip"), body.p(q, "knee"), body.p(q, "ankle")
        if hip[1] < knee[1] < ankle[1] and body.in_image_plane(q, "knee", "ankle") >= SHIN_ACROSS:
            return True
    return False


def _moves_as_one_board(raw, seg, smoothing) -> bool:
    from posecoach.frame_step import FrameStep

    step = FrameStep(None, smoothing)
    poses = [step(f).pose for f in raw if seg.start <= f.timestamp < seg.end]
    return moves_as_one_board([p for p in poses if p is not None])


def moves_as_one_board(poses) -> bool:
    """Over these (smoothed) poses the hips' up-down range in the image is at least ``HIPS_WITH_SHOULDERS`` of the
    shoulders', and the shoulders did move (a still stretch's ratio is noise over noise): a push-up, not a cobra."""
    if len(poses) < 10:
        return False
    xy = np.array([p.xy() for p in poses])
    hip, sh = xy[:, [23, 24]].mean(1), xy[:, [11, 12]].mean(1)
    torso = float(np.median(np.linalg.norm(sh - hip, axis=1)))
    span = lambda v: float(np.percentile(v, 95) - np.percentile(v, 5))  # noqa: E731
    s_range = span(sh[:, 1])
    return s_range >= SHOULDERS_MOVE * torso and span(hip[:, 1]) >= HIPS_WITH_SHOULDERS * s_range


def _bridge_held(raw, bridge, seg, smoothing, checker_settings) -> bool:
    """The bridge checker, run from the bridge segment's start (a checker started mid-hold does not see it),
    times holds in its own zone over at least ``HELD_SHARE`` of the segment ``seg``."""
    result, _ = run_checker(raw, BRIDGE, bridge.start, seg.end, smoothing, checker_settings)
    held = sum(max(0.0, min(h.end, seg.end) - max(h.start, seg.start)) for h in result.holds if own_zone(h))
    return held >= HELD_SHARE * (seg.end - seg.start)
