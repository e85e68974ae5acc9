"""Labelled synthetic windows for the recognition classifier (never real clips).

Each clip is drawn at random: exercise (and variant), view, camera height and azimuth, distance (close enough
to cut off feet or head sometimes), body size and build, tempo, range, faults, sets with rests, noise level;
then augmented at the array level like real footage: partial visibility, limbs out of frame, jitter, spikes.
"rest" windows come from setup and rest phases and from idle clips; "other" from a few movements that are none
of the supported exercises (arm raises, side bends, twists, marching, leg raises, superman, dead bug...).
"""
from __future__ import annotations

import numpy as np

from posecoach.recognition.features import RATE, WINDOW, frame_descriptors, resample, track_points, window_features
from posecoach.recognition.model import OTHER, REST
from posecoach.synth import motion_table as MT
from posecoach.synth import motions as M
from posecoach.synth.landmarks import LandmarkNoise, landmark_frames
from dataclasses import replace

from posecoach.synth.camera import place_camera
from posecoach.synth.scene import SceneOptions, feet_azimuth, make_scene

VIEW_P = {"side": 0.4, "oblique": 0.3, "front": 0.18, "feet": 0.06, "head": 0.06}
_ARMS = {"shoulder_flex_l": 8.0, "shoulder_flex_r": 8.0}


def _others() -> list[M.Motion]:
    st, su, pr, se = M.STANDING, M.SUPINE, M.PRONE, MT._HAM_SEATED
    sf = M.SUPINE_FLAT
    mk = lambda i, start, peak, sided="none", tempo=(1.2, 0.6, 1.2, 0.6): M.Motion(  # noqa: E731
        f"other{i}", "reps", start, peak, tempo=tempo, sided=sided, default_reps=5, anchor="pelvis")
    return [
        mk(0, st, st.but(shoulder_flex_l=170.0, shoulder_flex_r=170.0)),
        mk(1, st, st.but(spine_lat=30.0), "alternate"),
        mk(2, st, st.but(spine_twist=45.0, shoulder_abd_l=80.0, shoulder_abd_r=80.0), "alternate"),
        mk(3, st, st.but(hip_flex_l=85.0, knee_flex_l=95.0, contacts=("foot_r",)), "alternate", (0.6, 0.2, 0.6, 0.2)),
        mk(4, st, st.but(shoulder_abd_l=90.0, shoulder_abd_r=90.0)),
        mk(5, sf, sf.but(hip_flex_l=65.0, knee_flex_l=0.0, contacts=("back",)), "alternate"),
        mk(6, su, su.but(shoulder_flex_l=170.0, shoulder_flex_r=170.0, elbow_flex_l=0.0, elbow_flex_r=0.0)),
        mk(7, pr, pr.but(spine_flex=-20.0, hip_flex_l=-20.0, hip_flex_r=-20.0, shoulder_flex_l=160.0,
                         shoulder_flex_r=160.0, elbow_flex_l=0.0, elbow_flex_r=0.0, contacts=("pelvis_front",))),
        mk(8, se, se.but(spine_twist=45.0, pitch=92.0), "alternate"),
        mk(9, su.but(hip_flex_l=90.0, hip_flex_r=90.0, knee_flex_l=90.0, knee_flex_r=90.0, shoulder_flex_l=90.0,
                     shoulder_flex_r=90.0, foot_flat_l=0.0, foot_flat_r=0.0, contacts=("back",), solve=()),
           su.but(hip_flex_l=20.0, hip_flex_r=90.0, knee_flex_l=5.0, knee_flex_r=90.0, shoulder_flex_l=90.0,
                  shoulder_flex_r=170.0, foot_flat_l=0.0, foot_flat_r=0.0, contacts=("back",), solve=()),
           "alternate"),
        mk(10, st, st.but(knee_flex_l=0.0, ankle_l=-25.0, ankle_r=-25.0, foot_flat_l=0.0, foot_flat_r=0.0,
                          contacts=("toe_l", "toe_r"))),
        mk(11, se, se.but(shoulder_flex_l=170.0, shoulder_flex_r=170.0)),
    ]


def _idles() -> list[M.Motion]:
    """Still or barely moving: lying, standing, kneeling, sitting (labelled rest)."""
    out = []
    for i, p in enumerate((M.STANDING, M.SUPINE, M.SUPINE_FLAT, M.ALL_FOURS, M.PRONE, MT._HAM_SEATED)):
        out.append(M.Motion(f"idle{i}", "hold", p, p.but(shoulder_flex_l=p.params.get("shoulder_flex_l", 0) + 6),
                            tempo=(2.0, 0.0, 2.0, 2.0), default_hold=8.0, default_reps=1, anchor="pelvis"))
    return out


def _ways() -> dict[str, list[M.Motion]]:
    """Other ways real people do a supported exercise than its canonical motion (which the checker's tests pin
    down, so it stays as it is): labelled with the exercise, drawn for a share of its clips. Squats with a bar on
    the back, hands on the hips or arms crossed; push-ups with the hips sagging far or from the knees; the supine
    twist with one leg straight and the other crossing over; a pelvic tilt with little visible motion."""
    out: dict[str, list[M.Motion]] = {}

    def way(e: str, tag: str, start: dict, peak: dict, **kw) -> None:
        m = M.get_motion(e)
        w = replace(m, id=f"{e}~{tag}", start=m.start.but(**start), peak=m.peak.but(**peak), setup=None, **kw)
        out.setdefault(e, []).append(w)

    for tag, arms in (("bar", dict(shoulder_abd_l=80.0, shoulder_abd_r=80.0, shoulder_flex_l=15.0,
                                   shoulder_flex_r=15.0, elbow_flex_l=140.0, elbow_flex_r=140.0)),
                      ("hips", dict(shoulder_abd_l=35.0, shoulder_abd_r=35.0, shoulder_flex_l=-10.0,
                                    shoulder_flex_r=-10.0, elbow_flex_l=100.0, elbow_flex_r=100.0)),
                      ("crossed", dict(shoulder_flex_l=85.0, shoulder_flex_r=85.0, shoulder_abd_l=-20.0,
                                       shoulder_abd_r=-20.0, elbow_flex_l=135.0, elbow_flex_r=135.0))):
        way("squat", tag, arms, arms)
    sag = dict(hip_flex_l=-16.0, hip_flex_r=-16.0, spine_flex=-12.0)
    way("pushup", "sag", sag, sag)
    knees = dict(knee_flex_l=95.0, knee_flex_r=95.0, ankle_l=20.0, ankle_r=20.0, contacts=("hands", "knees"))
    way("pushup", "knees", knees, knees)
    one_leg = dict(hip_flex_r=0.0, knee_flex_r=0.0, foot_flat_r=0.0)
    way("supine_twist", "one_leg", one_leg, dict(one_leg, roll=40.0, spine_twist=-50.0, hip_flex_l=100.0))
    return out


OTHERS, IDLES, WAYS = _others(), _idles(), _ways()
P_WAY = 0.35  # share of an exercise's clips done in one of its other ways, when it has some
# training-only motions by id: registered with the synthetic exerciser only while their clip is made
TEMPORARY = {m.id: m for m in (*OTHERS, *IDLES, *(w for ws in WAYS.values() for w in ws))}


def _pick_motion(rng, exercises: list[str], p_other: float, p_idle: float) -> tuple[str, str | None, str]:
    """(exercise id or temporary motion id, variant, label)."""
    u = rng.random()
    if u < p_other:
        m = OTHERS[rng.integers(len(OTHERS))]
        return m.id, None, OTHER
    if u < p_other + p_idle:
        m = IDLES[rng.integers(len(IDLES))]
        return m.id, None, REST
    e = exercises[rng.integers(len(exercises))]
    # Every variant the synthetic exerciser knows (the default motion is None), drawn evenly: a variant is
    # the same exercise to the recogniser (the bridge with the arms raised, the outer hip stretch...).
    variants = [None] + [v for (ex, v) in M.MOTION_VARIANTS if ex == e]
    variant = variants[rng.integers(len(variants))]
    if e in WAYS and rng.random() < P_WAY:
        m = WAYS[e][rng.integers(len(WAYS[e]))]
        return m.id, None, e
    return e, variant, e


def augment(xy, world, vis, rng, aspect):
    """Real-footage effects at the array level: zoomed-in framing (limbs out of the frame, low visibility,
    clamped near the edge as MediaPipe extrapolates), extra jitter and spikes, world-landmark noise."""
    xy, world, vis = xy.copy(), world.copy(), vis.copy()
    n = len(xy)
    if rng.random() < 0.35:  # crop: zoom about a point so some limbs leave the frame
        z = rng.uniform(1.1, 1.8)
        c = np.array([rng.uniform(0.3, 0.7) * aspect, rng.uniform(0.3, 0.7)])
        xy = (xy - c) * z + np.array([aspect / 2, 0.5])
    out = (xy[..., 0] < 0) | (xy[..., 0] > aspect) | (xy[..., 1] < 0) | (xy[..., 1] > 1)
    vis[out] = rng.uniform(0.0, 0.3, int(out.sum()))
    # MediaPipe's guesses for unseen points stay near the frame and wander.
    xy[..., 0] = np.where(out[...], np.clip(xy[..., 0], -0.15, aspect + 0.15), xy[..., 0])
    xy[..., 1] = np.where(out[...], np.clip(xy[..., 1], -0.15, 1.15), xy[..., 1])
    xy[out] += rng.normal(0, 0.03, (int(out.sum()), 2))
    if rng.random() < 0.5:
        xy += rng.normal(0, rng.uniform(0.002, 0.01), xy.shape)
    if rng.random() < 0.5:  # world landmarks are much noisier than image ones on real video
        world += rng.normal(0, rng.uniform(0.01, 0.05), world.shape)
        world += rng.normal(0, rng.uniform(0.0, 0.05), (1, 33, 3))
    if rng.random() < 0.3:
        hit = rng.random((n, 33)) < 0.01
        xy[hit] += rng.normal(0, 0.05, (int(hit.sum()), 2))
    return xy, world, vis


def one_euro(t, xy, world):
    """The pipeline's smoothing (smoothing.OneEuroSmoother's settings) on the arrays, so the training windows
    see jitter as the recogniser will: after FrameStep's smoother, not raw."""
    from posecoach.smoothing import OneEuroArray

    fi, fw = OneEuroArray(1.5, 2.0, 1.0), OneEuroArray(1.5, 1.0, 1.0)
    xs, ws = xy.copy(), world.copy()
    last = None
    for i in range(len(t)):
        if not np.isfinite(xy[i]).all():
            continue
        if last is not None and t[i] - last > 0.5:
            fi.reset()
            fw.reset()
        last = t[i]
        xs[i], ws[i] = fi(xy[i], t[i]), fw(world[i], t[i])
    return xs, ws


def _elevation(rng) -> float | None:
    """None (the camera height preset) for most views; a quarter looked at from anywhere between the floor and
    nearly overhead (a phone on a shelf or a ceiling-mounted camera filming a mat)."""
    return float(rng.uniform(-5.0, 70.0)) if rng.random() < 0.25 else None


def clip_windows(seed: int, exercises: list[str], p_other: float = 0.12, p_idle: float = 0.05,
                 step: float = 1.0, views: int = 3) -> tuple[np.ndarray, list[str]]:
    """(features (K, F), labels) of the windows of one random synthetic clip, filmed from ``views`` cameras."""
    # the training-only motions (other movements, idling, other ways of doing an exercise) are registered with
    # the synthetic exerciser for this clip only: left there, they would become exercises to everyone else
    known = set(M.MOTIONS)
    try:
        return _clip_windows(seed, exercises, p_other, p_idle, step, views)
    finally:
        for k in set(M.MOTIONS) - known:
            del M.MOTIONS[k]


def _clip_windows(seed, exercises, p_other, p_idle, step, views):
    rng = np.random.default_rng(seed)
    ex, variant, label = _pick_motion(rng, exercises, p_other, p_idle)
    if ex in TEMPORARY:
        M.MOTIONS[ex] = TEMPORARY[ex]
    views_ = list(VIEW_P)
    view = views_[rng.choice(len(views_), p=list(VIEW_P.values()))]
    m = M.get_motion(ex, variant)
    sets = int(rng.integers(1, 3))
    opts = SceneOptions(
        exercise=ex, variant=variant, view=view, seed=int(seed), fps=RATE,
        reps=int(rng.integers(2, 6)) if m.kind == "reps" else int(rng.integers(1, 3)),
        hold=float(rng.uniform(5, 20)) if m.kind == "hold" else None,
        # (no faults with several sets: motions.build_timeline's loop variable clash breaks that combination)
        faults=tuple(f for f in m.fault_codes() if rng.random() < 0.2) if sets == 1 else (),
        near_side=["left", "right"][rng.integers(2)], first_side=["left", "right"][rng.integers(2)],
        # A quarter of the clips with a small range (0.3-0.55): some people barely move (a pelvic tilt on real
        # footage is a few pixels of knee and hip motion).
        tempo=float(rng.uniform(0.55, 1.8)),
        range_scale=float(rng.uniform(0.3, 0.55) if rng.random() < 0.25 else rng.uniform(0.55, 1.3)),
        elevation=_elevation(rng),
        distance_scale=float(rng.uniform(0.6, 2.2)), azimuth_offset=float(rng.uniform(-30, 30)),
        body_height=float(rng.uniform(1.5, 1.95)), build=float(rng.uniform(0.8, 1.3)),
        camera_height=["low", "mid", "high"][rng.integers(3)], setup=float(rng.uniform(0.5, 4.0)),
        sets=sets, rest=float(rng.uniform(3, 10)) if sets > 1 or rng.random() < 0.3 else 0.0)
    scene = make_scene(opts)
    # The body's motion does not depend on the camera: film each scripted clip from a few cameras.
    pts = np.stack([np.concatenate([bd.landmarks(), np.array([bd.joints["head"]])]) for bd in scene.bodies])
    feats, labels = [], []
    for k in range(views):
        if k:
            view = views_[rng.choice(len(views_), p=list(VIEW_P.values()))]
            o = replace(opts, view=view, near_side=["left", "right"][rng.integers(2)], elevation=_elevation(rng),
                        camera_height=["low", "mid", "high"][rng.integers(3)],
                        distance_scale=float(rng.uniform(0.6, 2.2)), azimuth_offset=float(rng.uniform(-30, 30)))
            cam = place_camera(pts, o.view, o.width, o.height, near_side=o.near_side, elevation=o.elevation,
                               azimuth_offset=o.azimuth_offset, distance_scale=o.distance_scale,
                               front_azimuth=scene.motion.front_azimuth, camera_height=o.camera_height,
                               feet_azimuth=feet_azimuth(pts))
            scene = replace(scene, options=o, camera=cam)
        f, lab = _windows(scene, label, rng, step)
        feats += f
        labels += lab
    return np.array(feats), labels


def _windows(scene, label, rng, step):
    from posecoach.recognition.features import pose_arrays

    # Far-side limbs: on real footage MediaPipe often folds them onto the near ones (small error, fair
    # visibility), on the avatar they drift far; draw anything between.
    far_lo = float(rng.uniform(1, 12))
    vis_hi = float(rng.uniform(0.2, 0.8))
    noise = LandmarkNoise(jitter_px=float(rng.uniform(0.5, 4)), bias_px=float(rng.uniform(1, 8)), dropout=0.01,
                          far_side=True, far_error_px=(far_lo, far_lo + float(rng.uniform(2, 35))),
                          far_visibility=(0.02, vis_hi), spike=0.002 if rng.random() < 0.5 else 0.0,
                          swap=0.01 if rng.random() < 0.2 else 0.0)
    frames = landmark_frames(scene, noise, seed=int(rng.integers(1 << 30)))
    t, xy, world, vis, aspect = pose_arrays(frames)
    xy, world, vis = augment(xy, world, vis, rng, aspect[0])
    xy, world = one_euro(t, xy, world)
    ok = np.isfinite(xy).all((1, 2))
    desc = np.full((len(t), len(frame_descriptors(xy[:1], world[:1], vis[:1]).T)), np.nan)
    track = np.full((len(t), 13, 2), np.nan)
    desc[ok] = frame_descriptors(xy[ok], world[ok], vis[ok], aspect[ok])
    track[ok] = track_points(xy[ok])
    grid = np.arange(t[0], t[-1], 1.0 / RATE)
    desc, track = resample(t, desc, grid), resample(t, track, grid)
    phases = scene.timeline.phases
    w = int(WINDOW * RATE)
    feats, labels = [], []
    for c in np.arange(WINDOW / 2, grid[-1] - WINDOW / 2 + 1e-9, step):
        i0 = int(round((c - WINDOW / 2) * RATE))
        if i0 + w > len(grid):
            break
        name = next((p["name"] for p in phases if p["start"] <= c < p["end"]), "rest")
        lab = label if name == "exercise" else REST
        # The setup posture of an exercise, still, is rest; a window straddling setup and exercise is the
        # exercise only once most of it is exercise, which the centre rule gives.
        feats.append(window_features(desc[i0:i0 + w], track[i0:i0 + w]))
        labels.append(lab)
    return feats, labels
