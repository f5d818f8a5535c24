#!/usr/bin/env bash
# Tries docs/deploy.md's SQLite backup and restore on the deployment test's data: an online backup while a portal
# runs, damage (every subject score deleted), stop, restore the backup, start, check every row is back.
#   deploy/test-deployment.sh up && deploy/restore-trial.sh && deploy/test-deployment.sh down
# Needs sqlite3 (apt-get install -y sqlite3). Uses its own portal on APP_PORT (5097) beside the deployed one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${DEPLOY_OUT:-$(pwd)/deploy/out}
PORT=${APP_PORT:-5097}
DB="$OUT/data/scoreportal.db"
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install -y sqlite3"; exit 2; }
export ASPNETCORE_ENVIRONMENT=Production Security__KeyFile="$OUT/keys/keys.json" ConnectionStrings__ScorePortal="Data Source=$DB" Audit__CheckpointDirectory="$OUT/audit" Audit__Archive__Directory="$OUT/data/audit-archive" Reviews__FilesDirectory="$OUT/data/review-files"
export ForwardedHeaders__KnownProxies__0=127.0.0.1 Portal__PublicBaseUrl=https://portal.test Passkeys__ServerDomain=portal.test Smtp__Host=127.0.0.1 Smtp__Port=2525 Smtp__From=noreply@portal.test

start() {
    (cd "$OUT/publish" && exec dotnet ScorePortal.dll --urls "http://127.0.0.1:$PORT") >"$OUT/restore-trial.log" 2>&1 &
    echo $! >"$OUT/restore-trial.pid"
    for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "the portal did not start"; tail -20 "$OUT/restore-trial.log"; exit 1
}
stop() { kill -INT "$(cat "$OUT/restore-trial.pid")"; wait "$(cat "$OUT/restore-trial.pid")" 2>/dev/null || true; }
count() { sqlite3 "$DB" "select (select count(*) from Candidates) || ' candidates, ' || (select count(*) from SubjectScores) || ' subject scores'"; }

start
BEFORE=$(count)
echo "running portal: $BEFORE"
sqlite3 "$DB" ".backup '$OUT/backup.db'"
echo "online backup: $(sqlite3 "$OUT/backup.db" 'pragma integrity_check')"
sqlite3 "$DB" 'delete from SubjectScores'
echo "damaged: $(count)"
stop
cp "$OUT/backup.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
start
AFTER=$(count)
echo "restored, portal $(curl -fs "http://127.0.0.1:$PORT/healthz" | grep -o '"status":"[A-Za-z]*"'): $AFTER"
stop
[ "$BEFORE" = "$AFTER" ] && echo "RESTORE OK" || { echo "RESTORE FAILED"; exit 1; }
