#!/usr/bin/env bash
# Audit log size per million lookups: bytes per audit row in SQLite (table + indexes) and per row once archived
# (gzip JSON lines, the portal's own archiver), measured on a COPY of the lookup benchmark's database, whose audit log
# holds one score.lookup entry per lookup the benchmark made.
#
#   bench/audit/run.sh                  # needs bench/out/bench.db (run bench/lookup/run.sh first)
#   DB=/path/to/other.db bench/audit/run.sh
#
# Prints two RESULT lines; the copy and its archives are left in bench/out/audit-size/ for inspection, then verified.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
DB=${DB:-$OUT/bench.db}
WORK="$OUT/audit-size"
[ -f "$DB" ] || { echo "no database at $DB: run bench/lookup/run.sh first"; exit 2; }
rm -rf "$WORK" && mkdir -p "$WORK"
sqlite3 "$DB" ".backup '$WORK/copy.db'"
[ -d "$OUT/keys" ] && cp -r "$OUT/keys" "$WORK/keys"

export ASPNETCORE_ENVIRONMENT=Testing
export Testing__AllowProtectionsOff=true
export ConnectionStrings__ScorePortal="Data Source=$WORK/copy.db"
export Security__KeyDirectory="$WORK/keys"             # the benchmark's keys: the same audit signing key
export Audit__CheckpointDirectory="$WORK/checkpoints"
export Audit__Archive__Directory="$WORK/archive"
export Demo__Seed=false
export Logging__LogLevel__Default=Warning

echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
sqlite3 "$WORK/copy.db" "SELECT 'RESULT sqlite rows=' || (SELECT COUNT(*) FROM AuditEntries) || ' bytes=' || SUM(pgsize)
    || ' bytes_per_row=' || ROUND(SUM(pgsize) * 1.0 / (SELECT COUNT(*) FROM AuditEntries), 1)
    || ' (table ' || ROUND(SUM(CASE WHEN name = 'AuditEntries' THEN pgsize END) * 1.0 / (SELECT COUNT(*) FROM AuditEntries), 1)
    || ', indexes ' || ROUND(SUM(CASE WHEN name <> 'AuditEntries' THEN pgsize END) * 1.0 / (SELECT COUNT(*) FROM AuditEntries), 1) || ')'
    FROM dbstat WHERE name = 'AuditEntries' OR name LIKE 'IX_AuditEntries_%';"
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" bench-audit-size)
echo "== archive directory: $(du -sh "$WORK/archive" | cut -f1), database copy before VACUUM $(du -h "$WORK/copy.db" | cut -f1)"
sqlite3 "$WORK/copy.db" "VACUUM"
echo "== database copy after VACUUM: $(du -h "$WORK/copy.db" | cut -f1)"
# The checkpoints the benchmark runs signed went to the default checkpoint file, not this one: verify against the
# file this run wrote (its checkpoint and the archive record).
(cd "$ROOT/ScorePortal" && dotnet "$APP" verify-audit --lang en-US) || true
