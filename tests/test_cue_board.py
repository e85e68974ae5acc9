"""CueBoard: the latest cue of at least the current priority shows, until it expires."""
from __future__ import annotations

import pytest

from posecoach.exercises.cue_board import CueBoard
from posecoach.exercises.events import Cue


@pytest.mark.parametrize("cues, t, shown", [
    ([Cue(0.0, "a", "info", 1)], 1.0, "a"),
    ([Cue(0.0, "a", "info", 1)], 3.0, None),  # expired
    ([Cue(0.0, "fault", "form", 2), Cue(1.0, "info", "info", 1)], 1.5, "fault"),  # lower priority waits
    ([Cue(0.0, "fault", "form", 2), Cue(3.0, "info", "info", 1)], 3.5, "info"),  # until the other expired
    ([Cue(0.0, "info", "info", 1), Cue(1.0, "3", "count", 3)], 1.5, "3"),
])
def test_cue_board(cues, t, shown):
    board = CueBoard()
    for c in cues:
        board.say(c)
    got = board.current(t)
    assert (got.text if got else None) == shown
