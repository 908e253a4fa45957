"""/today's plan prepared ahead and kept per lifter while nothing it was computed from changed.

What /today computes beyond any other command (each planned lift's progression over its
latest sessions, the safety guard, the week's adherence and the two-year streak) is a function
of two things only: the lifter's stored data and their local date. The database moves
`users.plan_revision` on every change to that data (migration 0008's triggers on
`bot.store.schema.PLAN_INPUTS`), in any process, so a plan kept under (`PlanKey`: the profile's
creation, revision, local date) is the plan a fresh computation would give, for as long as all
three still match. Every command reads
the profile, revision included, before anything else; a kept plan costs /today no further read,
and /today's reply is kept with it (`planning.todays_reply`): it shows nothing else.

Plans are prepared by the app's preparer (`bot.preparer`) while no command is running: at
start-up for the lifters who trained lately, and for each kept lifter when their local day ends.
A /today that finds none computes it, as before, and keeps it.

A command that has written in its own transaction keeps no plan: what it computed is not
committed yet. It looks one up under the revision read again after its writes, not its
profile's, which predates them (a swap shows /today with the swap).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.coach.adherence import Adherence
    from bot.commands.planning import TodaysPlan
    from bot.replies import Reply


@dataclass(frozen=True)
class PlanKey:
    """What a kept plan was computed from: the lifter's data at `revision`, on their local `day`.

    `registered`: when the lifter's profile was created (`users.created_at`, ISO 8601 UTC). A lifter
    who used /forget and came back starts again at revision 0, so the revision alone could name a
    plan of their former data.
    """

    registered: str
    revision: int
    day: date


@dataclass
class Prepared:
    key: PlanKey
    zone: str  # the lifter's time zone when it was kept: where `key.day` ends
    plan: TodaysPlan | None = None
    week: Adherence | None = None
    reply: Reply | None = None  # /today's reply of `plan` and `week` (`planning.todays_reply`)


class PreparedPlans:
    """Kept plans per lifter, the `capacity` most recently used (0 keeps none).

    Plans, adherence and replies are frozen values, shared between the commands that read them;
    nothing may change them in place.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._kept: OrderedDict[int, Prepared] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, user_id: int, key: PlanKey) -> Prepared | None:
        """The lifter's kept plan if it was computed for `key`."""
        prepared = self._kept.get(user_id)
        if prepared is None or prepared.key != key:
            return None
        self._kept.move_to_end(user_id)
        return prepared

    def items(self) -> list[tuple[int, Prepared]]:
        """(user id, kept entry) of every lifter, least recently used first (a copy)."""
        return list(self._kept.items())

    def slot(self, user_id: int, key: PlanKey, zone: str) -> Prepared | None:
        """The entry to keep `key`'s plan and week in (replacing one for an older key), or None when
        nothing is kept: capacity 0, or the lifter's kept plan is newer than `key` (a command whose
        profile was read before another command's write must not push out the newer plan)."""
        if self.capacity == 0:
            return None
        prepared = self._kept.get(user_id)
        if prepared is not None and prepared.key != key:
            if _newer(prepared.key, key):
                return None
            prepared = None
        if prepared is None:
            prepared = self._kept[user_id] = Prepared(key, zone)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)
        self._kept.move_to_end(user_id)
        return prepared

    def forget(self, user_id: int) -> None:
        """Drop the lifter's kept plan (after /forget: their data leaves memory too)."""
        self._kept.pop(user_id, None)


def _newer(kept: PlanKey, asked: PlanKey) -> bool:
    """Whether `kept`, another key than `asked`, is a later state of the same lifter (revision or day)."""
    return kept.registered == asked.registered and kept.revision >= asked.revision and kept.day >= asked.day
