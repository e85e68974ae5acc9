"""Pain first: the rules that end a session, pure (ratings in, a decision and what to say out).

The guides say "stop when you feel pain". A rating of 7 or more at any check-in, or a rise of 2 or more from the
rating before the session, ends it with advice to see a professional; the "this hurts" key stops only the
exercise in progress, kindly, and the session moves on.
"""
from __future__ import annotations

PAIN_STOP = 7  # a rating at or above this ends the session
PAIN_RISE_STOP = 2  # a rise from the rating before the session at or above this ends it

SEE_A_PROFESSIONAL = ("If the pain does not settle within a day or two, or you feel numbness, tingling or weakness, "
                      "see a doctor or physiotherapist before exercising again.")


def pain_stop(before: int | None, now: int | None) -> str | None:
    """Why the session must end given the rating before it and the latest one, or None to carry on."""
    if now is not None and now >= PAIN_STOP:
        return f"Your pain is {now} out of 10. That is too much to exercise with: stop for today. " + SEE_A_PROFESSIONAL
    if before is not None and now is not None and now - before >= PAIN_RISE_STOP:
        return (f"Your pain went up from {before} to {now}. Stop for today and rest. " + SEE_A_PROFESSIONAL)
    return None


def hurt_message(exercise_name: str) -> str:
    """What the coach says when the "this hurts" key is pressed."""
    return (f"Sorry it hurts. We stop {exercise_name} here; never push through pain. It is noted, and we move on "
            "to the next exercise.")


def valid_rating(n) -> int:
    """A pain rating 0-10 (ValueError with the allowed range otherwise)."""
    try:
        v = int(n)
    except (TypeError, ValueError):
        raise ValueError(f"pain must be a whole number from 0 to 10, got {n!r}") from None
    if not 0 <= v <= 10:
        raise ValueError(f"pain must be from 0 (none) to 10 (worst), got {v}")
    return v
