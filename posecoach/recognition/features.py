"""What a few seconds of pose say about the exercise: orientation, which joints move, period, angle ranges.

Two stages, so the live loop pays little per frame:

- ``frame_descriptors``: per frame, a fixed-length vector (~60 numbers) from one pose: body orientation (torso
  angle to vertical in the image and in MediaPipe's world frame, which way the chest faces), hip-centred
  torso-scaled positions of the main joints (left/right symmetrised: mean and spread of each pair, so the
  side that moves does not matter), key joint angles (2D and 3D), what is visible / cut off by the frame, and
  last the image positions of hips, shoulders, knees, ankles, wrists and nose in torso lengths.
- ``window_features``: per window of descriptors sampled on a fixed grid (``RATE`` per second): mean (not of the
  image positions) and spread of each descriptor, per-joint motion energy, which joints move against the camera
  (each image position's spread relative to the largest), and the period and strength of the dominant motion
  (autocorrelation of the first principal component of the joint trajectories).

Pure numpy; everything is vectorised over frames.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from posecoach.pose import Landmark as L
from posecoach.pose import PoseFrame

RATE = 10.0  # descriptor samples per second on the window grid
WINDOW = 6.0  # seconds of pose per decision: one slow rep (knee to chest ~7 s) is mostly inside

# Symmetrised pairs (left, right) whose hip-centred positions and motion are described.
_PAIRS = (("ELBOW", L.LEFT_ELBOW, L.RIGHT_ELBOW), ("WRIST", L.LEFT_WRIST, L.RIGHT_WRIST),
          ("KNEE", L.LEFT_KNEE, L.RIGHT_KNEE), ("ANKLE", L.LEFT_ANKLE, L.RIGHT_ANKLE),
          ("FOOT", L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX))
# Joint angles (a, vertex, b) per side: knee, hip, elbow, shoulder.
_ANGLES = (((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)),
           ((L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE)),
           ((L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST)),
           ((L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.RIGHT_HIP, L.RIGHT_SHOULDER, L.RIGHT_ELBOW)))
# Points whose trajectories make the "which joints move" and period features (index into the 13 tracked).
_TRACK = (L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST,
          L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.RIGHT_HIP)
_TRACK_GROUPS = ((0,), (1, 2), (3, 4), (5, 6), (7, 8), (9, 10))  # nose, shoulders, elbows, wrists, knees, ankles
# Joint pairs (and the nose) whose image positions end every descriptor: hips, shoulders, knees, ankles, wrists.
_ABS = (("HIP", L.LEFT_HIP, L.RIGHT_HIP), ("SHOULDER", L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        ("KNEE", L.LEFT_KNEE, L.RIGHT_KNEE), ("ANKLE", L.LEFT_ANKLE, L.RIGHT_ANKLE),
        ("WRIST", L.LEFT_WRIST, L.RIGHT_WRIST))
N_ABS = 2 * (len(_ABS) + 1)  # image x, y of each (the last columns of a descriptor)


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at b (radians / pi, 0..1) for (..., d) points."""
    u, v = a - b, c - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-9)
    return np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def pose_arrays(frames: list[PoseFrame]) -> tuple[np.ndarray, ...]:
    """(times (N,), xy (N,33,2) isotropic y-up, world (N,33,3) y-up, visibility (N,33), aspect (N,)).

    Frames with nobody found get NaN points (and found False)."""
    n = len(frames)
    t = np.array([f.timestamp for f in frames], float)
    xy = np.full((n, 33, 2), np.nan)
    world = np.full((n, 33, 3), np.nan)
    vis = np.zeros((n, 33))
    aspect = np.full(n, 4 / 3)
    for i, f in enumerate(frames):
        p = f.pose
        if p is None:
            continue
        w, h = p.image_size
        aspect[i] = w / h
        xy[i, :, 0] = p.image[:, 0] * (w / h)
        xy[i, :, 1] = -p.image[:, 1]
        xy[i, :, 1] += 1.0  # y up, 0 at the bottom edge
        vis[i] = p.visibility
        if p.world is not None:
            world[i] = p.world * np.array([1.0, -1.0, 1.0])
        else:
            world[i, :, :2] = xy[i]
            world[i, :, 2] = p.image[:, 2]
    return t, xy, world, vis, aspect


def grid_series(frames: list[PoseFrame]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The whole recording on the RATE grid: (grid times (T,), descriptors (T, D), tracked joints (T, 13, 2))."""
    t, xy, world, vis, aspect = pose_arrays(frames)
    if len(t) == 0:
        return np.zeros(0), np.zeros((0, descriptor_size())), np.zeros((0, 13, 2))
    grid = np.arange(t[0], t[-1] + 1e-9, 1.0 / RATE)
    ok = np.isfinite(xy).all((1, 2))
    desc = np.full((len(t), descriptor_size()), np.nan)
    track = np.full((len(t), 13, 2), np.nan)
    if ok.any():
        desc[ok] = frame_descriptors(xy[ok], world[ok], vis[ok], aspect[ok])
        track[ok] = track_points(xy[ok])
    return grid, resample(t, desc, grid), resample(t, track, grid)


def frame_descriptors(xy: np.ndarray, world: np.ndarray, vis: np.ndarray,
                      aspect: np.ndarray | float = 4 / 3) -> np.ndarray:
    """(N, D) per-frame descriptors from (N,33,2) isotropic y-up image points, (N,33,3) y-up world points and
    (N,33) visibility. ``aspect``: frame width / height (to tell points outside the frame)."""
    hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sho = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    torso = sho - hip
    tl = np.linalg.norm(torso, axis=1)
    # Torso length shrinks in head/feet views; the hip-knee length keeps the scale sane there.
    thigh = 0.5 * (np.linalg.norm(xy[:, L.LEFT_KNEE] - xy[:, L.LEFT_HIP], axis=1)
                   + np.linalg.norm(xy[:, L.RIGHT_KNEE] - xy[:, L.RIGHT_HIP], axis=1))
    scale = np.maximum(tl, 0.8 * thigh) + 1e-6
    q = (xy - hip[:, None]) / scale[:, None, None]
    # Mirror so that the body points the same way whichever way it faces the camera: the head to +x when the
    # torso leans, else the nose ahead of the ears.
    ear = 0.5 * (q[:, L.LEFT_EAR] + q[:, L.RIGHT_EAR])
    tq = torso / scale[:, None]
    s = np.where(np.abs(tq[:, 0]) > 0.35, np.sign(tq[:, 0]), np.sign(q[:, L.NOSE, 0] - ear[:, 0]))
    s[s == 0] = 1.0
    q[:, :, 0] *= s[:, None]
    out = [np.abs(tq[:, 0]), tq[:, 1], tl / scale]  # torso direction (unit-ish), foreshortening
    out += [q[:, L.NOSE, 0], q[:, L.NOSE, 1], ear[:, 0] * s, ear[:, 1]]
    sw = np.abs(q[:, L.LEFT_SHOULDER] - q[:, L.RIGHT_SHOULDER])
    hw = np.abs(q[:, L.LEFT_HIP] - q[:, L.RIGHT_HIP])
    out += [sw[:, 0], sw[:, 1], hw[:, 0], hw[:, 1]]
    for _, a, b in _PAIRS:
        m = 0.5 * (q[:, a] + q[:, b])
        d = np.abs(q[:, a] - q[:, b])
        out += [m[:, 0], m[:, 1], d[:, 0], d[:, 1]]
    # The lowest and highest joint relative to the hip (lying vs standing vs all fours, in the image).
    ys = q[:, list(_TRACK), 1]
    out += [ys.min(1), ys.max(1)]
    for left, right in _ANGLES:
        a = _angle(xy[:, left[0]], xy[:, left[1]], xy[:, left[2]])
        b = _angle(xy[:, right[0]], xy[:, right[1]], xy[:, right[2]])
        out += [np.minimum(a, b), np.maximum(a, b)]
    # World frame (MediaPipe's, camera-aligned, y up here): torso verticality and which way the chest faces.
    wh = 0.5 * (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP])
    ws = 0.5 * (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER])
    up = ws - wh
    up /= np.linalg.norm(up, axis=1, keepdims=True) + 1e-9
    r = (world[:, L.LEFT_SHOULDER] - world[:, L.RIGHT_SHOULDER]) + (world[:, L.LEFT_HIP] - world[:, L.RIGHT_HIP])
    front = np.cross(r, up)
    front /= np.linalg.norm(front, axis=1, keepdims=True) + 1e-9
    out += [up[:, 1], front[:, 1], np.abs(front[:, 0]), front[:, 2]]
    for left, right in _ANGLES[:3]:
        a = _angle(world[:, left[0]], world[:, left[1]], world[:, left[2]])
        b = _angle(world[:, right[0]], world[:, right[1]], world[:, right[2]])
        out += [np.minimum(a, b), np.maximum(a, b)]
    # Visibility and framing: feet cut off, far side hidden.
    lower = [L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE]
    upper = [L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_ELBOW, L.RIGHT_ELBOW]
    aspect = np.broadcast_to(np.asarray(aspect, float), (len(xy),))
    inside = ((xy[..., 0] >= 0) & (xy[..., 0] <= aspect[:, None]) & (xy[..., 1] >= 0) & (xy[..., 1] <= 1))
    out += [vis[:, lower].mean(1), vis[:, upper].mean(1), inside[:, lower].mean(1),
            np.abs(vis[:, 11:33:2] - vis[:, 12:33:2]).mean(1)]
    d = np.clip(np.stack(out, axis=1), -6.0, 6.0)
    # Where the main joints are in the image itself, in torso lengths (not hip-centred): only their spread over
    # a window is used (``window_features``), which says what moves against the fixed camera. A push-up moves
    # the hips and knees with the shoulders (the feet are the pivot); a cobra lifts the shoulders off still hips.
    ab = [0.5 * (xy[:, a] + xy[:, b]) for _, a, b in _ABS] + [xy[:, L.NOSE]]
    return np.concatenate([d, np.concatenate(ab, axis=1) / scale[:, None]], axis=1)


def track_points(xy: np.ndarray) -> np.ndarray:
    """(N, 13, 2) tracked joints, hip-centred, torso-scaled, mirrored like the descriptors (for motion)."""
    hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sho = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    thigh = 0.5 * (np.linalg.norm(xy[:, L.LEFT_KNEE] - xy[:, L.LEFT_HIP], axis=1)
                   + np.linalg.norm(xy[:, L.RIGHT_KNEE] - xy[:, L.RIGHT_HIP], axis=1))
    scale = np.maximum(np.linalg.norm(sho - hip, axis=1), 0.8 * thigh) + 1e-6
    # Hips relative to the mean of shoulders and ankles, so a bridge's hip lift shows as hip motion.
    ank = 0.5 * (xy[:, L.LEFT_ANKLE] + xy[:, L.RIGHT_ANKLE])
    ref = np.where(np.isfinite(ank).all(1, keepdims=True), 0.5 * (sho + ank), hip)
    p = (xy[:, list(_TRACK)] - ref[:, None]) / scale[:, None, None]
    return p


@lru_cache(maxsize=1)
def descriptor_size() -> int:
    z = np.zeros((1, 33, 2)) + np.arange(66).reshape(1, 33, 2) * 0.01
    return frame_descriptors(z, np.concatenate([z, z[..., :1]], -1), np.ones((1, 33))).shape[1]


def resample(times: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Values (N, ...) at the grid times: the latest sample at or before each grid time (NaN rows are skipped,
    so a few frames without anybody keep the last pose)."""
    ok = np.isfinite(values.reshape(len(values), -1)).all(1)
    idx = np.flatnonzero(ok)
    out = np.full((len(grid),) + values.shape[1:], np.nan)
    if len(idx) == 0:
        return out
    j = np.searchsorted(times[idx], grid, side="right") - 1
    good = j >= 0
    j = np.clip(j, 0, None)
    # A pose older than 1 s is no pose: the person left.
    good &= grid - times[idx][j] <= 1.0
    out[good] = values[idx][j[good]]
    return out


def window_features(desc: np.ndarray, track: np.ndarray) -> np.ndarray:
    """Features of one window: ``desc`` (T, D) descriptors and ``track`` (T, 13, 2) joints on the RATE grid
    (NaN rows: nobody). Returns (F,)."""
    ok = np.isfinite(desc).all(1) & np.isfinite(track.reshape(len(track), -1)).all(1)
    frac = ok.mean()
    if ok.sum() < 3:
        return np.concatenate([np.zeros(feature_size() - 1), [frac]])
    d = desc[ok]
    tr = track[ok]
    lo, hi = np.percentile(d, [10, 90], axis=0)
    mean = d[:, :-N_ABS].mean(0)  # where the body is in the frame says nothing about the exercise
    # Which joints move against the camera: each one's 90-10 range (x and y) relative to the largest.
    spread = (hi - lo)[-N_ABS:]
    pivot = np.concatenate([spread / (spread.max() + 0.05), [np.log1p(4.0 * spread.max())]])
    # Motion: per-joint speed (torso lengths per second) of lightly smoothed trajectories, symmetrised.
    k = np.array([0.25, 0.5, 0.25])
    sm = tr.copy()
    if len(tr) >= 3:
        sm[1:-1] = k[0] * tr[:-2] + k[1] * tr[1:-1] + k[2] * tr[2:]
    sp = np.linalg.norm(np.diff(sm, axis=0), axis=2).mean(0) * RATE if len(sm) > 1 else np.zeros(13)
    rng_ = np.linalg.norm(np.percentile(tr, 90, axis=0) - np.percentile(tr, 10, axis=0), axis=1)
    energy = []
    for g in _TRACK_GROUPS:
        e, r = sp[list(g)], rng_[list(g)]
        energy += [e.max(), e.min(), r.max(), r.min()]
    energy += [sp[11:13].mean(), rng_[11:13].mean()]
    energy = np.log1p(np.array(energy) * 4.0)
    # Dominant motion: first principal component of the joint trajectories, its share, its period.
    x = tr.reshape(len(tr), -1)
    x = x - x.mean(0)
    per = np.zeros(6)
    load = np.zeros(len(_TRACK_GROUPS))
    tot = float((x * x).sum())
    if tot > 1e-8 and len(x) >= 10:
        _, sv, vt = np.linalg.svd(x, full_matrices=False)
        pc = x @ vt[0]
        share = sv[0] ** 2 / (sv ** 2).sum()
        ac = np.correlate(pc, pc, "full")[len(pc) - 1:]
        ac = ac / (ac[0] + 1e-12) * len(pc) / np.maximum(len(pc) - np.arange(len(pc)), 1)
        lo_lag, hi_lag = int(1.0 * RATE), min(len(pc) - 5, int(5.5 * RATE))
        if hi_lag > lo_lag:
            seg = ac[lo_lag:hi_lag]
            j = int(np.argmax(seg))
            per = np.array([share, seg[j], (lo_lag + j) / RATE / WINDOW, ac[min(len(ac) - 1, int(0.5 * RATE))],
                            np.mean(np.diff(np.sign(pc)) != 0) * RATE, np.abs(pc).max() / (pc.std() + 1e-9) / 3])
        else:
            per[0] = share
        v = np.abs(vt[0]).reshape(13, 2)
        load = np.array([np.linalg.norm(v[list(g)]) for g in _TRACK_GROUPS])
    return np.concatenate([mean, hi - lo, energy, per, load, pivot, [frac]])


@lru_cache(maxsize=1)
def feature_size() -> int:
    return descriptor_size() * 2 - N_ABS + len(_TRACK_GROUPS) * 4 + 2 + 6 + len(_TRACK_GROUPS) + N_ABS + 1 + 1
