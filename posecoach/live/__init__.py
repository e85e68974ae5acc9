"""The live coaching loop: camera (or a file standing in for one) -> pose -> checker -> overlay -> window.

A routine is a list of exercises, each done for ``sets`` sets with a rest countdown between them. A set ends
when its target is reached (reps, or hold time for hold exercises), or on the 'next' key. Keys in the window:

    p / space  pause and resume        n  next set / exercise       r  reset the current set
    c          say the rep count       m  mute / unmute voice       q / Esc  quit (shows the summary)

What the person did is never lost: every event is appended to ``events.jsonl`` in the session folder as it
happens (flushed per line), the recording (if asked for) is finalised in a ``finally``, and ``summary.json`` is
written on a normal end, on the quit key, on Ctrl+C and when the camera drops out; a set that is reset is kept
in the summary, marked as reset. The end-of-session summary is shown in the window and saved.

The pieces, each with one job:

    loop.py       run_live: wires the ones below around the camera -> estimator loop
    coach.py      Coach: the checker for the current set, pause, rest countdown, voice cues, key commands
    routine.py    Routine (which exercise and set) and set_complete
    window.py     LiveWindow: HighGUI window, keys -> commands, close button, pacing; check_display
    recording.py  SessionRecording: the session folder, events.jsonl, video, summary.json / summary.png;
                  SignalsAsInterrupt (SIGTERM / SIGHUP end a session like Ctrl+C)
    summary.py    LiveResult, the summary.json dict and the summary card's rows
    stand_ins.py  a video file looped or mirrored to stand in for a camera
"""
from posecoach.live.loop import run_live
from posecoach.live.recording import sessions_root
from posecoach.live.routine import set_complete
from posecoach.live.summary import LiveResult, summary_rows
from posecoach.live.window import KEYS_HELP, DisplayError, check_display
from posecoach.sources import SourceError

__all__ = ["run_live", "LiveResult", "DisplayError", "SourceError", "sessions_root", "set_complete", "KEYS_HELP",
           "summary_rows", "check_display"]
