"""The tunable knobs of insights, in one place.

Every risk score is the sum of the points below for the facts that hold on an
account, capped at 100. Change a number here and every score, level and reason
follows. The levels: ``score >= HIGH`` is high, ``score >= MEDIUM`` medium, else low.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskWeights:
    """Points added to an account's displacement risk (0-100) per fact."""

    no_thread: int = 40            # nobody at the account with a live relationship
    one_thread: int = 30           # exactly one person (single-threaded)
    two_threads: int = 15          # two people
    one_rep_holds_all: int = 10    # one rep holds >= ``rep_share`` of the relationships
    rep_share: float = 0.8
    champion_left: int = 25        # a champion left in the last ``champion_left_days``
    champion_left_days: int = 365
    no_champion: int = 10          # no champion currently at the account
    no_exec: int = 10              # no executive among the threads
    no_manager: int = 5            # no manager or executive among the threads
    stale_touch: int = 10          # no touch in ``stale_days``
    stale_days: int = 90
    very_stale_touch: int = 15     # no touch in ``very_stale_days`` (replaces stale_touch)
    very_stale_days: int = 180
    never_touched: int = 10        # no touch date known at all
    senior_arrival: int = 15       # an executive arrived in the last ``arrival_days``
    arrival_days: int = 182
    renewal_soon: int = 10         # renewal or open close date within ``renewal_days``
    renewal_days: int = 120
    arr_max: int = 10              # ARR at stake: ``arr_max * min(arr / arr_cap, 1)``
    arr_cap: float = 250_000.0
    high: int = 60
    medium: int = 30


@dataclass(frozen=True)
class InsightSettings:
    """Thresholds for moves, champions, strength and suggestions."""

    inferred_min_messages: int = 10      # frequent messages make an inferred champion...
    inferred_recent_days: int = 90       # ...when the last one is this recent
    strength_recent_days: int = 180
    # A rep whose latest LinkedIn export is this much older than the team's latest has stopped
    # exporting: they left the team, and their relationships are no longer the team's.
    rep_gone_days: int = 365
    max_paths: int = 5
    max_next_contacts: int = 5


RISK = RiskWeights()
SETTINGS = InsightSettings()


def risk_level(score: float, weights: RiskWeights = RISK) -> str:
    """``"high"``, ``"medium"`` or ``"low"`` for a 0-100 score.

    >>> risk_level(75), risk_level(30), risk_level(5)
    ('high', 'medium', 'low')
    """
    if score >= weights.high:
        return "high"
    if score >= weights.medium:
        return "medium"
    return "low"
