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
  range is a fair share of the shoulders' (``HIPS_WITH_SHOULDERS``) *and* they move in step with them (rank
  correlation of their heights per 6 s window, median ``IN_STEP``), the segment is a push-up. The range alone is
  not enough: a cobra filmed from the feet, one with its hips lifting (the fault its checker coaches), or one
  whose last seconds include getting up, reach a push-up's range share, but out of step.
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
FOLDED_COS = -0.5  # trunk-thigh angle under 120 degrees: folded forward (lying flat it is about 180)
SHIN_ACROSS = 0.6  # of its length the image shows: a standing shin seen from a camera up to ~50 degrees above level
HIPS_WITH_SHOULDERS = 0.4  # hips' up-down range over the shoulders' (5th-95th percentile), for a push-up
IN_STEP = 0.5  # rank correlation of the hips' and the shoulders' heights (median over windows), for a push-up
STEP_WINDOW = 6.0  # seconds: about one slow rep
SHOULDERS_MOVE = 0.15  # of the body's size the shoulders must travel up and down for the share to mean anything
HELD_SHARE = 0.5  # of a pelvic-tilt segment the bridge checker must time as a hold in its own zone
# each rule's tag in a segment's ``found_by`` -> the label the classifier had given it
RELABELLED_FROM = {"standing": HAMSTRING, "hips": COBRA, "held": PELVIC_TILT}


def relabel_lookalikes(raw: list[PoseFrame], segments: list[Segment], smoothing: str = "one_euro",
                       checker_settings: dict | None = None,
                       smoothed: list[PoseFrame] | None = None) -> list[Segment]:
    """The segments with each look-alike rule applied (module doc); neighbours are not joined here.
    ``smoothed``: the raw frames already smoothed (the routine has them), else they are smoothed here."""
    if smoothed is None and any(s.label == COBRA for s in segments):
        from posecoach.frame_step import FrameStep

        step = FrameStep(None, smoothing)
        smoothed = [step(f).frame for f in raw]
    out = []
    for seg in segments:
        if seg.label == HAMSTRING and _done_standing(raw, seg, smoothing, checker_settings):
            seg = replace(seg, label=FORWARD_BEND, found_by=by(seg.found_by, "standing"))
        elif seg.label == COBRA and moves_as_one_board([f.pose for f in smoothed if seg.start <= f.timestamp < seg.end
                                                        and f.pose is not None]):
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
        # folded forward at the hips, as in the fold itself: lying flat with both legs down passes every other
        # test seen from the feet by a steep camera (thighs parallel, hip over knee over ankle, shins at length)
        trunk = 0.5 * (w[11] + w[12]) - 0.5 * (w[23] + w[24])
        thigh = 0.5 * (a + b)
        fold = float(trunk @ thigh) / (float(np.linalg.norm(trunk) * np.linalg.norm(thigh)) + 1e-9)
        if fold < FOLDED_COS:
            return False
    for q in SIDES:
        if min(body.v(q, "hip"), body.v(q, "knee"), body.v(q, "ankle")) < 0.3:
            continue
        hip, knee, ankle = body.p(q, "hip"), body.p(q, "knee"), body.p(q, "ankle")
        if hip[1] < knee[1] < ankle[1] and body.in_image_plane(q, "knee", "ankle") >= SHIN_ACROSS:
            return True
    return False


def moves_as_one_board(poses) -> bool:
    """Over these (smoothed) poses the hips move up and down in step with the shoulders (``_in_step`` at least
    ``IN_STEP``) and at least ``HIPS_WITH_SHOULDERS`` as far, and the shoulders did move (``SHOULDERS_MOVE`` of the
    body's size: a still stretch's ratio is noise over noise): a push-up, not a cobra. Synthetic cobras: in step
    -0.56..0.15 (their hips float a little between key poses); push-ups 0.72-0.94 from every view, sagging or not;
    the tune half's push-ups taken for cobra 0.78-0.96."""
    from posecoach.exercises.body import Body

    if len(poses) < 10:
        return False
    xy = np.array([p.xy() for p in poses])
    hip, sh = xy[:, [23, 24], 1].mean(1), xy[:, [11, 12], 1].mean(1)
    # the body's size from its least foreshortened parts: the torso alone shrinks to nothing seen end-on
    size = float(np.median([Body(p).scale for p in poses[:: max(1, len(poses) // 30)]]))
    span = lambda v: float(np.percentile(v, 95) - np.percentile(v, 5))  # noqa: E731
    s_range = span(sh)
    if not (s_range >= SHOULDERS_MOVE * size and span(hip) >= HIPS_WITH_SHOULDERS * s_range):
        return False
    return _in_step(np.array([p.timestamp for p in poses]), hip, sh) >= IN_STEP


def _in_step(t: np.ndarray, hip: np.ndarray, sh: np.ndarray) -> float:
    """The median, over ``STEP_WINDOW`` s windows, of the rank correlation of the hips' and the shoulders' image
    heights. Per window, so that a camera cut, a shot of something else or getting up at the end (all of which
    move hips and shoulders together, far) weigh as one window each, not as the extremes of the whole segment."""
    rank = lambda v: np.argsort(np.argsort(v))  # noqa: E731
    rs = []
    for a in np.arange(t[0], t[-1] + 1e-9, STEP_WINDOW):
        sel = (t >= a) & (t < a + STEP_WINDOW)
        if sel.sum() >= 10 and np.ptp(sh[sel]) > 0 and np.ptp(hip[sel]) > 0:
            rs.append(float(np.corrcoef(rank(hip[sel]), rank(sh[sel]))[0, 1]))
    return float(np.median(rs)) if rs else float("nan")


def _bridge_held(raw, bridge, seg, smoothing, checker_settings) -> bool:
    """The bridge checker, run from the bridge segment's start (a checker started mid-hold does not see it),
    times holds in its own zone over at least ``HELD_SHARE`` of the segment ``seg``."""
    result, _ = run_checker(raw, BRIDGE, bridge.start, seg.end, smoothing, checker_settings)
    held = sum(max(0.0, min(h.end, seg.end) - max(h.start, seg.start)) for h in result.holds if own_zone(h))
    return held >= HELD_SHARE * (seg.end - seg.start)
