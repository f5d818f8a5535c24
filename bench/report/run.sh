#!/usr/bin/env bash
# Score report benchmark: the bench tool (bench/ScorePortal.Bench, on the portal's host) in Release renders, protects
# and signs N one-page reports (the same code the download endpoint calls), P at a time, and prints reports/s, latency
# percentiles and the process's peak memory; then issues N reports through the register (linked record, render, sign,
# seal, store, audit) the same way.
# Names rotate through the demo's hard cases (杨𠮷 Extension B, 赵䶮 Extension A, a middle dot, Latin), so the
# fallback fonts take part in every run.
#
#   bench/report/run.sh                          # 500 reports, zh-CN, 2 at a time
#   COUNT=1000 CULTURE=en-US PARALLEL=1 bench/report/run.sh
#
# Writes one sample report to bench/out/report-sample.pdf and checks it with pdfsig (poppler-utils).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
COUNT=${COUNT:-500}
CULTURE=${CULTURE:-zh-CN}
PARALLEL=${PARALLEL:-2}
mkdir -p "$OUT"
source "$ROOT/bench/data-format.sh"

export ASPNETCORE_ENVIRONMENT=Testing          # a self-signed report certificate is made once under the key folder
export Testing__AllowProtectionsOff=true      # Testing refuses to start without this opt-in (docs/security.md)
export ConnectionStrings__ScorePortal="Data Source=$OUT/report-bench.db"
export Security__KeyDirectory="$OUT/keys"
# The issue benchmark reads demo records (linked to bench accounts) and writes the register.
export Demo__Seed=true
export Demo__Candidates=200
export Logging__LogLevel__Default=Warning

echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1   # the portal too: the bench tool references it
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" bench-reports --count "$COUNT" --culture "$CULTURE" --parallel "$PARALLEL" --out "$OUT/report-sample.pdf")
echo "== load between: $(cut -d' ' -f1-3 /proc/loadavg)"
# The whole issue as the download endpoint runs it: record, render, sign, seal, register row, audit entry.
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" bench-issue-reports --count "$COUNT" --culture "$CULTURE" --parallel "$PARALLEL")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

if command -v pdfsig >/dev/null; then
    pdfsig "$OUT/report-sample.pdf" | grep -E "Signature Validation|Signature Type|Total document signed"
fi
echo "== sample: $OUT/report-sample.pdf ($(stat -c %s "$OUT/report-sample.pdf") bytes)"
