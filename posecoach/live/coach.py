"""Coaching as the session runs: the current set's checker, pausing, the rest countdown between sets, voice
cues, and the events that go in the session's log."""
from __future__ import annotations

import math
from collections import deque

from posecoach.exercises.events import Hold, Rep
from posecoach.frame_step import FrameStep
from posecoach.live.routine import Routine, set_complete
from posecoach.live.recording import SessionRecording, event_record
from posecoach.live.window import KEYS_HELP
from posecoach.pose import PoseFrame


REPLAY_FRAMES = 600  # 20 s at 30 fps: longer than the recogniser's window and its confirmation


class Coach:
    """Turns each frame into the picture to show, and each key command into a change of set or state.

    Without a routine (no exercise chosen) it only draws the pose. ``voice``: a voice.Voice or None.
    """

    def __init__(self, routine: Routine | None, recording: SessionRecording, voice=None, rest_seconds: float = 30.0,
                 smoothing: str = "one_euro", auto=None):
        from posecoach.render.hud import BannerAnnotator
        from posecoach.render.overlay import CoachOverlay

        # The same per-frame step as offline analysis (cuts, smoothing, the current set's checker): the estimator
        # gives raw poses, and nothing else here smooths or checks.
        self.frame_step = FrameStep(None, smoothing)

        self.overlay, self.banner = CoachOverlay(), BannerAnnotator()
        self.routine, self.recording, self.voice = routine, recording, voice
        self.rest_seconds = rest_seconds
        self.paused = False
        self.rest_until: float | None = None  # in source time (a camera's clock, or a stand-in file's own timeline)
        self.set_frames = 0
        self._last_cue = None
        # live --auto (live/auto.py): the recognised exercise becomes the routine; sets of earlier ones are kept
        self.auto = auto
        self._done_before: list[dict] = []
        # the smoothed frames seen before the first exercise was recognised (the recogniser needs a few seconds):
        # replayed into its checker, so the reps done while it made up its mind still count
        self._before_first: deque[PoseFrame] = deque(maxlen=REPLAY_FRAMES)
        # called with each checked frame's FrameResult (a programme's switch watch, programme/guided.py)
        self.on_checked = None

    def update_rest(self, timestamp: float, now: float) -> None:
        """End the rest once the source's clock reaches its end (``now``: when the frame was taken in)."""
        if self.rest_until is not None and timestamp >= self.rest_until:
            self.rest_until = None
            self.recording.log_event("RestEnd", now)

    def step(self, frame, img, estimator, fps: float | None):
        """The frame drawn on ``img``, and whether it finished the routine. Call ``update_rest`` first."""
        routine = self.routine
        resting = self.rest_until is not None
        if not (self.paused or resting or routine is None):
            return self._coach(frame, img, estimator, fps)
        pose = None
        if routine is None:  # pose tracking only (with --auto, until an exercise is recognised)
            self.frame_step.checker = None
            r = self.frame_step(PoseFrame(frame.index, frame.timestamp, estimator.estimate(frame)))
            pose = r.pose
            if self.auto is not None:
                self._before_first.append(r.frame)
                if self._recognised(r.frame):
                    routine = self.routine
        title = routine.title() if routine else ("Which exercise? Watching..." if self.auto is not None else None)
        img = self.overlay.annotate(img, pose, None, fps=fps, mirrored=frame.mirrored, title=title)
        if self.paused:
            img = self.banner.annotate(img, "PAUSED", "Press P to carry on.\n" + KEYS_HELP)
        elif resting:
            left = self.rest_until - frame.timestamp
            secs = int(math.ceil(left))
            img = self.banner.annotate(img, f"REST {secs // 60}:{secs % 60:02d}",
                                       f"Next: {routine.title()}. Press N to start now.",
                                       progress=1 - left / max(self.rest_seconds, 1e-6))
        return img, False

    def _coach(self, frame, img, estimator, fps):
        """Check the frame against the current set; log its events, cue, and end the set at its target."""
        routine, voice = self.routine, self.voice
        self.frame_step.checker = routine.checker
        r = self.frame_step(PoseFrame(frame.index, frame.timestamp, estimator.estimate(frame)))
        pose, fb = r.pose, r.feedback
        self.set_frames += 1
        for ev in (fb.events or ()):
            rec = event_record(ev)
            rec.update(exercise=routine.spec.id, set=routine.set_i)
            self.recording.log(rec)
        if self.on_checked is not None:
            self.on_checked(r)
        if self.auto is not None and self._recognised(r.frame):  # another exercise: its set starts next frame
            img = self.overlay.annotate(img, pose, None, fps=fps, mirrored=frame.mirrored, title=self.routine.title())
            return img, False
        if voice is not None and fb.cue is not None and fb.cue is not self._last_cue:
            voice.cue(fb.cue)
        self._last_cue = fb.cue
        img = self.overlay.annotate(img, pose, fb, fps=fps, mirrored=frame.mirrored, title=routine.title())
        if set_complete(fb, routine.spec.kind, getattr(routine, "corrections", 0)):
            nxt = routine.next_label()
            self.end_set("target reached")
            if voice is not None:
                voice.say("Set done. " + ("Rest now." if nxt else "Well done, that is the routine."), force=True)
            if nxt is None:
                return img, True
            routine.advance()
            self.rest_until = frame.timestamp + self.rest_seconds
            self.recording.log_event("RestStart", seconds=self.rest_seconds, next=routine.title())
        return img, False

    def command(self, cmd: str) -> bool:
        """Carry out a key command (window.COMMANDS, except quit); True when it was the routine's last set."""
        routine, voice = self.routine, self.voice
        if cmd == "pause":
            self.paused = not self.paused
            self.recording.log_event("Pause" if self.paused else "Resume")
        elif cmd == "mute" and voice is not None:
            voice.toggle_mute()
        elif routine is not None and cmd == "reset":
            self.end_set("reset")
            routine.reset()
            self.rest_until = None
            if voice is not None:
                voice.say("Starting the set again.", force=True)
        elif routine is not None and cmd == "next":
            if self.rest_until is not None:
                self.rest_until = None  # skip the rest
                self.recording.log_event("RestEnd", skipped=True)
            else:
                self.end_set("next key")
                return not routine.advance()
        elif routine is not None and cmd == "count" and voice is not None:
            reps = routine.checker.result.complete_reps if hasattr(routine.checker, "result") else 0
            tgt = routine.checker.spec.target_reps
            voice.say(f"{reps} reps" + (f" of {tgt}" if tgt else ""), force=True)
        return False

    def _recognised(self, frame: PoseFrame) -> bool:
        """Feed the recogniser; on a newly recognised exercise, end the set in progress and start that one."""
        exercise = self.auto(frame)
        if exercise is None:
            return False
        first = self.routine is None
        if not first:
            self.end_set("another exercise recognised")
            self._done_before += self.routine.done
        self.routine = Routine([exercise], 1)
        self.set_frames = 0
        self.recording.log_event("ExerciseRecognised", exercise=exercise)
        if first:
            self.replay(self._before_first)
            self._before_first.clear()
        if self.voice is not None:
            self.voice.say(f"{self.routine.spec.name}.", force=True)
        return True

    def replay(self, frames) -> None:
        """Give the current set's checker smoothed frames it missed (it is pure, so it can be): the reps done
        while the recogniser made up its mind count. Their events are logged as replayed."""
        routine = self.routine
        for f in frames:
            fb = routine.checker.update(f)
            self.set_frames += 1
            for ev in (fb.events or ()):
                rec = event_record(ev)
                rec.update(exercise=routine.spec.id, set=routine.set_i, replayed=True)
                self.recording.log(rec)

    def end_set(self, how: str) -> None:
        routine = self.routine
        rec = routine.close_set(self.set_frames, how)
        self.set_frames = 0
        # what the set's end decided (a rep found only now, an attempt, a hold still open) is recorded like a
        # live event, so the history and events.jsonl hold every rep the set's result counts
        for ev in getattr(routine.checker, "final_events", ()):
            if isinstance(ev, (Rep, Hold)):
                r = event_record(ev)
                r.update(exercise=rec["exercise"], set=rec["set"], at_end=True)
                self.recording.log(r)
        self.recording.log_event("SetEnd", **{k: rec[k] for k in
                                              ("exercise", "set", "ended", "reps", "partial_reps", "hold_seconds",
                                               "corrections", "settled") if k in rec})

    def close(self, ended_by: str) -> list[dict]:
        """End the set in progress as the session ended; the sets done, for the summary."""
        if self.routine is None:
            return list(self._done_before)
        try:
            if self.set_frames > 0 or not self.routine.done:
                self.end_set(ended_by)
        except Exception as e:  # the summary must still be written
            self.recording.log({"type": "Error", "message": f"closing the set failed: {e}"})
        return self._done_before + self.routine.done
