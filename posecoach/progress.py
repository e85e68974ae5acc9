"""A dependency-free progress bar on stderr (only when stderr is a terminal, or when forced)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int | None, label: str = "", enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.label = (total or None), label
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.n = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.1 or (self.total and self.n >= self.total)):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.n / max(now - self.t0, 1e-9)
        if self.total:
            frac = min(1.0, self.n / self.total)
            bar = "#" * int(frac * 30)
            eta = (self.total - self.n) / rate if rate > 0 else 0
            msg = f"\r{self.label} [{bar:<30}] {self.n}/{self.total} {rate:5.1f} fps, {eta:4.0f}s left"
        else:
            msg = f"\r{self.label} {self.n} frames {rate:5.1f} fps"
        self.stream.write(msg)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
