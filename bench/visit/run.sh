#!/usr/bin/env bash
# Whole-visit benchmark (issue #22 item 1): what a browser does on a first visit, against the portal in Release on
# loopback, and the lookup POST alone in the same run (same process, same data, same connections), so that their ratio
# does not depend on how busy the machine was that hour.
#   phase 1 (lookup only): bench/lookup's lookup.lua with pre-minted captcha tokens (as bench/lookup/run.sh);
#   phase 2 (visits): bench/visit/visit.lua, one virtual visitor per wrk thread: GET /lookup, GET every captcha picture
#            the page shows (not the lazy one in the closed ticket disclosure), POST the lookup (wrong name every 10th),
#            every answer checked, each step timed.
#
#   bench/visit/run.sh                               # CANDIDATES=1000000 DURATION=30s CONNECTIONS=64
#   CANDIDATES=100000 DURATION=20s bench/visit/run.sh
#   REGENERATE=1 bench/visit/run.sh                  # rebuild the data set (shared with bench/lookup in bench/out)
#
# Needs wrk (apt-get install -y wrk) built with LuaJIT (Debian's is). Prints RESULT lines; bench/RESULTS.md keeps runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
CANDIDATES=${CANDIDATES:-1000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-5097}
WRONG_NAME_EVERY=${WRONG_NAME_EVERY:-10}
URL="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
source "$ROOT/bench/data-format.sh"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }

export ASPNETCORE_ENVIRONMENT=Testing          # Captcha:TestAnswer is honored only in Development and Testing
export Testing__AllowProtectionsOff=true      # Testing refuses to start without this opt-in (docs/security.md)
export ConnectionStrings__ScorePortal="Data Source=$OUT/bench.db"
export Security__KeyDirectory="$OUT/keys"
export Demo__Seed=false
export Captcha__TestAnswer=BENCH
export Captcha__Lifetime=00:05:00              # phase 1's tokens are minted before it; each is still used once
export Lookup__Limits__PerAddressPerMinute=0   # all load comes from one address: per-address limits off,
export Lookup__Limits__PerIdNumberPer10Minutes=0
export Lookup__Limits__WrongNamesBeforeLock=0
export Lookup__Limits__WrongNamesBeforeDelay=0
export Captcha__NewPerAddressPerMinute=0
export Captcha__ImagesPerAddressPerMinute=0
export Anomaly__LookupsPerAddress=0            # and the monitors that would block it
export Anomaly__ProvincesPerAddress=0
export Anomaly__WrongNamesPerAddress=0
export Anomaly__MissedIdNumbersPerAddress=0
export Logging__LogLevel__Default=Warning

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"

if [ "${REGENERATE:-0}" = 1 ] || [ ! -f "$OUT/bench.db" ] || [ ! -f "$OUT/lookups.csv" ]; then
    echo "== data: $CANDIDATES candidates"
    rm -f "$OUT"/bench.db* "$OUT/lookups.csv"
    (cd "$ROOT/ScorePortal" && dotnet "$BENCH" generate-bench-data --candidates "$CANDIDATES" --sample "$OUT/lookups.csv")
fi
echo "== data: $(($(wc -l < "$OUT/lookups.csv") - 1)) sample lookups; database $(du -h "$OUT/bench.db" | cut -f1)"

if curl -fs "$URL/healthz" >/dev/null 2>&1; then echo "something already listens on $URL: stop it first"; exit 2; fi
echo "== start the portal on $URL"
(cd "$ROOT/ScorePortal" && exec dotnet "$APP" --urls "$URL") > "$OUT/visit-app.log" 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs "$URL/healthz" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fs "$URL/healthz" >/dev/null || { echo "the portal did not start"; tail -20 "$OUT/visit-app.log"; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; }
# The load tool's own CPU (user + system seconds), when GNU time is there: on two cores it is taken from the portal.
rm -f "$OUT"/visit-*wrk-cpu.txt
[ -x /usr/bin/time ] || echo "(no /usr/bin/time, apt-get install -y time: the load tool's CPU is reported as 0)"
timed() { local out=$1; shift; if [ -x /usr/bin/time ]; then /usr/bin/time -f %U+%S -o "$out" "$@"; else "$@"; fi; }
wrk_cpu() { [ -f "$1" ] && echo "$(tail -1 "$1")" | bc || echo 0; }
TICKS=$(getconf CLK_TCK)

echo "== antiforgery token (phase 1)"
JAR="$OUT/cookies.txt"
rm -f "$JAR"
PAGE=$(curl -fs -c "$JAR" "$URL/lookup")
TOKEN=$(printf '%s' "$PAGE" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
COOKIE=$(awk '$6 ~ /Antiforgery/ { print $6 "=" $7 }' "$JAR" | head -1)
[ -n "$TOKEN" ] && [ -n "$COOKIE" ] || { echo "no antiforgery token on /lookup"; exit 1; }
printf 'TOKEN=%s\nCOOKIE=%s\n' "$TOKEN" "$COOKIE" > "$OUT/form.env"

export BENCH_DIR="$OUT" WRONG_NAME_EVERY
seconds=${DURATION%s}
echo "== warm-up (5 s each: tokens, lookups, visits)"
rm -f "$OUT"/tokens-*.txt "$OUT"/visit-*.txt
wrk -t2 -c16 -d5s -s bench/lookup/tokens.lua "$URL" > /dev/null
wrk -t2 -c16 -d5s -s bench/lookup/lookup.lua "$URL" > /dev/null 2>&1 || true
wrk -t16 -c16 -d5s -s bench/visit/visit.lua "$URL" > /dev/null 2>&1 || true

echo "== phase 1, lookup only: mint captcha tokens, then $CONNECTIONS connections for $DURATION"
rm -f "$OUT"/tokens-*.txt
wrk -t2 -c32 -d"$((seconds / 3 + 5))"s -s bench/lookup/tokens.lua "$URL" | grep -E "Requests/sec" || true
echo "   $(cat "$OUT"/tokens-*.txt | wc -l) tokens"
BEFORE=$(cpu_ticks)
timed "$OUT/visit-lookup-wrk-cpu.txt" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/lookup/lookup.lua "$URL" | tee "$OUT/visit-lookup-wrk.txt" | grep -E "^RESULT"
LOOKUP_CPU=$(($(cpu_ticks) - BEFORE))
LOOKUP_LINE=$(grep '^RESULT' "$OUT/visit-lookup-wrk.txt")
LOOKUP_RPS=$(printf '%s' "$LOOKUP_LINE" | grep -o 'rps=[0-9]*' | cut -d= -f2)
LOOKUP_N=$(printf '%s' "$LOOKUP_LINE" | grep -o 'requests=[0-9]*' | cut -d= -f2)

echo "== phase 2, visits: $CONNECTIONS visitors (one per wrk thread) for $DURATION"
rm -f "$OUT"/visit-[0-9]*.txt
BEFORE=$(cpu_ticks)
timed "$OUT/visit-wrk-cpu.txt" wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$DURATION" -s bench/visit/visit.lua "$URL" > "$OUT/visit-wrk.txt" 2> "$OUT/visit-errors.txt" || true
VISIT_CPU=$(($(cpu_ticks) - BEFORE))
VISIT_LINE=$(grep '^VISITS' "$OUT/visit-wrk.txt")
echo "$VISIT_LINE"
head -3 "$OUT/visit-errors.txt"
VISIT_RPS=$(printf '%s' "$VISIT_LINE" | grep -o 'visits_per_s=[0-9]*' | cut -d= -f2)
VISIT_N=$(printf '%s' "$VISIT_LINE" | grep -o ' visits=[0-9]*' | cut -d= -f2)

for step in form picture lookup; do
    cat "$OUT"/visit-[0-9]*.txt | awk -v s="$step" '$1 == s { print $2, $3 }' | sort -n -k1,1 > "$OUT/visit-step.txt"
    awk -v s="$step" '{ t[NR] = $1; if ($2 != 1) bad++ }
        END { n = NR; if (n == 0) { printf "RESULT step=%s none\n", s; exit }
              printf "RESULT step=%s n=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n", s, n,
                  t[int(n * 0.50 + 0.5)] / 1000, t[int(n * 0.95 + 0.5)] / 1000, t[int(n * 0.99 + 0.5)] / 1000, t[n] / 1000, bad + 0 }' "$OUT/visit-step.txt"
done
rm -f "$OUT/visit-step.txt"

PEAK_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$APP_PID/status" 2>/dev/null || echo 0)
awk -v lr="$LOOKUP_RPS" -v vr="$VISIT_RPS" -v lc="$LOOKUP_CPU" -v ln="$LOOKUP_N" -v vc="$VISIT_CPU" -v vn="$VISIT_N" -v hz="$TICKS" -v peak="$PEAK_KB" \
    -v lw="$(wrk_cpu "$OUT/visit-lookup-wrk-cpu.txt")" -v vw="$(wrk_cpu "$OUT/visit-wrk-cpu.txt")" 'BEGIN {
    printf "RESULT lookup_only_per_s=%d visits_per_s=%d ratio=%.2f app_cpu_ms_per_lookup=%.2f app_cpu_ms_per_visit=%.2f load_tool_cpu_ms_per_lookup=%.2f load_tool_cpu_ms_per_visit=%.2f peak_working_set_mb=%d\n",
        lr, vr, vr / lr, lc * 1000 / hz / ln, vc * 1000 / hz / vn, lw * 1000 / ln, vw * 1000 / vn, peak / 1024 }'
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
