"""One line saying which machine a benchmark ran on, for every results file in bench/results/."""
from __future__ import annotations

import os
import platform


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe() -> str:
    """OS, cores, CPU, memory, Python and the versions that decide the figures (mediapipe, opencv, numpy)."""
    import cv2
    import mediapipe
    import numpy

    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = next((l.split(":", 1)[1].strip() for l in f if l.startswith("MemTotal")), "?")
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores ({cpu_name()}), "
            f"{mem} RAM, Python {platform.python_version()}, mediapipe {mediapipe.__version__}, "
            f"opencv {cv2.__version__}, numpy {numpy.__version__}")
