"""The avatar renderer: numpy sphere tracing of a clothed figure on a wooden floor in front of a wall.

No OpenGL and no extra packages. The figure is a smooth blend of tapered capsules (limbs, neck) and ellipsoids
(pelvis, abdomen, chest, head, nose, ears, hair cap) placed on the body model's joints; short sleeves, trousers,
shoes and skin get their own colours, and eyes, eyebrows and mouth are painted on the head. The floor and wall
are analytic planes, shaded with a soft shadow traced through the figure's distance field. Only pixels inside
the figure's projected box are traced, and rays start at its 3D bounding box, which keeps a 640x480 frame
well under a second on one core.

Colours and light (``Look``) are in ``look.py``, drawn from a seed; per-frame sensor noise is drawn from
(seed, frame index), so a frame renders the same in any worker process.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from posecoach.synth.body import BodyState
from posecoach.synth.camera import Camera
from posecoach.synth.look import HAIR, SHIRT, SHOES, SKIN, TROUSERS, Look, wall_texture, wood_texture

@dataclass
class Primitives:
    """The figure as distance-field pieces (world metres)."""

    cap_a: np.ndarray  # (M, 3)
    cap_b: np.ndarray  # (M, 3)
    cap_ra: np.ndarray  # (M,)
    cap_rb: np.ndarray  # (M,)
    cap_mat: np.ndarray  # (M,) int
    ell_c: np.ndarray  # (E, 3)
    ell_rot: np.ndarray  # (E, 3, 3) columns: ellipsoid axes in world
    ell_r: np.ndarray  # (E, 3) radii along those axes
    ell_mat: np.ndarray  # (E,) int
    head_c: np.ndarray
    head_frame: np.ndarray  # columns f, u, l

    def bounds(self, pad: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
        lo = np.minimum(np.minimum(self.cap_a, self.cap_b).min(0) - max(self.cap_ra.max(), self.cap_rb.max()),
                        (self.ell_c - self.ell_r.max(1, keepdims=True)).min(0))
        hi = np.maximum(np.maximum(self.cap_a, self.cap_b).max(0) + max(self.cap_ra.max(), self.cap_rb.max()),
                        (self.ell_c + self.ell_r.max(1, keepdims=True)).max(0))
        return lo - pad, hi + pad


def body_primitives(body: BodyState) -> Primitives:
    J, F = body.joints, body.frames
    s = body.props.height / 1.70
    w = body.props.build
    caps: list[tuple] = []
    ells: list[tuple] = []

    def cap(a, b, ra, rb, m):
        caps.append((np.asarray(a, float), np.asarray(b, float), ra * s, rb * s, m))

    def ell(c, frame, r, m):
        ells.append((np.asarray(c, float), frame, np.asarray(r, float) * s, m))

    for side in ("l", "r"):
        sh, el, wr = J[f"shoulder_{side}"], J[f"elbow_{side}"], J[f"wrist_{side}"]
        sleeve = sh + 0.55 * (el - sh)  # short sleeve ends half-way down the upper arm
        cap(sh, sleeve, 0.058 * w, 0.052 * w, SHIRT)
        cap(sleeve, el, 0.045 * w, 0.040 * w, SKIN)
        cap(el, wr, 0.038 * w, 0.030 * w, SKIN)
        hand_dir = J[f"index_{side}"] - wr
        cap(wr + 0.1 * hand_dir, wr + 0.75 * hand_dir, 0.030, 0.027, SKIN)  # hand
        cap(J[f"wrist_{side}"] + 0.1 * hand_dir, J[f"thumb_{side}"], 0.014, 0.012, SKIN)
        hip, kn, an = J[f"hip_{side}"], J[f"knee_{side}"], J[f"ankle_{side}"]
        cap(hip, kn, 0.088 * w, 0.060 * w, TROUSERS)
        cap(kn, an, 0.058 * w, 0.042 * w, TROUSERS)
        heel, toe = J[f"heel_{side}"], J[f"foot_index_{side}"]
        Ff = F[f"foot_{side}"]
        up = Ff[:, 1]
        cap(heel + up * 0.035 * s, toe + up * 0.03 * s - (toe - heel) * 0.08, 0.040, 0.032, SHOES)
        cap(an, heel + up * 0.04 * s, 0.043, 0.040, SHOES)
        ell(sh, F["chest"], (0.065 * w, 0.06, 0.065 * w), SHIRT)  # shoulder cap
    Fp, F1, F2, F3 = F["pelvis"], F["lumbar"], F["chest"], F["head"]
    ell(J["pelvis"] + Fp @ np.array([-0.005, -0.015, 0.0]) * s, Fp, (0.115 * w, 0.115, 0.175 * w), TROUSERS)
    ell(J["waist"] + F1 @ np.array([0.0, -0.02, 0.0]) * s, F1, (0.105 * w, 0.13, 0.155 * w), SHIRT)
    chest_c = J["waist"] + (J["neck_base"] - J["waist"]) * 0.52
    ell(chest_c, F2, (0.118 * w, 0.21, 0.175 * w), SHIRT)
    cap(J["neck_base"] - F2[:, 1] * 0.02 * s, J["head"] - F3[:, 1] * 0.06 * s, 0.052, 0.048, SKIN)
    hc = J["head"]
    ell(hc, F3, (0.100, 0.118, 0.082), SKIN)
    ell(hc + F3 @ np.array([0.03, -0.065, 0.0]) * s, F3, (0.075, 0.05, 0.065), SKIN)  # jaw
    ell(J["nose"] - F3[:, 0] * 0.012 * s, F3, (0.022, 0.03, 0.014), SKIN)
    for side in ("l", "r"):
        ell(J[f"ear_{side}"], F3, (0.02, 0.032, 0.012), SKIN)
    ell(hc + F3 @ np.array([-0.018, 0.022, 0.0]) * s, F3, (0.098, 0.112, 0.088), HAIR)  # hair cap
    a = np.array([c[0] for c in caps])
    b = np.array([c[1] for c in caps])
    return Primitives(a, b, np.array([c[2] for c in caps]), np.array([c[3] for c in caps]),
                      np.array([c[4] for c in caps]), np.array([e[0] for e in ells]),
                      np.array([e[1] for e in ells]), np.array([e[2] for e in ells]),
                      np.array([e[3] for e in ells]), hc, F3)


_BLEND = 0.025  # metres over which touching pieces melt into each other (no seams at joints)


def _pieces(prims: Primitives, p: np.ndarray) -> np.ndarray:
    """(N, M+E) distance from each point to each piece."""
    ba = prims.cap_b - prims.cap_a  # (M, 3)
    pa = p[:, None, :] - prims.cap_a[None]  # (N, M, 3)
    h = np.clip(np.einsum("nmk,mk->nm", pa, ba) / np.einsum("mk,mk->m", ba, ba)[None], 0.0, 1.0)
    d_cap = np.linalg.norm(pa - h[..., None] * ba[None], axis=-1) - (prims.cap_ra + (prims.cap_rb - prims.cap_ra) * h)
    q = np.einsum("nek,ekj->nej", p[:, None, :] - prims.ell_c[None], prims.ell_rot) / prims.ell_r[None]
    k0 = np.linalg.norm(q, axis=-1)
    k1 = np.linalg.norm(q / prims.ell_r[None], axis=-1)
    d_ell = k0 * (k0 - 1.0) / np.maximum(k1, 1e-9)
    return np.concatenate([d_cap, d_ell], axis=1)


def sdf(prims: Primitives, p: np.ndarray, hard: bool = False) -> np.ndarray:
    """Smooth union of all pieces (exponential smooth-min), (N,) metres; ``hard``: plain union (cheaper)."""
    d = _pieces(prims, p)
    m = d.min(axis=1)
    if hard:
        return m
    return m - _BLEND * np.log(np.exp(-(d - m[:, None]) / _BLEND).sum(axis=1))


def _materials(prims: Primitives) -> np.ndarray:
    return np.concatenate([prims.cap_mat, prims.ell_mat])


def render_frame(body: BodyState, cam: Camera, look: Look | None = None, wall_distance: float | None = None,
                 noise_seed: int | None = None) -> np.ndarray:
    """One RGB uint8 frame (H, W, 3)."""
    look = look or Look.default()
    W, H = cam.width, cam.height
    prims = body_primitives(body)
    rays = cam.rays()  # (H, W, 3)
    o = cam.position
    L = np.asarray(look.light, float)
    L = L / np.linalg.norm(L)
    lo, hi = prims.bounds()
    image = _backdrop(prims, cam, rays, look, L, lo, hi, wall_distance)

    # The figure: analytic ray casting of every piece inside its own screen box, nearest hit wins.
    zbuf = np.full((H, W), np.inf)
    normal = np.zeros((H, W, 3))
    mat = np.full((H, W), -1)
    for box, hit in _piece_hitters(prims, cam):
        x0, y0, x1, y1 = box
        if x1 <= x0 or y1 <= y0:
            continue
        rd = rays[y0:y1, x0:x1].reshape(-1, 3)
        t, n, m = hit(o, rd)
        t = t.reshape(y1 - y0, x1 - x0)
        closer = t < zbuf[y0:y1, x0:x1]
        zbuf[y0:y1, x0:x1][closer] = t[closer]
        normal[y0:y1, x0:x1][closer] = n.reshape(y1 - y0, x1 - x0, 3)[closer]
        mat[y0:y1, x0:x1][closer] = m
    fig = np.isfinite(zbuf)
    if fig.any():
        rd = rays[fig]
        n = normal[fig]
        p = o[None] + rd * zbuf[fig][:, None]
        mats = mat[fig]
        base = np.array([look.colour(m) for m in range(5)])[mats]
        base = _paint_face(prims, p, base, mats)
        diff = np.clip(n @ L, 0.0, 1.0)
        view = np.clip(-(n * rd).sum(1), 0.0, 1.0)
        light = look.ambient + (1.0 - look.ambient) * (0.7 * diff + 0.3 * view)
        # The figure shades itself a little where pieces are close behind (armpits, between the legs).
        image[fig] = base * light[:, None]
    img = np.clip(image, 0.0, 1.0) * 255.0
    img = cv2.GaussianBlur(img, (0, 0), 0.6)  # soften the aliased silhouettes, as a lens would
    if look.noise and noise_seed is not None:
        img = img + np.random.default_rng(noise_seed).normal(0.0, look.noise, img.shape)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def _backdrop(prims: Primitives, cam: Camera, rays: np.ndarray, look: Look, L: np.ndarray, lo: np.ndarray,
              hi: np.ndarray, wall_distance: float | None) -> np.ndarray:
    """Floor (y = 0) and a wall behind the figure, square to the camera's view, with the figure's shadow."""
    H, W = rays.shape[:2]
    o = cam.position
    fwd = cam.rotation[2].copy()
    fwd[1] = 0.0
    fwd /= np.linalg.norm(fwd)
    corners = _box_corners(lo, hi)
    far = float(((corners - o) @ fwd).max())
    wall_d = far + (wall_distance if wall_distance is not None else 0.9)
    r = rays.reshape(-1, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(r[:, 1] < -1e-6, -o[1] / r[:, 1], np.inf)
        t_wall = np.where(r @ fwd > 1e-6, wall_d / (r @ fwd), np.inf)
    is_floor = t_floor <= t_wall
    P = o[None] + r * np.minimum(t_floor, t_wall)[:, None]
    colour = np.empty((r.shape[0], 3))
    colour[is_floor] = wood_texture(P[is_floor], np.asarray(look.floor))
    colour[~is_floor] = wall_texture(P[~is_floor], np.asarray(look.wall))
    nrm = np.where(is_floor[:, None], np.array([0.0, 1.0, 0.0]), -fwd[None])
    lam = np.clip(nrm @ L, 0.0, 1.0)
    # Shadow and contact darkening on a coarse grid (they are soft anyway), then smoothly upsampled.
    step = 6
    ys, xs = np.arange(step // 2, H, step), np.arange(step // 2, W, step)
    gi = (ys[:, None] * W + xs[None, :]).ravel()
    Pg, ng = P[gi], nrm[gi]
    near = np.all((Pg > lo - 0.5) & (Pg < hi + 0.5), axis=1)
    sh = np.ones(gi.size)
    if near.any():
        q = Pg[near] + ng[near] * 0.002
        ao = np.clip(sdf(prims, q + ng[near] * 0.01, hard=True) / 0.2, 0.0, 1.0)
        sh[near] = _soft_shadow(prims, q, L) * (0.6 + 0.4 * ao)
    sh = cv2.resize(sh.reshape(ys.size, xs.size).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    sh = sh.reshape(-1)
    shade = look.ambient * (0.7 + 0.3 * sh) + (1.0 - look.ambient) * lam * sh
    return (colour * shade[:, None]).reshape(H, W, 3)


def _box_corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The eight corners of the axis-aligned box from ``lo`` to ``hi``, (8, 3)."""
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])


def _screen_box(cam: Camera, lo: np.ndarray, hi: np.ndarray) -> tuple[int, int, int, int]:
    corners = _box_corners(lo, hi)
    uv, z = cam.project(corners)
    if (z <= 0.05).any():
        return 0, 0, cam.width, cam.height
    x0, y0 = np.floor(uv.min(0)).astype(int) - 1
    x1, y1 = np.ceil(uv.max(0)).astype(int) + 2
    return max(x0, 0), max(y0, 0), min(x1, cam.width), min(y1, cam.height)


def _piece_hitters(prims: Primitives, cam: Camera):
    """(screen box, hit function) per piece; hit(o, rays) -> (t or inf, normals, material)."""
    for a, b, ra, rb, m in zip(prims.cap_a, prims.cap_b, prims.cap_ra, prims.cap_rb, prims.cap_mat):
        # A tapered limb as two capsules: the thick half and the thin half.
        mid = (a + b) / 2.0
        for pa, pb, r in ((a, mid, 0.75 * ra + 0.25 * rb), (mid, b, 0.25 * ra + 0.75 * rb)):
            box = _screen_box(cam, np.minimum(pa, pb) - r, np.maximum(pa, pb) + r)
            yield box, (lambda o, rd, pa=pa, pb=pb, r=r, m=m: (*_hit_capsule(o, rd, pa, pb, r), m))
    for c, R, rad, m in zip(prims.ell_c, prims.ell_rot, prims.ell_r, prims.ell_mat):
        box = _screen_box(cam, c - rad.max(), c + rad.max())
        yield box, (lambda o, rd, c=c, R=R, rad=rad, m=m: (*_hit_ellipsoid(o, rd, c, R, rad), m))


def _hit_capsule(o: np.ndarray, rd: np.ndarray, a: np.ndarray, b: np.ndarray, r: float):
    """Nearest ray-capsule hit (Quilez's closed form), vectorised over rays; inf where missed."""
    ba = b - a
    oa = o - a
    baba = ba @ ba
    bard = rd @ ba
    baoa = oa @ ba
    rdoa = rd @ oa
    oaoa = oa @ oa
    A = baba - bard * bard
    B = baba * rdoa - baoa * bard
    C = baba * oaoa - baoa * baoa - r * r * baba
    h = B * B - A * C
    t = np.full(rd.shape[0], np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        tb = (-B - np.sqrt(np.maximum(h, 0.0))) / A
        y = baoa + tb * bard
        body = (h >= 0) & (y > 0) & (y < baba) & (tb > 0)
        t[body] = tb[body]
        # the round ends
        oc = np.where((y <= 0)[:, None], oa[None], (o - b)[None])
        bb = (rd * oc).sum(1)
        cc = (oc * oc).sum(1) - r * r
        hh = bb * bb - cc
        te = -bb - np.sqrt(np.maximum(hh, 0.0))
        ends = (~body) & (h >= 0) & (hh > 0) & (te > 0)
    t[ends] = te[ends]
    p = o[None] + rd * np.where(np.isfinite(t), t, 0.0)[:, None]
    k = np.clip(((p - a) @ ba) / baba, 0.0, 1.0)
    n = p - (a[None] + k[:, None] * ba[None])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)
    return t, n


def _hit_ellipsoid(o: np.ndarray, rd: np.ndarray, c: np.ndarray, R: np.ndarray, rad: np.ndarray):
    ro = ((o - c) @ R) / rad
    rl = (rd @ R) / rad[None]
    A = (rl * rl).sum(1)
    B = rl @ ro
    C = ro @ ro - 1.0
    h = B * B - A * C
    t = np.full(rd.shape[0], np.inf)
    with np.errstate(invalid="ignore"):
        tt = (-B - np.sqrt(np.maximum(h, 0.0))) / A
    ok = (h >= 0) & (tt > 0)
    t[ok] = tt[ok]
    q = ro[None] + rl * np.where(ok, tt, 0.0)[:, None]
    n = (q / rad[None]) @ R.T
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)
    return t, n


def _soft_shadow(prims: Primitives, p: np.ndarray, L: np.ndarray, steps: int = 12, k: float = 8.0) -> np.ndarray:
    """Penumbra estimate by marching toward the light (Quilez's soft shadows); 1 lit, ~0.3 fully shaded."""
    res = np.ones(p.shape[0])
    t = np.full(p.shape[0], 0.02)
    for _ in range(steps):
        h = sdf(prims, p + L[None] * t[:, None], hard=True)
        res = np.minimum(res, k * h / t)
        t += np.clip(h, 0.02, 0.25)
    return 0.3 + 0.7 * np.clip(res, 0.0, 1.0)


def _paint_face(prims: Primitives, p: np.ndarray, base: np.ndarray, mats: np.ndarray) -> np.ndarray:
    """Eyes, eyebrows and a mouth painted on the front of the head (head-frame coordinates decide)."""
    skin = mats == SKIN
    if not skin.any():
        return base
    q = (p - prims.head_c[None]) @ prims.head_frame  # (f, u, l) in metres
    front = q[:, 0] > 0.05
    out = base.copy()
    for side in (1.0, -1.0):
        eye = front & skin & ((q[:, 1] - 0.025) ** 2 / 0.011 ** 2 + (q[:, 2] - side * 0.033) ** 2 / 0.016 ** 2 < 1)
        pupil = eye & ((q[:, 1] - 0.025) ** 2 + (q[:, 2] - side * 0.033) ** 2 < 0.0065 ** 2)
        out[eye] = (0.95, 0.95, 0.95)
        out[pupil] = (0.1, 0.07, 0.05)
        brow = front & skin & (np.abs(q[:, 1] - 0.047) < 0.0055) & (np.abs(q[:, 2] - side * 0.035) < 0.02)
        out[brow] = (0.18, 0.12, 0.08)
    mouth = front & skin & (np.abs(q[:, 1] + 0.05) < 0.006) & (np.abs(q[:, 2]) < 0.024)
    out[mouth] = (0.6, 0.22, 0.2)
    return out
