"""The live coaching loop: camera (or a file standing in for one) -> pose -> checker -> overlay -> window.

A routine is a list of exercises, each done for ``sets`` sets with a rest countdown between them. A set ends
when its target is reached (reps, or hold time for hold exercises), or on the 'next' key. Keys in the window:

    p / space  pause and resume        n  next set / exercise       r  reset the current set
    c          say the rep count       m  mute / unmute voice       q / Esc  quit (shows the summary)

What the person did is never lost: every event is appended to ``events.jsonl`` in the session folder as it
happens (flushed per line), the recording (if asked for) is finalised in a ``finally``, and ``summary.json`` is
written on a normal end, on the quit key, on Ctrl+C and when the camera drops out; a set that is reset is kept
in the summary, marked as reset. The end-of-session summary is shown in the window and saved.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.pose import PoseFrame
from posecoach.sources import Camera, Prefetch, SourceError, open_source

KEYS_HELP = "N next | R reset | C count | M mute | Q quit"


class DisplayError(RuntimeError):
    pass


@dataclass
class LiveResult:
    session_dir: Path
    frames: int = 0
    seconds: float = 0.0
    fps: float = 0.0
    # end of source | quit key | window closed | interrupted | camera dropped | time limit | routine done | error
    ended_by: str = "end of source"
    summary: dict = field(default_factory=dict)
    sets: list = field(default_factory=list)  # one dict per set (exercise, set, reps, hold_seconds, ...)


def sessions_root() -> Path:
    env = os.environ.get("POSECOACH_SESSIONS")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "posecoach" / "sessions"


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


class _SignalsAsInterrupt:
    """SIGTERM and SIGHUP (a closed terminal, `kill`) end the session like Ctrl+C does, so the recording is
    finalised and the summary written instead of the process dying mid-file."""

    def __enter__(self):
        import signal
        import threading

        self._old = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if sig is not None:
                    self._old[sig] = signal.signal(sig, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        import signal

        for sig, handler in self._old.items():
            signal.signal(sig, handler)


def _event_record(ev) -> dict:
    d = asdict(ev) if hasattr(ev, "__dataclass_fields__") else {"value": str(ev)}
    d["type"] = type(ev).__name__
    return d


def _quiet_qt_fonts() -> None:
    """OpenCV's Qt HighGUI warns on every window that its bundled font folder is missing; point it at the
    system's fonts instead (only when the user has not chosen a folder)."""
    if "QT_QPA_FONTDIR" in os.environ:
        return
    for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype", "/usr/share/fonts"):
        if os.path.isdir(d):
            os.environ["QT_QPA_FONTDIR"] = d
            return


class _LoopedSource:
    """A file standing in for a camera, replayed until the session ends; index and time keep counting up."""

    def __init__(self, source):
        self.source = source
        self.fps = getattr(source, "fps", 30.0) or 30.0

    def __iter__(self):
        from posecoach.sources import Frame

        index, offset = 0, 0.0
        while True:
            last_t, n = 0.0, 0
            for f in self.source:
                yield Frame(f.image, index, offset + f.timestamp, mirrored=f.mirrored)
                index += 1
                n += 1
                last_t = f.timestamp
            if n == 0:
                return
            offset += last_t + 1.0 / self.fps


class _MirroredSource:
    """A file standing in for a selfie camera: each image flipped, and marked so the estimator un-mirrors the
    landmarks (as Camera(mirror=True) does)."""

    def __init__(self, source):
        self.source = source
        self.fps = getattr(source, "fps", 30.0)

    def __iter__(self):
        import cv2

        from posecoach.sources import Frame

        for f in self.source:
            yield Frame(cv2.flip(f.image, 1), f.index, f.timestamp, mirrored=True)


def set_complete(fb, kind: str) -> bool:
    """Whether a set has reached its target, from the checker's latest Feedback."""
    if fb is None:
        return False
    if kind == "hold" or fb.target_reps is None:
        return bool(fb.target_hold) and fb.hold_total >= fb.target_hold
    return bool(fb.target_reps) and fb.reps >= fb.target_reps


class _Routine:
    """Which exercise and set is current, and the checker for it; a set's result is kept when it ends."""

    def __init__(self, exercises: list[str], sets: int, reps: int | None = None, hold: float | None = None):
        from posecoach.exercises import get_exercise, make_checker

        self.specs = [get_exercise(e) for e in exercises]
        self.sets = max(1, int(sets))
        self.reps, self.hold = reps, hold
        self._make = make_checker
        self.ex_i, self.set_i = 0, 1
        self.checker = self._new_checker()
        self.done: list[dict] = []

    def _new_checker(self):
        """A checker for the current exercise, with the routine's per-set targets where they apply."""
        over = {}
        if self.reps is not None and self.spec.kind != "hold":
            over["target_reps"] = self.reps
        if self.hold is not None and self.spec.target_hold is not None:
            over["target_hold"] = self.hold
        return self._make(self.spec.id, **over)

    @property
    def spec(self):
        return self.specs[self.ex_i]

    def title(self) -> str:
        t = self.spec.name
        if self.sets > 1:
            t += f" - set {self.set_i}/{self.sets}"
        if len(self.specs) > 1:
            t += f" ({self.ex_i + 1}/{len(self.specs)})"
        return t

    def close_set(self, frames: int, how: str) -> dict:
        from posecoach.exercises import report_dict

        res = self.checker.finish()
        d = report_dict(res, frames=frames, fps=0.0, duration=0.0)
        rec = {"exercise": self.spec.id, "name": self.spec.name, "set": self.set_i, "ended": how,
               "reps": d["reps"], "partial_reps": d["partial_reps"], "hold_seconds": d["hold_seconds"],
               "target_reps": self.checker.spec.target_reps, "target_hold": self.checker.spec.target_hold,
               "faults": d["faults"], "rep_events": d["rep_events"], "holds": d["holds"]}
        self.done.append(rec)
        return rec

    def next_label(self) -> str | None:
        """What comes after the current set, or None when the routine is over."""
        if self.set_i < self.sets:
            return f"{self.spec.name}, set {self.set_i + 1} of {self.sets}"
        if self.ex_i + 1 < len(self.specs):
            return self.specs[self.ex_i + 1].name
        return None

    def advance(self) -> bool:
        """Move to the next set or exercise; False when there is none."""
        if self.set_i < self.sets:
            self.set_i += 1
        elif self.ex_i + 1 < len(self.specs):
            self.ex_i += 1
            self.set_i = 1
        else:
            return False
        self.checker = self._new_checker()
        return True

    def reset(self) -> None:
        self.checker = self._new_checker()


def summary_rows(summary: dict) -> list[tuple[str, str]]:
    """Rows for the on-screen summary card."""
    rows = []
    for s in summary.get("sets", []):
        label = s["name"] + (f" set {s['set']}" if s.get("set", 1) > 1 or summary.get("sets_per_exercise", 1) > 1 else "")
        parts = []
        if s.get("target_reps") is not None or s["reps"]:
            parts.append(f"{s['reps']}" + (f"/{s['target_reps']}" if s.get("target_reps") else "") + " reps")
            if s["partial_reps"]:
                parts.append(f"+{s['partial_reps']} partial")
        if s.get("hold_seconds"):
            parts.append(f"{s['hold_seconds']:.0f} s held")
        nf = len({f["code"] for f in s.get("faults", []) if f.get("severity") != "info"})
        parts.append("good form" if nf == 0 else f"{nf} fault{'s' if nf > 1 else ''}")
        if s.get("ended") == "reset":
            parts.append("(reset)")
        rows.append((label, ", ".join(parts)))
    m, sec = divmod(int(summary.get("seconds", 0)), 60)
    rows.append(("Time", f"{m}:{sec:02d}  ({summary.get('fps', 0):.0f} fps)"))
    return rows


def run_live(camera: str | int = 0, exercise: str | list[str] | None = None, *, display: bool = True,
             record: str | Path | None = None, session_dir: str | Path | None = None,
             estimator_options: EstimatorOptions | None = None, mirror: bool | None = None,
             max_seconds: float | None = None, window_name: str = "posecoach", sets: int = 1,
             rest_seconds: float = 30.0, voice=None, summary_seconds: float = 8.0,
             reps: int | None = None, hold: float | None = None, loop: bool = False, keys=None) -> LiveResult:
    """Run a live session. ``exercise``: one id, or a list for a routine; ``reps`` / ``hold``: per-set targets
    instead of each exercise's own. ``loop``: replay a file standing in for a camera until the session ends.
    ``voice``: a voice.Voice or None.
    ``keys``: for tests, a callable(frame_number) -> key code or -1 used instead of the window's keyboard."""
    exercises = [exercise] if isinstance(exercise, str) else list(exercise or [])
    routine = _Routine(exercises, sets, reps, hold) if exercises else None
    # The camera first: with neither a camera nor a screen, "no camera" is the problem to report.
    source = open_source(camera, mirror=mirror)
    if display:
        try:
            check_display()
        except BaseException:
            if getattr(source, "cap", None) is not None:
                source.cap.release()
            raise
    is_camera = isinstance(source, Camera)
    if loop and not is_camera:
        source = _LoopedSource(source)
    if mirror and not is_camera:
        source = _MirroredSource(source)
    from posecoach.render.hud import BannerAnnotator, SummaryAnnotator
    from posecoach.render.overlay import CoachOverlay

    overlay, banner, card = CoachOverlay(), BannerAnnotator(), SummaryAnnotator()
    sdir = Path(session_dir) if session_dir else sessions_root() / time.strftime("%Y%m%d-%H%M%S")
    sdir.mkdir(parents=True, exist_ok=True)
    res = LiveResult(session_dir=sdir)
    writer = None
    t0 = time.perf_counter()
    events_file = open(sdir / "events.jsonl", "a", buffering=1)
    paused = False
    pace = not is_camera and display
    pace_t0: float | None = None
    display_height = 720 if display else None
    rest_until: float | None = None  # in source time (a camera's clock, or a stand-in file's own timeline)
    fps_ema = None
    last_t = None
    last_img = None
    last_cue = None
    set_frames = 0

    def log(rec: dict) -> None:
        events_file.write(json.dumps(rec) + "\n")

    def end_set(how: str) -> None:
        nonlocal set_frames
        rec = routine.close_set(set_frames, how)
        set_frames = 0
        log({"type": "SetEnd", "wall_time": round(time.perf_counter() - t0, 3), **{k: rec[k] for k in
             ("exercise", "set", "ended", "reps", "partial_reps", "hold_seconds")}})

    def read_key(n: int) -> int:
        if keys is not None:
            k = keys(n)
            if display:
                import cv2

                cv2.waitKey(1)
            return k
        if not display:
            return -1
        import cv2

        return cv2.waitKey(1)

    import cv2

    signals = _SignalsAsInterrupt().__enter__()
    rec_fps = None
    try:
        if display:

            _quiet_qt_fonts()
            # No toolbar or status bar: the picture is the interface; the window can still be resized.
            cv2.namedWindow(window_name, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
        with PoseEstimator.create_from_options(estimator_options or EstimatorOptions()) as est:
            # A live camera drops stale frames; a file standing in for one keeps them all.
            for frame in Prefetch(source, depth=2 if is_camera else 8, drop_old=is_camera):
                now = time.perf_counter()
                if last_t is not None:
                    dt = max(now - last_t, 1e-6)
                    fps_ema = 1.0 / dt if fps_ema is None else 0.9 * fps_ema + 0.1 / dt
                last_t = now
                resting = rest_until is not None and frame.timestamp < rest_until
                if rest_until is not None and not resting:
                    rest_until = None
                    log({"type": "RestEnd", "wall_time": round(now - t0, 3)})
                if pace:  # a file standing in for a camera plays at its own speed, as a camera would
                    if pace_t0 is None:
                        pace_t0 = now - frame.timestamp  # the clock starts with the first frame, not the model load
                    wait = frame.timestamp - (now - pace_t0)
                    if wait > 0:
                        time.sleep(min(wait, 1.0))
                img = frame.image
                if display_height and img.shape[0] < display_height:
                    # Small camera frames are enlarged before drawing, so the overlay's text stays crisp on screen.
                    k = display_height / img.shape[0]
                    img = cv2.resize(img, (int(round(img.shape[1] * k)), display_height), interpolation=cv2.INTER_LINEAR)
                if paused or resting or routine is None:
                    pose = est.estimate(frame) if routine is None else None
                    img = overlay.annotate(img, pose, None, fps=fps_ema, mirrored=frame.mirrored,
                                           title=routine.title() if routine else None)
                    if paused:
                        img = banner.annotate(img, "PAUSED", "Press P to carry on.\n" + KEYS_HELP)
                    elif resting:
                        left = rest_until - frame.timestamp
                        secs = int(math.ceil(left))
                        img = banner.annotate(img, f"REST {secs // 60}:{secs % 60:02d}",
                                              f"Next: {routine.title()}. Press N to start now.",
                                              progress=1 - left / max(rest_seconds, 1e-6))
                else:
                    pose = est.estimate(frame)
                    pf = PoseFrame(frame.index, frame.timestamp, pose)
                    fb = routine.checker.update(pf)
                    set_frames += 1
                    for ev in (fb.events or ()):
                        rec = _event_record(ev)
                        rec.update(exercise=routine.spec.id, set=routine.set_i)
                        log(rec)
                    if voice is not None and fb.cue is not None and fb.cue is not last_cue:
                        voice.cue(fb.cue)
                    last_cue = fb.cue
                    img = overlay.annotate(img, pose, fb, fps=fps_ema, mirrored=frame.mirrored, title=routine.title())
                    if set_complete(fb, routine.spec.kind):
                        nxt = routine.next_label()
                        end_set("target reached")
                        if voice is not None:
                            voice.say("Set done. " + ("Rest now." if nxt else "Well done, that is the routine."),
                                      force=True)
                        if nxt is None:
                            res.ended_by = "routine done"
                            last_img = img
                            res.frames += 1
                            break
                        routine.advance()
                        rest_until = frame.timestamp + rest_seconds
                        log({"type": "RestStart", "wall_time": round(time.perf_counter() - t0, 3), "seconds": rest_seconds,
                             "next": routine.title()})
                last_img = img
                if record is not None:
                    if writer is None:
                        from posecoach.outputs.video import VideoWriter

                        rec_fps = getattr(source, "fps", 30.0) or 30.0
                        writer = VideoWriter(record, rec_fps, (img.shape[1], img.shape[0]))
                    # Keep the recording on the source's clock: a camera delivers 30 fps but we may process 12,
                    # so a frame is written as many times as the frame slots it covers (at least once).
                    due = int(frame.timestamp * rec_fps) + 1 - writer.frames
                    for _ in range(max(1, min(due, int(rec_fps * 2)))):
                        writer.write(img)
                res.frames += 1
                if display:
                    if res.frames == 1:
                        cv2.resizeWindow(window_name, img.shape[1], img.shape[0])
                    cv2.imshow(window_name, img)
                key = read_key(res.frames)
                if display and res.frames > 1 and cv2.getWindowProperty(window_name, cv2.WND_PROP_VISIBLE) < 1:
                    res.ended_by = "window closed"  # the window's close button
                    break
                if key is not None and key >= 0:
                    ch = key & 0xFF
                    if ch in (ord("q"), 27):
                        res.ended_by = "quit key"
                        break
                    if ch in (ord("p"), ord(" ")):
                        paused = not paused
                        log({"type": "Pause" if paused else "Resume", "wall_time": round(time.perf_counter() - t0, 3)})
                    elif ch == ord("m") and voice is not None:
                        voice.toggle_mute()
                    elif routine is not None and ch == ord("r"):
                        end_set("reset")
                        routine.reset()
                        rest_until = None
                        if voice is not None:
                            voice.say("Starting the set again.", force=True)
                    elif routine is not None and ch == ord("n"):
                        if rest_until is not None:
                            rest_until = None  # skip the rest
                            log({"type": "RestEnd", "wall_time": round(time.perf_counter() - t0, 3), "skipped": True})
                        else:
                            end_set("next key")
                            if not routine.advance():
                                res.ended_by = "routine done"
                                break
                    elif routine is not None and ch == ord("c") and voice is not None:
                        fb_reps = routine.checker.result.complete_reps if hasattr(routine.checker, "result") else 0
                        tgt = routine.checker.spec.target_reps
                        voice.say(f"{fb_reps} reps" + (f" of {tgt}" if tgt else ""), force=True)
                if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                    res.ended_by = "time limit"
                    break
        if is_camera and getattr(source, "dropped", False):
            res.ended_by = "camera dropped"
    except KeyboardInterrupt:
        res.ended_by = "interrupted"
    except Exception as e:
        res.ended_by = f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
        raise
    finally:
        signals.__exit__(None, None, None)
        if writer is not None:
            try:
                writer.close()  # a live recording is always kept, up to the last frame
            except Exception as e:
                log({"type": "Error", "message": f"finishing the recording failed: {e}"})
        res.seconds = time.perf_counter() - t0
        res.fps = res.frames / res.seconds if res.seconds > 0 else 0.0
        if routine is not None:
            try:
                if set_frames > 0 or not routine.done:
                    end_set(res.ended_by)
            except Exception as e:  # the summary must still be written
                log({"type": "Error", "message": f"closing the set failed: {e}"})
            res.sets = routine.done
        res.summary = {
            "frames": res.frames, "seconds": round(res.seconds, 2), "fps": round(res.fps, 2),
            "ended_by": res.ended_by, "exercise": exercises[0] if len(exercises) == 1 else None,
            "exercises": exercises, "sets_per_exercise": routine.sets if routine else 0,
            "recording": str(record) if record else None,
            "reps": sum(s["reps"] for s in res.sets), "partial_reps": sum(s["partial_reps"] for s in res.sets),
            "hold_seconds": round(sum(s["hold_seconds"] for s in res.sets), 2),
            "faults": [f for s in res.sets for f in s["faults"]],
            "sets": res.sets,
        }
        tmp = sdir / "summary.json.part"
        tmp.write_text(json.dumps(res.summary, indent=2) + "\n")
        tmp.replace(sdir / "summary.json")
        events_file.close()
        if voice is not None:
            voice.close()
        end_img = None
        if last_img is not None:
            try:
                import cv2

                end_img = card.annotate(last_img.copy(), "Session summary", summary_rows(res.summary),
                                        footer=f"Saved in {sdir}" + (". Press any key to close." if display else ""))
                cv2.imwrite(str(sdir / "summary.png"), end_img)
            except Exception:
                end_img = None
        if display:
            try:
                import cv2

                if end_img is not None and res.ended_by != "interrupted" and summary_seconds > 0:
                    cv2.imshow(window_name, end_img)
                    t_end = time.perf_counter() + summary_seconds
                    while time.perf_counter() < t_end:
                        if cv2.waitKey(50) >= 0 and keys is None:
                            break
                cv2.destroyAllWindows()
            except Exception:
                pass
    return res


__all__ = ["run_live", "LiveResult", "DisplayError", "SourceError", "sessions_root", "set_complete", "KEYS_HELP"]
