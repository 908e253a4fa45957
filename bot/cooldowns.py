"""Per-user limits on the commands that cost the most: a chart, a full export, a file import.

One table for every transport: Discord applies it with discord.py's own
`app_commands.checks.cooldown` (see `bot.cogs.per_user_cooldown`), the console with the same
`app_commands.Cooldown` buckets on the app's clock (`bot.console`). Either way the user gets the
ephemeral `errors.cooldown` reply ("try again in N s") and nothing runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cooldown:
    rate: int  # commands allowed ...
    per: float  # ... per this many seconds, per user


COOLDOWNS: dict[str, Cooldown] = {
    # Drawing a chart takes a CPU core for about half a second.
    "progress": Cooldown(rate=2, per=30.0),
    # Reads every row about the user; once a minute is plenty for taking one's data away.
    "export": Cooldown(rate=1, per=60.0),
    # Parses and previews a file of up to 10 MB; a few in a row, so a refused file can be retried at once.
    "import": Cooldown(rate=3, per=60.0),
}
