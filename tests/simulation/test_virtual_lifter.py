"""Twelve weeks of following /today, for every goal and level, through the app's entry points only.

Asserts issue 8's acceptance list: loads rise for a lifter who gets stronger, stay within the
goal's %1RM band of the true 1RM (within one increment), never rise more than 10 % unless by
the smallest step, never fall below the empty bar or a fraction of the start; a stalled
lifter gets one deload at a time, then a return; a failing lifter never gets an increase;
kg and lb users see the same trajectory on their own plates.
"""

from __future__ import annotations

import pytest

from bot.coach.catalogue import Gear, Kind, Pattern
from bot.coach.units import to_kg
from bot.coach.vocabulary import Experience, Goal, Unit
from tests.simulation.lifter import VirtualLifter

WEEKS = 12
DAYS = {Experience.NOVICE: 3, Experience.INTERMEDIATE: 4, Experience.ADVANCED: 4}
RISING = 0.015  # +1.5 % a week: about +19 % over 12 weeks, as in the issue


def core_barbell(app, lifter):
    """Core barbell lifts with at least four prescribed sessions."""
    return {
        key: entries for key, entries in lifter.log.items()
        if (exercise := app.catalogue.get(key)).equipment is Gear.BARBELL and exercise.kind is Kind.COMPOUND
        and len(entries) >= 4
    }


def assert_safe_steps(app, lifter):
    for key, entries in lifter.log.items():
        exercise = app.catalogue.get(key)
        grid = app.loading.grid(exercise, lifter.unit)
        best = 0.0
        for before, after in zip(entries, entries[1:]):
            if after.load > before.load and not before.deload:  # back from a deload is a return, not a rise
                smallest = grid.next_above(before.load) - before.load
                assert after.load - before.load <= max(0.10 * before.load, smallest) + 1e-9, (key, before, after)
        for entry in entries:
            if grid.barbell:
                assert entry.load >= grid.lowest, (key, entry)
            assert entry.load >= 0.8 * best - grid.next_above(best) + best - 1e-9, (key, entry, best)
            if not entry.deload:
                best = max(best, entry.load)


@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize("goal", list(Goal))
async def test_a_lifter_who_gets_stronger_progresses_inside_the_goals_band(app, clock, goal, experience):
    lifter = VirtualLifter(app, clock, Unit.KG, RISING)
    await lifter.follow(goal.value, experience.value, DAYS[experience], WEEKS)
    assert lifter.sessions_done == WEEKS * DAYS[experience]
    assert_safe_steps(app, lifter)
    level = app.rules.level(goal, experience)
    lifts = core_barbell(app, lifter)
    assert lifts, "the plan has core barbell lifts"
    summary = []
    for key, entries in lifts.items():
        grid = app.loading.grid(app.catalogue.get(key), Unit.KG)
        assert entries[-1].load > entries[0].load, (key, [e.load for e in entries])
        settled = [e for e in entries if e.week >= 3 and not e.deload]
        worst = 0.0
        for entry in settled:
            low = level.intensity_pct.low / 100 * entry.true_1rm
            high = level.intensity_pct.high / 100 * entry.true_1rm
            outside = max(low - entry.load, entry.load - high, 0) / grid.step
            worst = max(worst, outside)
        assert worst <= 1 + 1e-9, (goal, experience, key, worst, [(e.load, round(e.true_1rm, 1)) for e in settled])
        first, last = entries[0], entries[-1]
        summary.append(f"{key}: wk{first.week + 1} {first.load:g}/{first.true_1rm:.0f} = {first.load / first.true_1rm:.0%}"
                       f" -> wk{last.week + 1} {last.load:g}/{last.true_1rm:.0f} = {last.load / last.true_1rm:.0%}")
    print(f"\n[{goal.value}/{experience.value}] " + "; ".join(summary))


@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize("goal", list(Goal))
async def test_a_stalled_lifter_gets_one_deload_then_the_working_load_returns(app, clock, goal, experience):
    lifter = VirtualLifter(app, clock, Unit.KG, 0.0)
    await lifter.follow(goal.value, experience.value, DAYS[experience], WEEKS)
    assert_safe_steps(app, lifter)
    deloads = 0
    for key, entries in core_barbell(app, lifter).items():
        for index, entry in enumerate(entries):
            if not entry.deload:
                continue
            deloads += 1
            before = entries[index - 1]
            assert entry.load < before.load or entry.load == app.loading.grid(app.catalogue.get(key), Unit.KG).lowest
            if index + 1 < len(entries):
                after = entries[index + 1]
                assert not after.deload, "one deload session, not a spiral"
                assert after.load == before.load, ("the working load returns", key, before, entry, after)
    assert deloads >= 1


@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize("goal", list(Goal))
async def test_a_failing_lifter_never_gets_an_increase(app, clock, goal, experience):
    lifter = VirtualLifter(app, clock, Unit.KG, -0.02)
    await lifter.follow(goal.value, experience.value, DAYS[experience], WEEKS)
    assert_safe_steps(app, lifter)
    for key, entries in lifter.log.items():
        # A rise from the lifter's own starting pick, held first to build the reps a big jump needs
        # (a 5 kg stack plate on 40 kg), was earned while still strong enough: count from after it.
        start = next((index for index, entry in enumerate(entries) if "is a big step up from" not in entry.why), len(entries))
        first = entries[min(start, len(entries) - 1)].load
        assert all(entry.load <= first + 1e-9 for entry in entries[start:]), (key, [e.load for e in entries])


@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize("goal", list(Goal))
async def test_kg_and_lb_users_see_the_same_trajectory_on_their_own_plates(settings, clock, tmp_path, goal, experience):
    from bot.app import Liftcoach

    trajectories = {}
    for unit in Unit:
        unit_settings = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / unit.value}.db"})
        app = await Liftcoach.start(unit_settings, clock=clock)
        try:
            clock.now = clock.now.replace(year=2026, month=11, day=23)
            lifter = VirtualLifter(app, clock, unit, RISING)
            await lifter.follow(goal.value, experience.value, DAYS[experience], WEEKS)
            assert_safe_steps(app, lifter)
            squat = lifter.log["barbell-back-squat"]
            grid = app.loading.grid(app.catalogue.get("barbell-back-squat"), unit)
            assert all(abs(grid.nearest(e.load) - e.load) < 1e-9 for e in squat), "on the user's own plates"
            trajectories[unit] = [to_kg(e.load, unit) for e in squat]
        finally:
            await app.close()
    kg, lb = trajectories[Unit.KG], trajectories[Unit.LB]
    assert len(kg) == len(lb)
    tolerance = 2.5 + to_kg(5, Unit.LB)  # one kg step plus one lb step
    assert all(abs(a - b) <= tolerance for a, b in zip(kg[3:], lb[3:])), list(zip(kg, lb))


async def test_an_assisted_lifter_gets_less_assistance_one_step_at_a_time_and_never_below_zero(app, clock):
    """Assisted kind, 12 weeks: the assistance falls for a lifter who gets stronger, one machine
    step at a time, never past zero assistance; a deload is more assistance, then a return."""
    lifter = VirtualLifter(app, clock, Unit.KG, RISING, swaps={Pattern.VERTICAL_PULL: "assisted-pull-up"})
    await lifter.follow("hypertrophy", "novice", 3, WEEKS)
    entries = lifter.body_log["assisted-pull-up"]
    step = app.loading.grid(app.catalogue.get("assisted-pull-up"), Unit.KG).step
    assert len(entries) >= 12
    assert all(entry.load < 0 for entry in entries), "never below zero assistance"
    assert entries[-1].load > entries[0].load, [e.load for e in entries]
    for before, after in zip(entries, entries[1:]):
        if after.load > before.load and not before.deload:
            assert after.load - before.load == step, (before, after)
        if after.deload:
            assert after.load < before.load, "a deload is more assistance"
    print("\n[assisted] " + " ".join(f"{e.load:g}" for e in entries))


@pytest.mark.parametrize("unit", list(Unit))
async def test_a_weighted_lifter_starts_at_bodyweight_then_adds_the_smallest_plate(app, clock, unit):
    """Weighted bodyweight kind, 12 weeks: bodyweight reps first, then added load rising by the
    lifter's smallest plate (1.25 kg / 2.5 lb), never below bodyweight."""
    lifter = VirtualLifter(app, clock, unit, RISING, swaps={Pattern.VERTICAL_PULL: "weighted-pull-up"})
    await lifter.follow("strength", "intermediate", 4, WEEKS)
    entries = lifter.body_log["weighted-pull-up"]
    step = app.loading.grid(app.catalogue.get("weighted-pull-up"), unit).step
    assert step == (1.25 if unit is Unit.KG else 2.5)
    assert entries[0].load == 0 and all(entry.load >= 0 for entry in entries)
    assert entries[-1].load > 0, [e.load for e in entries]
    for before, after in zip(entries, entries[1:]):
        if after.load > before.load and not before.deload:
            assert after.load - before.load <= max(0.10 * before.load, step) + 1e-9, (before, after)
    print(f"\n[weighted {unit.value}] " + " ".join(f"{e.load:g}" for e in entries))


async def test_a_lifter_who_keeps_failing_a_load_starts_again_lower_instead_of_looping(app, clock):
    # Fail x3, one lighter session, back, fail x3, the same lighter session, back ... for as long as
    # the load stayed out of reach. A second run of failures at that load now resets it (§8/§9).
    lifter = VirtualLifter(app, clock, Unit.KG, -0.01)
    await lifter.follow("strength", "novice", 3, 16)
    assert_safe_steps(app, lifter)
    squat = lifter.log["barbell-back-squat"]
    [reset, *_] = [index for index, entry in enumerate(squat) if "new start at" in entry.why]
    assert not squat[reset].deload and squat[reset].load < squat[reset - 1].load
    failed = squat[reset - 1].load
    after = squat[reset:]
    assert all(entry.load < failed for entry in after), "the loop at the failed load is broken"
