"""The checker's numbers that are not about one exercise: filter time constants, hysteresis margins, graces.

Per-exercise numbers (zones, thresholds, tolerances) live in the ``ExerciseSpec``; these hold for every
exercise. They were chosen on the dev clips (``bench/bench_reps.py``); changing one changes what every checker
counts, so ``bench/golden_checkers.py`` is the place to see by how much.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckerTuning:
    """Engine-wide tuning of a ``Checker`` and its parts. Times are seconds."""

    # --- PostureGate
    posture_tau: float = 0.3
    """Time constant of the exponential filter on the posture test's yes/no answers."""
    posture_enter: float = 0.6
    """The filtered posture answer must rise above this to get in position..."""
    posture_exit: float = 0.4
    """...and fall below this to leave it (hysteresis, so one failed frame does not drop the person)."""

    # --- KeySignal
    side_tau: float = 0.5
    """Time constant of the filter on each side's visibility score (which side faces the camera)."""
    side_margin: float = 0.08
    """The other side's score must beat the current side's by this much before the side changes."""
    far_vis_min: float = 0.0
    """A one-sided movement's far limb, unreadable at the usual visibility floor, is read at this floor (0: any
    visibility the pose model reports; 0.5, the usual floor, turns the far-limb reading off)."""
    variant_decay: float = 0.98
    """Per-frame decay of the variant votes, so the variant follows what the person does now."""
    median_seconds: float = 0.1
    """The key measure's raw values go through a running median of about this many seconds of frames (kills
    one-frame spikes): 3 frames at 24-30 fps, 2 at 15 fps, where 3 frames span 0.2 s and flattened the short top
    of a push-up enough to lose reps (bench/results/analysis_rate.md). The count follows the clip's mean frame spacing
    (``smoothing.FrameSpacing``), not the gaps where nobody was found, so every-frame analysis at 24-30 fps is
    unchanged."""
    ema_restart_gap: float = 0.5
    """After a gap between frames longer than this the smoothed value restarts from the median, not eased in."""
    ema_min_tau: float = 1e-3
    """Lower bound of the spec's smoothing time constant (a zero would divide by zero)."""
    speed_tau: float = 0.1
    """Time constant of the filter on the progress speed (progress units per second)."""
    baseline_percentile: float = 10.0
    """The adaptive start of the range is this percentile of recent progress values while in position."""
    movement_window: float = 0.8
    """Seconds over which the change of progress says which way the movement goes (inhale / exhale)."""
    movement_dead_band: float = 0.15
    """Change of progress over ``movement_window`` that switches the named direction: a slow breath moves about
    0.3 units in 0.8 s; smaller changes leave the name as it was."""
    centre_window: float = 15.0
    """Side mode "centred": seconds of a signed measure whose median is taken as its resting centre (several
    rolls to each side, and the still start before them)."""
    mean_disagree: float = 0.5
    """In ``side_mode="mean"``, two sides further apart than this share of the start-to-top range are not
    averaged: the side nearest the camera is trusted."""

    # --- RuleRepCounter
    cut_return_share: float = 0.5
    """A cut while progress is at least this share of the rep's peak came before the way back started."""
    cut_settle: float = 0.5
    """Seconds after a cut in which reaching home means the return happened off camera."""
    setup_gap: float = 0.5
    """A pose dropout this short between two frames at the start does not interrupt the setup."""
    posture_cue_repeat: float = 6.0
    """During setup, the 'get into position' cue is not repeated more often than this."""
    out_of_position_grace: float = 1.5
    """Out of position (after setup) for longer than this: the rep is abandoned and setup starts over."""
    lost_rep_grace: float = 2.5
    """Seconds without a usable pose before an open rep is abandoned and setup starts over."""

    # --- HoldTimer
    lost_hold_grace: float = 1.0
    """Seconds without a usable pose before an open hold is closed."""
    pause_exit_speed: float = 1.5
    """A pause at the top of a rep ends when the speed exceeds this multiple of the spec's ``still_speed``; a hold
    (``hold_edges="settle"``) ends when the person moves out of it faster than this; a frame of the approach
    faster than this is not yet settled."""
    hold_edges: str = "settle"
    """Where a hold starts and ends: "settle" (where the key measure settles and where the movement out resumes,
    HoldTimer) or "threshold" (where progress crosses the spec's hold thresholds: the behaviour before)."""
    hold_settle_band: float = 0.1
    """A hold's start is taken back to when progress came within this much of the level it is held at (the
    approach had settled), as long as the posture was in tolerance since then."""
    hold_settle_lookback: float = 2.0
    """...but at most this many seconds back."""
    hold_drift: float = 0.1
    """A still hold may drift this far below the spec's exit threshold (fatigue: a bridge sinking a little) before
    it ends; moving out ends it at once."""

    hold_fall_back: float = 0.6
    """Settling again in tolerance after a way out began resumes the hold only at or above this share of the
    level held (the median of its settled frames; progress from the start). 0: off. The spec's exit threshold is
    a fixed share of the nominal range; a view that reads the held pose far beyond the top (a child's pose seen
    obliquely: 1.4) also reads the start position inside it (0.5), and the person back on all fours for 10 s
    was still "holding"."""

    hold_young: float = 3.0
    """For this many seconds after a hold opens, settling again deeper than it opened (by more than
    ``hold_deeper``) moves its start to where the deeper level settled: the approach had only slowed. 0: off."""
    hold_deeper: float = 0.25
    """...in progress units. Chosen on synth_dev and tune: the approaches that had only slowed went on 0.3-2.0
    deeper; a real plank straightened by 0.14 once in position, and that was part of its labelled hold."""

    hold_level_band: float = 0.03
    """A hold ends at its last frame within this much progress of the level held (the median of its settled
    frames)..."""
    hold_level_sigmas: float = 3.0
    """...or within this many robust standard deviations of its own noise, if wider (a jittery hold)."""

    # --- FaultMonitor
    fault_repeat: float = 5.0
    """A fault outside a rep (holds, tempo, view) is not repeated within this many seconds; inside a rep, a
    fault is reported once per rep."""

    # --- ViewMonitor
    frame_margin: float = 0.02
    """The whole body must be this far inside the picture's edges (share of the picture) to be in frame."""
    view_repeat: float = 15.0
    """The camera-view and out-of-frame advice is not repeated within this many seconds."""
    view_tau: float = 1.0
    """Time constant of the filter on the apparent body width (how front-on the camera sees the person)."""
    hip_width_weight: float = 1.3
    """Hip width is scaled by this before comparing with shoulder width (hips look narrower)."""
    side_view_max_width: float = 0.75
    """A side view is wrong when the filtered width ratio is above this (the person faces the camera)."""
    front_view_min_width: float = 0.3
    """A front view is wrong when the filtered width ratio is below this (the person is side-on)."""
    view_bad_seconds: float = 2.0
    """The view must be wrong for longer than this before the person is told."""

    # --- CueBoard
    cue_seconds: float = 2.5
    """A cue stays on screen this long unless one of at least its priority replaces it."""


DEFAULT_TUNING = CheckerTuning()
