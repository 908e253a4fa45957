"""Pure coaching domain: rule tables, catalogue, planner, 1RM, progression, schedules.

Nothing in this package imports discord or touches the database.
"""
