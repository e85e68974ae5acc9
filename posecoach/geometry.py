"""Joint angles and distances as plain functions on 2D or 3D points (numpy only).

All 2D functions expect isotropic coordinates (``Pose.xy()``: pixels / frame height, y pointing down).
"""
from __future__ import annotations

import numpy as np


def joint_angle(a, b, c) -> float:
    """Unsigned angle ABC at vertex b, in degrees (0..180).

    angle = arccos( (a-b).(c-b) / (|a-b| |c-b|) )
    """
    ba = np.asarray(a, float) - np.asarray(b, float)
    bc = np.asarray(c, float) - np.asarray(b, float)
    n = np.linalg.norm(ba) * np.linalg.norm(bc)
    if n < 1e-12:
        return float("nan")
    cos = np.clip(np.dot(ba, bc) / n, -1.0, 1.0)
    return float(np.degrees(np.arccos(cos)))


def signed_joint_angle(a, b, c) -> float:
    """Angle ABC in the image plane measured from ray b->a to ray b->c, in degrees (0..360).

    Unlike ``joint_angle`` this does not fold back past 180: a glute bridge pushes the shoulder-hip-knee angle
    past straight, and an unsigned angle would read a high bridge as a low one. Which way is 'positive' depends on
    which way the person faces; callers fix the direction (see ``Body.facing``).
    With y down, the value is atan2 of the cross and dot products of (a-b) and (c-b), mapped to 0..360.
    """
    ba = np.asarray(a, float)[:2] - np.asarray(b, float)[:2]
    bc = np.asarray(c, float)[:2] - np.asarray(b, float)[:2]
    cross = ba[0] * bc[1] - ba[1] * bc[0]
    dot = float(np.dot(ba, bc))
    if abs(cross) < 1e-12 and abs(dot) < 1e-12:
        return float("nan")
    return float(np.degrees(np.arctan2(cross, dot)) % 360.0)


def segment_angle(a, b) -> float:
    """Inclination of segment a->b to the horizontal, in degrees (0 = level, 90 = vertical), direction-free.

    angle = arctan( |dy| / |dx| )
    """
    d = np.asarray(b, float)[:2] - np.asarray(a, float)[:2]
    if np.linalg.norm(d) < 1e-12:
        return float("nan")
    return float(np.degrees(np.arctan2(abs(d[1]), abs(d[0]))))
