"""Programmes a person follows for weeks: programmes as data, progression, today's guided session.

    spec.py         Programme, Step, Target, ProgressionRule; load_programme / list_programmes (TOML)
    progression.py  the pure rule: past SessionOutcomes -> today's Level (and the reason as a sentence)
    pain.py         the pure pain rules: when a check-in or a rise ends the session, and what to say
    plan.py         today's session: the programme's steps with today's targets (week + level)
    demo.py         the demonstration clip of an exercise: the synthetic avatar, rendered once and cached
    guided.py       GuidedSession: demonstration -> pain check-in -> sets and rests -> pain after -> summary
    run.py          run_programme: the camera/window loop around GuidedSession
"""
from posecoach.programme.spec import (Programme, ProgrammeError, ProgressionRule, Step, Target, list_programmes,
                                      load_programme)

__all__ = ["Programme", "ProgrammeError", "ProgressionRule", "Step", "Target", "list_programmes", "load_programme"]
