"""Estimated one-rep max and the tables that turn it back into loads.

Sources: training-science.md §2 (NSCA Table 17.7), §3 (RPE/RIR, RTS chart) and §4 (formulas).
All loads are kilograms; callers round to plates with `bot.coach.units.round_load`.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import NamedTuple


class Formula(StrEnum):
    EPLEY = "epley"
    BRZYCKI = "brzycki"
    LANDER = "lander"
    LOMBARDI = "lombardi"
    MAYHEW = "mayhew"
    OCONNER = "oconner"
    WATHAN = "wathan"


_EXPRESSIONS: Mapping[Formula, Callable[[float, int], float]] = {
    Formula.EPLEY: lambda w, r: w * (1 + r / 30),
    Formula.BRZYCKI: lambda w, r: w * 36 / (37 - r),
    Formula.LANDER: lambda w, r: 100 * w / (101.3 - 2.67123 * r),
    Formula.LOMBARDI: lambda w, r: w * r**0.10,
    Formula.MAYHEW: lambda w, r: 100 * w / (52.2 + 41.9 * math.exp(-0.055 * r)),
    Formula.OCONNER: lambda w, r: w * (1 + 0.025 * r),
    Formula.WATHAN: lambda w, r: 100 * w / (48.8 + 53.8 * math.exp(-0.075 * r)),
}

BRZYCKI_REP_LIMIT = 36
"""Brzycki divides by (37 - reps): meaningless from 37 reps on."""

ACCURATE_REP_LIMIT = 10
"""Reynolds et al. 2006: linear equations need sets of no more than 10 reps; NSCA agrees."""


def estimate_1rm(weight: float, reps: int, formula: Formula = Formula.EPLEY) -> float:
    """Estimated 1RM in the unit of `weight` from a set taken to (near) failure.

    A single rep returns the weight itself for every formula: most apps do this, because
    Epley, Lander, Mayhew, O'Conner and Wathan would otherwise claim a 1RM above a true single.
    """
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    if weight < 0:
        raise ValueError(f"weight must not be negative, got {weight}")
    if formula is Formula.BRZYCKI and reps > BRZYCKI_REP_LIMIT:
        raise ValueError(f"Brzycki is undefined at {reps} reps (limit {BRZYCKI_REP_LIMIT})")
    if reps == 1:
        return float(weight)
    return _EXPRESSIONS[formula](weight, reps)


def is_reliable(reps: int) -> bool:
    """Whether a set with this many reps gives a trustworthy 1RM estimate."""
    return 1 <= reps <= ACCURATE_REP_LIMIT


class Estimate(NamedTuple):
    e1rm_kg: float
    weight_kg: float
    reps: int
    reliable: bool


def best_estimate(
    sets: Iterable[tuple[float, int]], formula: Formula = Formula.EPLEY
) -> Estimate | None:
    """The highest estimated 1RM among logged (weight_kg, reps) sets.

    Only sets of at most ACCURATE_REP_LIMIT reps count; when there are none, the best
    higher-rep set is used and flagged unreliable. Sets with no reps are ignored, and
    None means nothing usable was logged.
    """
    estimates = [
        Estimate(estimate_1rm(weight, reps, formula), weight, reps, is_reliable(reps))
        for weight, reps in sets
        if reps >= 1 and (formula is not Formula.BRZYCKI or reps <= BRZYCKI_REP_LIMIT)
    ]
    reliable = [estimate for estimate in estimates if estimate.reliable]
    candidates = reliable or estimates
    return max(candidates, key=lambda estimate: estimate.e1rm_kg, default=None)


PCT_1RM_BY_REPS: Mapping[int, float] = {
    1: 100, 2: 95, 3: 93, 4: 90, 5: 87, 6: 85, 7: 83, 8: 80, 9: 77, 10: 75,
    11: 70, 12: 67, 15: 65,
}  # fmt: skip
"""NSCA Table 17.7: the %1RM that allows this many reps. 11, 12 and 15 are secondary."""


class LoadRow(NamedTuple):
    reps: int
    pct_1rm: float
    load_kg: float


def load_table(e1rm_kg: float, reps: Iterable[int] = range(1, 13)) -> list[LoadRow]:
    """Loads for each rep count from NSCA Table 17.7 (which has no 13 or 14)."""
    rows = []
    for count in reps:
        if count not in PCT_1RM_BY_REPS:
            raise ValueError(f"NSCA Table 17.7 has no row for {count} reps")
        pct = PCT_1RM_BY_REPS[count]
        rows.append(LoadRow(count, pct, e1rm_kg * pct / 100))
    return rows


def _rts_row(*pcts: float) -> Mapping[int, float]:
    return dict(enumerate(pcts, start=1))


RTS_PCT_1RM: Mapping[float, Mapping[int, float]] = {
    10: _rts_row(100.0, 95.5, 92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0),
    9.5: _rts_row(97.8, 93.9, 90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7),
    9: _rts_row(95.5, 92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3),
    8.5: _rts_row(93.9, 90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0),
    8: _rts_row(92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6),
    7.5: _rts_row(90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0, 61.3),
    7: _rts_row(89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6, 59.9),
    6.5: _rts_row(87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0, 61.3, 58.6),
    6: _rts_row(86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6, 59.9, 57.2),
}
"""RTS (Tuchscherer) chart: RPE -> reps -> %1RM, RPE 6-10 in half steps, reps 1-12 (§3.2).

Reps 11-12 differ between public copies; these are the ones two implementations share.
"""


def pct_for_rpe(reps: int, rpe: float) -> float:
    """%1RM for `reps` at `rpe` from the RTS chart."""
    row = RTS_PCT_1RM.get(rpe)
    if row is None:
        raise ValueError(f"the RTS chart has no RPE {rpe} (6-10 in half steps)")
    if reps not in row:
        raise ValueError(f"the RTS chart has no column for {reps} reps (1-12)")
    return row[reps]


class RpeLoadRow(NamedTuple):
    rpe: float
    pct_1rm: float
    load_kg: float


def rpe_load_table(
    e1rm_kg: float, reps: int, rpes: Sequence[float] = (6, 7, 8, 9, 10)
) -> list[RpeLoadRow]:
    """Loads for a set of `reps` at each RPE in `rpes`."""
    rows = []
    for rpe in rpes:
        pct = pct_for_rpe(reps, rpe)
        rows.append(RpeLoadRow(rpe, pct, e1rm_kg * pct / 100))
    return rows


def rir_from_rpe(rpe: float) -> float:
    """Reps in reserve as apps simplify it: 10 - RPE (Zourdos calls 9.5 zero RIR; §3.1)."""
    if not 1 <= rpe <= 10:
        raise ValueError(f"RPE runs from 1 to 10, got {rpe}")
    return 10 - rpe
