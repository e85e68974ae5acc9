"""``run_programme``: today's session of a programme in the live window (camera or a video standing in for one),
written to the history as it goes, with the session folder (events.jsonl, summary.json, summary.png) as for
``posecoach live``."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from posecoach.live.loop import _check_display_for, _FrameRate
from posecoach.live.recording import SessionRecording, SignalsAsInterrupt, new_session_dir
from posecoach.live.stand_ins import as_camera
from posecoach.live.summary import LiveResult, session_summary, summary_rows
from posecoach.live.window import LiveWindow
from posecoach.programme.guided import GuidedSession
from posecoach.programme.spec import Programme


@dataclass
class ProgrammeResult:
    live: LiveResult
    session_id: int
    ended_by: str
    pain_before: int | None
    pain_after: int | None
    reason: str  # why today's targets were what they were
    next_time: str  # the progression message for the next session
    sets: list = field(default_factory=list)


def run_programme(programme: Programme, camera: str | int = 0, *, pain_before: int | None = None,
                  display: bool = True, db=None, today: str | None = None, session_dir=None, estimator=None,
                  estimator_options=None, mirror: bool | None = None, loop: bool = False, voice=None,
                  keys=None, times: dict | None = None, summary_seconds: float = 8.0,
                  max_seconds: float | None = None, demos: dict | None = None, source=None,
                  switch: bool = True) -> ProgrammeResult:
    """Run today's session. ``db``: a history connection or path (default: the user's history); ``today``: the
    ISO date it counts for (tests simulate days); ``estimator``: a ready pose estimator (tests inject one;
    default MediaPipe from ``estimator_options``); ``keys``: callable(frame_number) -> key code, for tests;
    ``demos``: demonstration frames per exercise (default: rendered once and cached); ``source``: frames to use
    instead of opening ``camera`` (tests); ``switch``: offer to switch when another of today's exercises is being
    done (programme/switch.py)."""
    from posecoach.history import SessionWriter, connect
    from posecoach.history.query import first_day, session_outcomes
    from posecoach.programme.demo import prepare_demos
    from posecoach.programme.plan import todays_plan
    from posecoach.sources import Camera, Prefetch, open_source

    conn = db if hasattr(db, "execute") else connect(db)
    today = today or date.today().isoformat()
    previous = session_outcomes(conn, programme.name)
    plan = todays_plan(programme, previous, first_day(conn, programme.name), today)
    # The camera and the screen first: with neither, that is the problem to report, before any rendering.
    given = source is not None
    source = source if given else open_source(camera, mirror=mirror)
    if display:
        _check_display_for(source)
    if demos is None:
        demos = prepare_demos(programme.exercises())
    is_camera = isinstance(source, Camera)
    if not is_camera and not given:
        source = as_camera(source, loop=loop, mirror=mirror)
    recording = SessionRecording(Path(session_dir) if session_dir else new_session_dir())
    writer = SessionWriter(conn, programme.name, day=today, week=plan.week, level=plan.level.level,
                           reason=plan.level.reason, planned_sets=plan.planned_sets)
    smoothing = getattr(estimator_options, "smoothing", "one_euro")
    guided = GuidedSession(plan, recording, writer, demos, voice, pain_before, previous, times, smoothing, switch)
    window = LiveWindow("posecoach", shown=display, keys=keys, pace=display and not is_camera)
    res = LiveResult(session_dir=recording.folder)
    rate, last_img = _FrameRate(), None
    try:
        with SignalsAsInterrupt():
            window.open()
            with _estimator(estimator, estimator_options) as est:
                for frame in Prefetch(source, depth=2 if is_camera else 8, drop_old=is_camera):
                    now = time.perf_counter()
                    fps = rate.tick(now)
                    window.pace(frame.timestamp, now)
                    img, finished = guided.step(frame, window.fit(frame.image), est, fps)
                    last_img = img
                    res.frames += 1
                    if finished:
                        break
                    window.show(img, res.frames)
                    if guided.key(window.read_key(res.frames)) == "quit":
                        res.ended_by = "quit key"
                        break
                    if window.closed(res.frames):
                        res.ended_by = "window closed"
                        break
                    if max_seconds is not None and recording.elapsed() > max_seconds:
                        res.ended_by = "time limit"
                        break
    except KeyboardInterrupt:
        res.ended_by = "interrupted"
    finally:
        # Whatever ended it, the history already holds every finished rep; close the open rows and save the summary.
        ended_by = guided.ended_by or res.ended_by
        res.ended_by = ended_by
        res.seconds = recording.elapsed()
        res.fps = res.frames / res.seconds if res.seconds > 0 else 0.0
        res.sets = guided.close(ended_by)
        writer.finish(ended_by)
        next_time = guided.message if guided.ended_by == "pain" else guided.next_time()
        summary = session_summary(res, programme.exercises(), max(p.target.sets for p in plan.steps), None)
        summary.update(programme=programme.name, week=plan.week, level=plan.level.level, reason=plan.level.reason,
                       pain_before=guided.pain_before, pain_after=guided.pain_after, next_time=next_time,
                       history_session=writer.session_id, switches=guided.switches)
        res.summary = summary
        recording.save_summary(summary)
        if voice is not None:
            voice.close()
        card = recording.save_summary_card(last_img, summary, display, rows=summary_card_rows(summary))
        window.close(card if ended_by != "interrupted" else None, summary_seconds)
    return ProgrammeResult(res, writer.session_id, ended_by, guided.pain_before, guided.pain_after,
                           plan.level.reason, next_time, res.sets)


class _estimator:
    """The injected estimator as is, or MediaPipe's, opened and closed around the session."""

    def __init__(self, est, options):
        self.est, self.options, self._cm = est, options, None

    def __enter__(self):
        if self.est is not None:
            return self.est
        from posecoach.estimation import EstimatorOptions, PoseEstimator

        self._cm = PoseEstimator.create_from_options(self.options or EstimatorOptions())
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc) if self._cm is not None else False


def summary_card_rows(summary: dict) -> list[tuple[str, str]]:
    rows = summary_rows(summary)
    pb, pa = summary.get("pain_before"), summary.get("pain_after")
    rows.insert(0, ("Pain", f"{'-' if pb is None else pb} before, {'-' if pa is None else pa} after"))
    import textwrap

    for i, part in enumerate(textwrap.wrap(summary.get("next_time", ""), 48)):  # a long sentence on short rows
        rows.append(("Next time" if i == 0 else "", part))
    return rows
