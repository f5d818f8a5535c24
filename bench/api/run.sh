#!/usr/bin/env bash
# Enterprise API benchmark: POST /api/v1/exam/result with a valid key, 64 connections, every call's access row committed
# before its answer; and in the same run, on the same portal and data, the public lookup (bench/lookup's request:
# antiforgery, a fresh captcha token, the HTML answer) as the reference rate. Target: API ≥ 0.5 × lookup, API p99 < 25 ms.
#
#   bench/api/run.sh                          # CANDIDATES=100000 CONSENTS=20000 DURATION=20s ROUNDS=2 by default
#   REGENERATE=1 bench/api/run.sh             # rebuild the data set
#
# Needs wrk (apt-get install -y wrk). Prints one RESULT line per run, lookup and API alternating.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out/api-run"
API_DIR="$OUT/api"
CANDIDATES=${CANDIDATES:-100000}
CONSENTS=${CONSENTS:-20000}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-5098}
URL="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }

export ASPNETCORE_ENVIRONMENT=Testing          # as bench/lookup: Captcha:TestAnswer for the lookup runs
export Testing__AllowProtectionsOff=true
export ConnectionStrings__ScorePortal="Data Source=$OUT/bench.db"
export Security__KeyDirectory="$OUT/keys"
export Demo__Seed=false
export Captcha__TestAnswer=BENCH
export Captcha__Lifetime=00:05:00
export Lookup__Limits__PerAddressPerMinute=0   # all load comes from one address: the lookup's per-address limits off
export Lookup__Limits__PerIdNumberPer10Minutes=0
export Lookup__Limits__WrongNamesBeforeLock=0
export Lookup__Limits__WrongNamesBeforeDelay=0
export Captcha__NewPerAddressPerMinute=0
export Captcha__ImagesPerAddressPerMinute=0
export Anomaly__LookupsPerAddress=0
export Anomaly__ProvincesPerAddress=0
export Anomaly__WrongNamesPerAddress=0
export Anomaly__MissedIdNumbersPerAddress=0
export Logging__LogLevel__Default=Warning
# The API needs nothing switched off: its key has no per-minute limit, no quota and no allow-list.

echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"

if [ "${REGENERATE:-0}" = 1 ] || [ ! -f "$OUT/bench.db" ] || [ ! -f "$OUT/lookups.csv" ]; then
    echo "== data: $CANDIDATES candidates"
    rm -f "$OUT"/bench.db* "$OUT/lookups.csv"
    (cd "$ROOT/ScorePortal" && dotnet "$BENCH" generate-bench-data --candidates "$CANDIDATES" --sample "$OUT/lookups.csv")
fi
echo "== data: an enterprise, a fresh unlimited key, $CONSENTS consents"
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" generate-api-bench-data --consents "$CONSENTS" --out "$API_DIR") | tail -1
echo "== data: database $(du -h "$OUT/bench.db" | cut -f1), $(($(wc -l < "$API_DIR/requests.csv") - 1)) API requests, $(($(wc -l < "$OUT/lookups.csv") - 1)) lookups"

if curl -fs "$URL/healthz" >/dev/null 2>&1; then echo "something already listens on $URL: stop it first"; exit 2; fi
echo "== start the portal on $URL"
(cd "$ROOT/ScorePortal" && exec dotnet "$APP" --urls "$URL") > "$OUT/app.log" 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs "$URL/healthz" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fs "$URL/healthz" >/dev/null || { echo "the portal did not start"; tail -20 "$OUT/app.log"; exit 1; }

echo "== antiforgery token"
JAR="$OUT/cookies.txt"
rm -f "$JAR"
PAGE=$(curl -fs -c "$JAR" "$URL/lookup")
TOKEN=$(printf '%s' "$PAGE" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
COOKIE=$(awk '$6 ~ /Antiforgery/ { print $6 "=" $7 }' "$JAR" | head -1)
[ -n "$TOKEN" ] && [ -n "$COOKIE" ] || { echo "no antiforgery token on /lookup"; exit 1; }
printf 'TOKEN=%s\nCOOKIE=%s\n' "$TOKEN" "$COOKIE" > "$OUT/form.env"

export BENCH_DIR="$OUT" API_DIR WRONG_NAME_EVERY=10
seconds=${DURATION%s}
access_rows() { sqlite3 "$OUT/bench.db" 'SELECT COUNT(*) FROM ApiAccessLog' 2>/dev/null || echo "?"; }

echo "== warm-up (5 s each)"
rm -f "$OUT"/tokens-*.txt
wrk -t"$THREADS" -c16 -d5s -s bench/lookup/tokens.lua "$URL" > /dev/null
wrk -t"$THREADS" -c16 -d5s -s bench/lookup/lookup.lua "$URL" > /dev/null 2>&1 || true
wrk -t"$THREADS" -c16 -d5s -s bench/api/api.lua "$URL" > /dev/null 2>&1 || true

for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round: mint captcha tokens"
    rm -f "$OUT"/tokens-*.txt
    wrk -t"$THREADS" -c32 -d"$((seconds / 2 + 5))"s -s bench/lookup/tokens.lua "$URL" > /dev/null
    echo "   $(cat "$OUT"/tokens-*.txt | wc -l) tokens"
    echo "== round $round: public lookup (POST /lookup), $THREADS threads, $CONNECTIONS connections, $DURATION"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/lookup/lookup.lua "$URL" | grep RESULT | sed 's/^RESULT/RESULT lookup/'
    before=$(access_rows)
    echo "== round $round: enterprise API (POST /api/v1/exam/result), $THREADS threads, $CONNECTIONS connections, $DURATION"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/api/api.lua "$URL" | grep RESULT | sed 's/^RESULT/RESULT api/'
    echo "   access rows written during the run: $(( $(access_rows) - before ))"
done

PEAK_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$APP_PID/status" 2>/dev/null || echo 0)
echo "PEAK_WORKING_SET_MB=$((PEAK_KB / 1024)) CPU=$(nproc)x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) LOAD=$(cut -d' ' -f1-3 /proc/loadavg)"
