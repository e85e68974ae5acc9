"""Guards shared by the checker's parts against measures that cannot answer."""
from __future__ import annotations

import math


def isnan(v) -> bool:
    """None or NaN: a measure that could not be read from what is visible."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def safe_call(fn, *args):
    """``fn(*args)``, or None when the geometry is degenerate (a spec's posture or variant test must never
    stop the checker; None means "can't tell")."""
    try:
        return fn(*args)
    except (FloatingPointError, ValueError, ZeroDivisionError, IndexError):
        return None
