"""Progress bars: tqdm on stderr, shown only when stderr is a terminal (or when forced)."""
from __future__ import annotations

import sys

from tqdm import tqdm


def Progress(total: int | None, label: str = "", enabled: bool | None = None, stream=None, unit: str = "frame"):
    """A tqdm bar with ``update(n)``, ``close()`` and the context-manager protocol; ``enabled`` None: only on a
    terminal, so logs and pipes get no carriage-return noise."""
    stream = stream or sys.stderr
    on = stream.isatty() if enabled is None else enabled
    return tqdm(total=total or None, desc=label, unit=unit, file=stream, disable=not on, dynamic_ncols=True,
                leave=True, mininterval=0.2)
