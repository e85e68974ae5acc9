"""SIGTERM and SIGHUP end a command the way Ctrl+C does, so the same ``finally`` blocks finish or remove what
was being written, instead of the process dying with half a file on disk and no word (exit 143).

    with SignalsAsInterrupt():
        ...   # SIGTERM / SIGHUP raise Interrupted (a KeyboardInterrupt) here, in the main thread

The first signal raises; repeats while the command cleans up are ignored, so a second ``kill`` cannot cut the
clean-up short and leave a temporary file behind (SIGKILL still ends the process, and Ctrl+C is left alone).
"""
from __future__ import annotations

import signal
import threading


class Interrupted(KeyboardInterrupt):
    """A terminating signal, raised like Ctrl+C's KeyboardInterrupt; ``signal_name`` says which."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


class SignalsAsInterrupt:
    """Within the block, SIGTERM and SIGHUP raise ``Interrupted`` (main thread only; elsewhere a no-op)."""

    def __enter__(self):
        self._old = {}
        self._fired = False
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if sig is not None:
                    self._old[sig] = signal.signal(sig, self._raise)
        return self

    def _raise(self, signum, frame):
        if self._fired:
            return
        self._fired = True
        raise Interrupted(signal.Signals(signum).name)

    def __exit__(self, *exc):
        for sig, handler in self._old.items():
            signal.signal(sig, handler)


class DeferredSignals:
    """Within the block, Ctrl+C, SIGTERM and SIGHUP wait: they are noted, and delivered again (to whatever handled
    them before, in the order they came; the first that raises ends the delivery) when the block ends. For short
    native sections that must not be cut in two: MediaPipe builds its graph partly from Python, so a
    KeyboardInterrupt raised half-way leaves its threads starting up after posecoach has put stderr back, and their
    log lines reach the terminal (seen in CI: "INFO: Created TensorFlow Lite XNNPACK delegate" after "posecoach:
    interrupted by SIGTERM"). A signal ignored before (SIG_IGN: a batch worker ignores Ctrl+C) stays ignored. While
    an interrupt is already unwinding through the block, a signal noted meanwhile is dropped rather than replace it
    (the command is ending anyway, and its message names the first signal). ``fired``: the signals noted. Main
    thread only; elsewhere a no-op."""

    def __enter__(self):
        self._old = {}
        self.fired: list[int] = []
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:
                    self._old[sig] = signal.signal(sig, self._note)
        return self

    def _note(self, signum, frame):
        self.fired.append(signum)

    def __exit__(self, exc_type, exc, tb):
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            return
        for signum in dict.fromkeys(self.fired):  # each signal once, in the order they came
            signal.raise_signal(signum)
