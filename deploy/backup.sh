#!/usr/bin/env sh
# Nightly backup, e.g. from cron: 0 3 * * * /opt/liftcoach/deploy/backup.sh
# Uses SQLite's online backup API, so it is safe while the bot runs.
set -eu
cd "$(dirname "$0")/.."
.venv/bin/python -m bot backup "backups/liftcoach-$(date +%Y%m%d).db"
find backups -name 'liftcoach-*.db' -mtime +14 -delete
