"""Liftcoach's benchmarks: `python -m bench` (see docs/performance.md).

Each benchmark measures its own baseline in the same run and reports ratios, because absolute
times drift on a shared machine. Nothing here is imported by the bot.
"""
