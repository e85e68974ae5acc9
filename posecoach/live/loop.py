"""``run_live``: the loop that wires a camera, the pose estimator, the coach, the window and the recording."""
from __future__ import annotations

import time
from pathlib import Path

from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.live.coach import Coach
from posecoach.live.recording import SessionRecording, SignalsAsInterrupt, new_session_dir
from posecoach.live.routine import Routine
from posecoach.live.stand_ins import as_camera
from posecoach.live.summary import LiveResult, session_summary
from posecoach.live.window import LiveWindow, check_display
from posecoach.sources import Camera, Prefetch, open_source


class _FrameRate:
    """Frames processed per second, smoothed (a moving average of 1 / the time between frames)."""

    def __init__(self):
        self.value: float | None = None
        self._last: float | None = None

    def tick(self, now: float) -> float | None:
        if self._last is not None:
            dt = max(now - self._last, 1e-6)
            self.value = 1.0 / dt if self.value is None else 0.9 * self.value + 0.1 / dt
        self._last = now
        return self.value


def _check_display_for(source) -> None:
    """check_display, letting go of an opened camera first if there is no screen to show it on."""
    try:
        check_display()
    except BaseException:
        if getattr(source, "cap", None) is not None:
            source.cap.release()
        raise


def run_live(camera: str | int = 0, exercise: str | list[str] | None = None, *, display: bool = True,
             record: str | Path | None = None, session_dir: str | Path | None = None,
             estimator_options: EstimatorOptions | None = None, mirror: bool | None = None,
             max_seconds: float | None = None, window_name: str = "posecoach", sets: int = 1,
             rest_seconds: float = 30.0, voice=None, summary_seconds: float = 8.0,
             reps: int | None = None, hold: float | None = None, loop: bool = False, keys=None,
             auto: bool = False) -> LiveResult:
    """Run a live session. ``exercise``: one id, or a list for a routine; ``reps`` / ``hold``: per-set targets
    instead of each exercise's own. ``loop``: replay a file standing in for a camera until the session ends.
    ``voice``: a voice.Voice or None.
    ``keys``: for tests, a callable(frame_number) -> key code or -1 used instead of the window's keyboard.
    ``auto``: without ``exercise``, check whichever exercise the recogniser sees (live/auto.py)."""
    exercises = [exercise] if isinstance(exercise, str) else list(exercise or [])
    routine = Routine(exercises, sets, reps, hold) if exercises else None
    # The camera first: with neither a camera nor a screen, "no camera" is the problem to report.
    source = open_source(camera, mirror=mirror)
    if display:
        _check_display_for(source)
    is_camera = isinstance(source, Camera)
    if not is_camera:
        source = as_camera(source, loop=loop, mirror=mirror)
    recording = SessionRecording(Path(session_dir) if session_dir else new_session_dir(), video=record,
                                 video_fps=getattr(source, "fps", 30.0) or 30.0)
    window = LiveWindow(window_name, shown=display, keys=keys, pace=display and not is_camera)
    estimator_options = estimator_options or EstimatorOptions()
    auto_exercise = None
    if auto and routine is None:  # --exercise wins over recognition
        from posecoach.live.auto import AutoExercise

        auto_exercise = AutoExercise()
    coach = Coach(routine, recording, voice, rest_seconds, smoothing=estimator_options.smoothing, auto=auto_exercise)
    res = LiveResult(session_dir=recording.folder)
    rate = _FrameRate()
    last_img = None
    try:
        with SignalsAsInterrupt():
            window.open()
            with PoseEstimator.create_from_options(estimator_options) as est:
                # A live camera drops stale frames; a file standing in for one keeps them all.
                for frame in Prefetch(source, depth=2 if is_camera else 8, drop_old=is_camera):
                    now = time.perf_counter()
                    fps = rate.tick(now)
                    coach.update_rest(frame.timestamp, now)
                    window.pace(frame.timestamp, now)
                    img, routine_done = coach.step(frame, window.fit(frame.image), est, fps)
                    last_img = img
                    if routine_done:
                        res.frames += 1
                        res.ended_by = "routine done"
                        break
                    recording.write_frame(img, frame.timestamp)
                    res.frames += 1
                    window.show(img, res.frames)
                    cmd = window.read_command(res.frames)
                    if window.closed(res.frames):
                        res.ended_by = "window closed"  # the window's close button
                        break
                    if cmd == "quit":
                        res.ended_by = "quit key"
                        break
                    if cmd is not None and coach.command(cmd):
                        res.ended_by = "routine done"
                        break
                    if max_seconds is not None and recording.elapsed() > max_seconds:
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
        # Whatever ended the session, what was recorded is kept: the video, the open set, the summary.
        recording.close_video()
        res.seconds = recording.elapsed()
        res.fps = res.frames / res.seconds if res.seconds > 0 else 0.0
        res.sets = coach.close(res.ended_by)
        seen = exercises or list(dict.fromkeys(x["exercise"] for x in res.sets))  # with --auto: as recognised
        res.summary = session_summary(res, seen, routine.sets if routine else (1 if seen else 0), record)
        recording.save_summary(res.summary)
        if voice is not None:
            voice.close()
        card = recording.save_summary_card(last_img, res.summary, on_screen=display)
        window.close(card if res.ended_by != "interrupted" else None, summary_seconds)
    return res
