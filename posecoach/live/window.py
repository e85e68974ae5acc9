"""The window a live session is shown in, and its keyboard: the one place that talks to OpenCV's HighGUI.

Without a display (``shown=False``) the same object is a quiet stand-in, so the loop needs no branches; a
``keys`` callable can stand in for the keyboard in tests.
"""
from __future__ import annotations

from posecoach.errors import EXIT_DEVICE, PosecoachError

import os
import sys
import time

KEYS_HELP = "N next | R reset | C count | M mute | Q quit"

# Key -> what the coach should do. p / space: pause and resume; n: next set or exercise; r: reset the set;
# c: say the rep count; m: mute or unmute; q / Esc: quit (the summary is still shown).
COMMANDS = {ord("q"): "quit", 27: "quit", ord("p"): "pause", ord(" "): "pause", ord("n"): "next",
            ord("r"): "reset", ord("c"): "count", ord("m"): "mute"}

# Small camera frames are enlarged to this height before drawing, so the overlay's text stays crisp on screen.
DISPLAY_HEIGHT = 720


class DisplayError(PosecoachError, RuntimeError):
    exit_code = EXIT_DEVICE
    pass


def check_display() -> None:
    """HighGUI aborts the whole process (Qt: exit 134) without a usable display; fail with a clear line instead.

    On X11 the display is actually opened once (libX11 through ctypes), because a stale DISPLAY is as fatal to
    Qt as a missing one.
    """
    if not sys.platform.startswith("linux"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise DisplayError("no display to show the window on (DISPLAY is not set); run with --no-display, "
                           "or under Xvfb")
    if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("X11")
        if not name:
            return  # cannot check without libX11; Qt will have its own say
        x11 = ctypes.CDLL(name)
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        handle = x11.XOpenDisplay(None)
        if not handle:
            raise DisplayError(f"cannot open the display {os.environ['DISPLAY']}; run with --no-display, "
                               "or under Xvfb")
        x11.XCloseDisplay(handle)


def _quiet_qt_fonts() -> None:
    """OpenCV's Qt HighGUI warns on every window that its bundled font folder is missing; point it at the
    system's fonts instead (only when the user has not chosen a folder)."""
    if "QT_QPA_FONTDIR" in os.environ:
        return
    for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype", "/usr/share/fonts"):
        if os.path.isdir(d):
            os.environ["QT_QPA_FONTDIR"] = d
            return


def command_for(key: int | None) -> str | None:
    """The command a key code asks for (see COMMANDS), or None for no key or an unbound one."""
    if key is None or key < 0:
        return None
    return COMMANDS.get(key & 0xFF)


class LiveWindow:
    """The session's window: showing pictures, reading keys, noticing its close button, and pacing a file that
    stands in for a camera (``pace``) to its own clock."""

    def __init__(self, name: str, *, shown: bool = True, keys=None, pace: bool = False):
        self.name, self.shown, self.keys = name, shown, keys
        self._pace = pace
        self._pace_t0: float | None = None
        self._mapped = False  # the window has been seen on screen (only then can it have been closed)

    def open(self) -> None:
        if not self.shown:
            return
        import cv2

        _quiet_qt_fonts()
        self._mapped = False
        # No toolbar or status bar: the picture is the interface; the window can still be resized.
        cv2.namedWindow(self.name, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)

    def pace(self, timestamp: float, now: float) -> None:
        """Wait until a frame is due, so a file plays at its own speed, as a camera would."""
        if not self._pace:
            return
        if self._pace_t0 is None:
            self._pace_t0 = now - timestamp  # the clock starts with the first frame, not the model load
        wait = timestamp - (now - self._pace_t0)
        if wait > 0:
            time.sleep(min(wait, 1.0))

    def fit(self, img):
        """The picture to draw on: enlarged to DISPLAY_HEIGHT when shown and smaller than that."""
        if not self.shown or img.shape[0] >= DISPLAY_HEIGHT:
            return img
        import cv2

        k = DISPLAY_HEIGHT / img.shape[0]
        return cv2.resize(img, (int(round(img.shape[1] * k)), DISPLAY_HEIGHT), interpolation=cv2.INTER_LINEAR)

    def show(self, img, n: int) -> None:
        """Show the n-th picture (from 1); the window takes the first one's size."""
        if not self.shown:
            return
        import cv2

        if n == 1:
            cv2.resizeWindow(self.name, img.shape[1], img.shape[0])
        cv2.imshow(self.name, img)

    def read_command(self, n: int) -> str | None:
        """The command for the key pressed after the n-th picture, if any (HighGUI also draws while it waits)."""
        return command_for(self._read_key(n))

    def read_key(self, n: int) -> int:
        """The raw key code pressed after the n-th picture (-1: none), for callers with keys of their own
        (the programme session's pain ratings and corrections)."""
        return self._read_key(n)

    def _read_key(self, n: int) -> int:
        if self.keys is not None:
            k = self.keys(n)
            if self.shown:
                import cv2

                cv2.waitKey(1)
            return k
        if not self.shown:
            return -1
        import cv2

        return cv2.waitKey(1)

    def closed(self, n: int) -> bool:
        """Whether the window's close button was used: it was on screen, and is not any more. A window not yet on
        screen is not closed: the window system maps it a while after the first picture, and on a loaded machine
        that took more than one frame (CI saw a session end as "window closed" before its first picture)."""
        if not self.shown or n <= 1:
            return False
        import cv2

        visible = cv2.getWindowProperty(self.name, cv2.WND_PROP_VISIBLE) >= 1
        self._mapped = self._mapped or visible
        return self._mapped and not visible

    def close(self, summary=None, seconds: float = 0.0) -> None:
        """Show the summary card for ``seconds`` (or until a key, unless keys are scripted), then close the window."""
        if not self.shown:
            return
        try:
            import cv2

            if summary is not None and seconds > 0:
                cv2.imshow(self.name, summary)
                t_end = time.perf_counter() + seconds
                while time.perf_counter() < t_end:
                    if cv2.waitKey(50) >= 0 and self.keys is None:
                        break
            cv2.destroyAllWindows()
        except Exception:
            pass
