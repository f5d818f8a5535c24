#!/usr/bin/env bash
# Release reminders: (1) 1,000,000 stored subscribers expanded page by page by the portal's own ReminderPageHandler,
# the process's working set sampled every 100 ms (flat memory: the peak of the first tenth and of the last tenth of the
# run should match); (2) 100,000 encrypted subscribers expanded and sent by the portal's outbox worker over real SMTP
# (MailKit) to a minimal SMTP sink on loopback in the same process, with the achieved rate.
#
#   bench/reminders/run.sh                       # 1,000,000 and 100,000
#   SUBSCRIBERS=100000 SENDS=10000 bench/reminders/run.sh
#   RATE=50 bench/reminders/run.sh               # the configured pace instead of the ceiling
#
# A fresh database in bench/out/reminders/ each run. Prints RESULT lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
WORK=${WORK:-$ROOT/bench/out/reminders}
SUBSCRIBERS=${SUBSCRIBERS:-1000000}
SENDS=${SENDS:-100000}
RATE=${RATE:-10000}
PORT=${PORT:-2525}
rm -rf "$WORK" && mkdir -p "$WORK"

export ASPNETCORE_ENVIRONMENT=Testing
export Testing__AllowProtectionsOff=true
export ConnectionStrings__ScorePortal="Data Source=$WORK/reminders.db"
export Security__KeyDirectory="$WORK/keys"
export Audit__CheckpointDirectory="$WORK/checkpoints"
export Audit__Archive__Directory="$WORK/archive"
export Demo__Seed=false
export Logging__LogLevel__Default=Warning
export Reminders__SendsPerSecond="$RATE"
export Reminders__PageSize=1000
export Smtp__Host=127.0.0.1
export Smtp__Port="$PORT"
export Smtp__Security=None
export Smtp__From=noreply@bench.test
export Outbox__BatchSize=200

echo "== build (Release)"
[ "${NO_BUILD:-}" = 1 ] || dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== data: $SUBSCRIBERS subscribers to expand, $SENDS to send, Reminders:SendsPerSecond=$RATE, PageSize 1000"
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" bench-reminders --subscribers "$SUBSCRIBERS" --sends "$SENDS" --smtp-port "$PORT")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg); database $(du -h "$WORK/reminders.db" | cut -f1)"
