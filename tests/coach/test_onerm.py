import pytest

from bot.coach.onerm import (
    ACCURATE_REP_LIMIT,
    PCT_1RM_BY_REPS,
    RTS_PCT_1RM,
    Estimate,
    Formula,
    best_estimate,
    estimate_1rm,
    is_reliable,
    load_table,
    pct_for_rpe,
    rir_from_rpe,
    rpe_load_table,
)

# training-science.md §4, worked values for w = 100 at r = 3, 5, 8, 10, 12.
WORKED_VALUES = {
    Formula.EPLEY: (110.00, 116.67, 126.67, 133.33, 140.00),
    Formula.BRZYCKI: (105.88, 112.50, 124.14, 133.33, 144.00),
    Formula.LANDER: (107.20, 113.71, 125.11, 134.07, 144.41),
    Formula.LOMBARDI: (111.61, 117.46, 123.11, 125.89, 128.21),
    Formula.MAYHEW: (113.99, 119.01, 126.29, 130.93, 135.40),
    Formula.OCONNER: (107.50, 112.50, 120.00, 125.00, 130.00),
    Formula.WATHAN: (108.98, 116.58, 127.67, 134.75, 141.50),
}
WORKED_REPS = (3, 5, 8, 10, 12)


@pytest.mark.parametrize(
    ("formula", "reps", "expected"),
    [
        (formula, reps, expected)
        for formula, values in WORKED_VALUES.items()
        for reps, expected in zip(WORKED_REPS, values, strict=True)
    ],
)
def test_worked_values_match_the_reference(formula: Formula, reps: int, expected: float) -> None:
    assert estimate_1rm(100, reps, formula) == pytest.approx(expected, abs=0.1)


def test_every_formula_has_worked_values() -> None:
    assert set(WORKED_VALUES) == set(Formula)


@pytest.mark.parametrize("formula", list(Formula))
def test_a_single_rep_is_the_one_rep_max(formula: Formula) -> None:
    assert estimate_1rm(142.5, 1, formula) == 142.5


def test_epley_is_the_default() -> None:
    assert estimate_1rm(100, 5) == estimate_1rm(100, 5, Formula.EPLEY)


def test_estimates_scale_with_weight() -> None:
    scaled = 0.6 * estimate_1rm(100, 8, Formula.WATHAN)
    assert estimate_1rm(60, 8, Formula.WATHAN) == pytest.approx(scaled)


@pytest.mark.parametrize("reps", [0, -3])
def test_reps_below_one_are_rejected(reps: int) -> None:
    with pytest.raises(ValueError):
        estimate_1rm(100, reps)


def test_brzycki_is_undefined_from_37_reps() -> None:
    assert estimate_1rm(100, 36, Formula.BRZYCKI) == pytest.approx(3600)
    with pytest.raises(ValueError):
        estimate_1rm(100, 37, Formula.BRZYCKI)
    assert estimate_1rm(100, 37) == pytest.approx(100 * (1 + 37 / 30))


def test_reliability_stops_at_ten_reps() -> None:
    assert ACCURATE_REP_LIMIT == 10
    assert is_reliable(1) and is_reliable(10)
    assert not is_reliable(11)


def test_best_estimate_prefers_sets_of_ten_reps_or_fewer() -> None:
    # 60 x 20 would "estimate" 100 kg, but a 20-rep set is not trusted while 80 x 5 exists.
    best = best_estimate([(60, 20), (80, 5), (75, 6)])
    assert best == Estimate(pytest.approx(80 * (1 + 5 / 30)), 80, 5, True)


def test_best_estimate_falls_back_to_high_rep_sets_flagged_unreliable() -> None:
    best = best_estimate([(40, 15), (50, 12), (0, 0)])
    assert best is not None
    assert (best.weight_kg, best.reps, best.reliable) == (50, 12, False)
    assert best.e1rm_kg == pytest.approx(70)


def test_best_estimate_of_nothing_is_none() -> None:
    assert best_estimate([]) is None
    assert best_estimate([(100, 0)]) is None


def test_nsca_table_matches_the_reference() -> None:
    assert PCT_1RM_BY_REPS == {
        1: 100, 2: 95, 3: 93, 4: 90, 5: 87, 6: 85, 7: 83, 8: 80, 9: 77, 10: 75,
        11: 70, 12: 67, 15: 65,
    }  # fmt: skip


def test_load_table_covers_one_to_twelve_reps_by_default() -> None:
    table = load_table(200)
    assert [row.reps for row in table] == list(range(1, 13))
    assert table[0] == (1, 100, 200)
    assert table[4].load_kg == pytest.approx(174)
    assert load_table(100, [15]) == [(15, 65, 65)]


def test_load_table_rejects_reps_missing_from_the_nsca_table() -> None:
    with pytest.raises(ValueError):
        load_table(100, [13])


@pytest.mark.parametrize(
    ("reps", "rpe", "expected"),
    [(1, 10, 100.0), (5, 8, 81.1), (12, 6, 57.2), (3, 9.5, 90.7), (8, 6.5, 69.4), (10, 7, 65.3)],
)
def test_pct_for_rpe_reads_the_rts_chart(reps: int, rpe: float, expected: float) -> None:
    assert pct_for_rpe(reps, rpe) == expected


def test_rts_chart_one_rpe_lower_is_one_rep_fewer() -> None:
    assert sorted(RTS_PCT_1RM) == [6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10]
    for rpe in [7, 7.5, 8, 8.5, 9, 9.5, 10]:
        for reps in range(2, 13):
            assert RTS_PCT_1RM[rpe][reps] == RTS_PCT_1RM[rpe - 1][reps - 1]


@pytest.mark.parametrize(("reps", "rpe"), [(0, 8), (13, 8), (5, 5.5), (5, 8.25)])
def test_pct_for_rpe_rejects_points_off_the_chart(reps: int, rpe: float) -> None:
    with pytest.raises(ValueError):
        pct_for_rpe(reps, rpe)


def test_rpe_load_table() -> None:
    table = rpe_load_table(150, 5)
    assert [row.rpe for row in table] == [6, 7, 8, 9, 10]
    assert table[-1].pct_1rm == 86.3
    assert table[-1].load_kg == pytest.approx(129.45)
    assert rpe_load_table(100, 3, rpes=(9.5,)) == [(9.5, 90.7, pytest.approx(90.7))]


def test_rir_is_ten_minus_rpe() -> None:
    assert rir_from_rpe(8) == 2
    assert rir_from_rpe(9.5) == 0.5
    with pytest.raises(ValueError):
        rir_from_rpe(11)
