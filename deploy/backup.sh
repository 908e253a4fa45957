#!/usr/bin/env sh
# Nightly backup, e.g. from cron: 0 3 * * * /path/to/liftcoach-checkout/deploy/backup.sh
# Safe while the bot runs: SQLite's online backup API, or pg_dump on PostgreSQL (`python -m bot backup`).
#
# It reads the bot's settings as the bot does (the environment, else .env in the checkout). For
# the systemd layout of docs/deploy.md, name the database and the installed Python:
#   DATABASE_URL=sqlite:////var/lib/liftcoach/liftcoach.db LIFTCOACH_PYTHON=/opt/liftcoach/.venv/bin/python \
#   BACKUP_DIR=/var/backups/liftcoach deploy/backup.sh
# BACKUP_DIR (default: backups, in the checkout) keeps BACKUP_KEEP_DAYS (default 14) days of copies.
set -eu
case "${BACKUP_DIR:-}" in
    "" | /*) ;;
    *) BACKUP_DIR="$PWD/$BACKUP_DIR" ;;  # relative to where it was run, not to the checkout
esac
cd "$(dirname "$0")/.."
umask 077  # a copy holds every lifter's log: readable by its owner only
dir="${BACKUP_DIR:-$PWD/backups}"
mkdir -p "$dir"
"${LIFTCOACH_PYTHON:-.venv/bin/python}" -m bot backup "$dir/liftcoach-$(date +%Y%m%d).backup"
find "$dir" -name 'liftcoach-*.backup' -mtime +"${BACKUP_KEEP_DAYS:-14}" -delete
