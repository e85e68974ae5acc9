"""SignalsAsInterrupt and DeferredSignals (posecoach/interrupts.py): real signals sent to this process."""
from __future__ import annotations

import os
import signal

import pytest

from posecoach.interrupts import DeferredSignals, Interrupted, SignalsAsInterrupt

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


def test_sigterm_raises_interrupted_with_its_name():
    with pytest.raises(Interrupted) as e, SignalsAsInterrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between bytecodes
            pass
    assert e.value.signal_name == "SIGTERM"


def test_a_deferred_signal_lets_the_block_finish_then_acts():
    done = []
    with pytest.raises(Interrupted) as e, SignalsAsInterrupt():
        with DeferredSignals() as deferred:
            os.kill(os.getpid(), signal.SIGHUP)
            for _ in range(1000):
                pass
            done.append("made")  # not cut in two
            assert deferred.fired == [signal.SIGHUP]
            done.append("undone")  # the block may clean up before the signal acts
        done.append("never")  # delivered at the end of the block
    assert done == ["made", "undone"] and e.value.signal_name == "SIGHUP"


def test_ctrl_c_is_deferred_too_and_handlers_are_restored():
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        with DeferredSignals() as deferred:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
            assert deferred.fired == [signal.SIGINT]
    assert signal.getsignal(signal.SIGINT) is before


def test_nothing_happens_without_a_signal():
    with DeferredSignals() as deferred:
        pass
    assert deferred.fired == []


def test_a_signal_ignored_before_stays_ignored():
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a batch worker does
    try:
        with DeferredSignals() as deferred:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        assert deferred.fired == [] and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, old)


def test_an_interrupt_already_unwinding_is_not_replaced():
    with pytest.raises(Interrupted) as e, SignalsAsInterrupt():
        with DeferredSignals():
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C noted while a SIGTERM is on its way out
            for _ in range(1000):
                pass
            raise Interrupted("SIGTERM")
    assert e.value.signal_name == "SIGTERM"


def test_outside_the_main_thread_nothing_is_deferred():
    import threading

    seen = []

    before = signal.getsignal(signal.SIGTERM)

    def run():  # signal.signal() would raise here (main thread only), and ``seen`` stay empty
        with DeferredSignals() as deferred:
            seen.append((deferred.fired, signal.getsignal(signal.SIGTERM)))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [([], before)]
