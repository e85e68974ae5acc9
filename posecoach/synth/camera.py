"""A pinhole camera placed around the exerciser, at a distance that frames the motion.

Views: side, oblique, front, and along the body's long axis from the feet end or the head end (``feet`` /
``head``). Camera height is an elevation angle: the default (mid) or ``low`` / ``high``, resolved per posture
because "low" means a phone on the floor for floor work but about hip height for a standing person.

The camera frame is x right, y down, z forward (OpenCV's convention), so projecting gives pixel coordinates
directly and the depth is z. Placement works from the whole clip's joints, so the person stays in the frame
for every rep, and the same (view, seed) always gives the same camera.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VIEWS = ("side", "oblique", "front", "feet", "head")
_VIEW_AZIMUTH = {"side": 90.0, "oblique": 45.0, "front": 0.0}
AXIS_VIEWS = ("feet", "head")  # placed from the body's own axis, not from the motion's front
CAMERA_HEIGHTS = ("low", "mid", "high")
# Degrees the camera looks down at the motion's centre, (floor work, standing). mid = the historical defaults.
# low: a phone on the floor (floor work) or on a low stool looking slightly up (standing); high: a shelf or a
# tripod at full height, looking down.
_ELEVATION = {"low": (3.0, -4.0), "mid": (14.0, 6.0), "high": (35.0, 25.0)}


@dataclass(frozen=True)
class Camera:
    position: np.ndarray  # (3,) world metres
    rotation: np.ndarray  # (3, 3) rows: camera x (right), y (down), z (forward) axes in world coordinates
    focal: float  # pixels
    width: int
    height: int

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) -> camera frame (..., 3)."""
        return (np.asarray(points, float) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> pixel coordinates (..., 2) and depth (...) in metres."""
        c = self.to_camera(points)
        z = c[..., 2]
        uv = np.stack([c[..., 0] / z * self.focal + self.width / 2.0,
                       c[..., 1] / z * self.focal + self.height / 2.0], axis=-1)
        return uv, z

    def rays(self) -> np.ndarray:
        """(H, W, 3) unit ray directions in world coordinates through pixel centres."""
        xs = (np.arange(self.width) + 0.5 - self.width / 2.0) / self.focal
        ys = (np.arange(self.height) + 0.5 - self.height / 2.0) / self.focal
        X, Y = np.meshgrid(xs, ys)
        d = np.stack([X, Y, np.ones_like(X)], axis=-1) @ self.rotation
        return d / np.linalg.norm(d, axis=-1, keepdims=True)

    def to_dict(self) -> dict:
        return {"position": np.round(self.position, 5).tolist(), "rotation": np.round(self.rotation, 6).tolist(),
                "focal": round(self.focal, 4), "width": self.width, "height": self.height}


def look_at(position: np.ndarray, target: np.ndarray) -> np.ndarray:
    fwd = np.asarray(target, float) - np.asarray(position, float)
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 1.0, 0.0])  # y up in the world, so this points to the image's right
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    return np.stack([right, down, fwd])


def place_camera(points: np.ndarray, view: str = "side", width: int = 640, height: int = 480,
                 near_side: str = "left", azimuth_offset: float = 0.0, elevation: float | None = None,
                 fill: float = 0.78, distance_scale: float = 1.0, front_azimuth: float = 0.0,
                 vfov: float = 50.0, camera_height: str = "mid", feet_azimuth: float | None = None) -> Camera:
    """A camera that sees every point of the clip (``points``: (..., 3) world joints over all frames).

    view: side (looking across the body from ``near_side``), oblique (45 degrees between side and front),
    front (from the +X end, turned by the motion's ``front_azimuth``), feet / head (looking along the body
    from its feet end / head end; ``feet_azimuth``: horizontal direction from the hips to the feet in degrees
    about Y, None when the body is upright, where the axis is vertical and feet means front, head means from
    behind). elevation: degrees the camera looks down; None takes ``camera_height`` (low / mid / high, see
    ``_ELEVATION``). fill: fraction of the frame the motion's extent spans; distance_scale > 1 moves the camera
    back (a smaller person).
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose from {', '.join(VIEWS)}")
    if camera_height not in _ELEVATION:
        raise ValueError(f"unknown camera height {camera_height!r}; choose from {', '.join(CAMERA_HEIGHTS)}")
    pts = np.asarray(points, float).reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    target = (lo + hi) / 2.0
    standing = (hi[1] - lo[1]) > 1.2
    if elevation is None:
        elevation = _ELEVATION[camera_height][1 if standing else 0]
    if view in AXIS_VIEWS:
        # Along the body: from where the feet point (or the opposite end). Upright, the axis is vertical, so the
        # feet end falls back to the front and the head end to behind (a camera cannot stand under the feet).
        base = front_azimuth if feet_azimuth is None else feet_azimuth
        az_rad = np.radians(base + (180.0 if view == "head" else 0.0) + azimuth_offset)
        horiz = np.array([np.cos(az_rad), 0.0, np.sin(az_rad)])
    else:
        az = _VIEW_AZIMUTH[view]
        # The body's left is -Z: a camera on the left side stands at -Z.
        sign = -1.0 if near_side == "left" else 1.0
        az_rad = np.radians(front_azimuth + az * 1.0 + azimuth_offset)
        horiz = np.array([np.cos(az_rad), 0.0, sign * np.sin(az_rad)])
    el = np.radians(elevation)
    direction = np.array([horiz[0] * np.cos(el), np.sin(el), horiz[2] * np.cos(el)])
    focal = height / 2.0 / np.tan(np.radians(vfov) / 2.0)
    def span_at(d: float) -> float:
        cam = Camera(target + direction * d, look_at(target + direction * d, target), focal, width, height)
        uv, z = cam.project(pts)
        if z.min() < 0.2:  # a point at or behind the lens: nothing frames it
            return np.inf
        return max((uv[:, 0].max() - uv[:, 0].min()) / width, (uv[:, 1].max() - uv[:, 1].min()) / height)

    dist = 3.0
    for _ in range(6):  # rescale the distance until the projected extent fills the frame as asked
        cam = Camera(target + direction * dist, look_at(target + direction * dist, target), focal, width, height)
        uv, _ = cam.project(pts)
        span = max((uv[:, 0].max() - uv[:, 0].min()) / width, (uv[:, 1].max() - uv[:, 1].min()) / height)
        dist *= span / fill
    if not 0.8 * fill < span_at(dist) < 1.2 * fill:
        # Looking along a long body (feet / head views, a bird dog's arm reaching at the lens), depth spread makes
        # that proportional update oscillate; the span falls monotonically with distance, so bisect instead.
        # Only when the old update failed, so every camera it placed well stays exactly where it was.
        lo, hi = 0.3, 60.0
        for _ in range(60):
            mid = np.sqrt(lo * hi)
            lo, hi = (mid, hi) if span_at(mid) > fill else (lo, mid)
        dist = hi
    # Nothing nearer the lens than 1.2 m (people put the phone beyond a reaching hand or their feet): end-on, the
    # person is then smaller than ``fill``. Side views never come this close, so their cameras do not move.
    while Camera(target + direction * dist, look_at(target + direction * dist, target), focal, width,
                 height).project(pts)[1].min() < 1.2:
        dist += 0.05
    dist *= distance_scale
    pos = target + direction * dist
    cam = Camera(pos, look_at(pos, target), focal, width, height)
    # Re-centre the projected extent (the target is the 3D box centre, not the 2D one).
    uv, _ = cam.project(pts)
    cx, cy = (uv[:, 0].min() + uv[:, 0].max()) / 2.0, (uv[:, 1].min() + uv[:, 1].max()) / 2.0
    shift = cam.rotation.T @ np.array([(cx - width / 2.0) / focal, (cy - height / 2.0) / focal, 0.0])
    target2 = target + shift * dist
    return Camera(pos, look_at(pos, target2), focal, width, height)
