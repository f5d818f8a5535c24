#!/usr/bin/env bash
# Release-day lookup benchmark: 1,000,000 candidates in SQLite, the portal in Release on loopback, and wrk driving the
# real lookup POST (antiforgery token and a fresh single-use captcha token per request; the captcha answer is the
# Testing-only Captcha:TestAnswer, so the real verification path runs).
#
#   bench/lookup/run.sh                      # defaults below; reuses bench/out/bench.db when present
#   CANDIDATES=100000 DURATION=20s bench/lookup/run.sh
#   REGENERATE=1 bench/lookup/run.sh         # rebuild the data set
#
# Needs wrk (apt-get install -y wrk). Prints one RESULT line plus the app's peak working set and open circuits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
CANDIDATES=${CANDIDATES:-1000000}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-5099}
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
export Captcha__Lifetime=00:05:00              # tokens are minted before the run; each is still used once
export Lookup__Limits__PerAddressPerMinute=0   # the load comes from one address: per-address limits off,
export Lookup__Limits__PerIdNumberPer10Minutes=0
export Lookup__Limits__WrongNamesBeforeLock=0
export Lookup__Limits__WrongNamesBeforeDelay=0
export Captcha__NewPerAddressPerMinute=0       # tokens are minted from one address too
export Captcha__ImagesPerAddressPerMinute=0
export Anomaly__LookupsPerAddress=0            # and the monitors that would block it
export Anomaly__ProvincesPerAddress=0
export Anomaly__WrongNamesPerAddress=0
export Anomaly__MissedIdNumbersPerAddress=0
export Logging__LogLevel__Default=Warning

echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1   # the portal too: the bench tool references it
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

export BENCH_DIR="$OUT" WRONG_NAME_EVERY
seconds=${DURATION%s}
echo "== warm-up (5 s)"
rm -f "$OUT"/tokens-*.txt
wrk -t"$THREADS" -c16 -d5s -s bench/lookup/tokens.lua "$URL" > /dev/null
wrk -t"$THREADS" -c16 -d5s -s bench/lookup/lookup.lua "$URL" > /dev/null 2>&1 || true

echo "== mint captcha tokens"
rm -f "$OUT"/tokens-*.txt
wrk -t"$THREADS" -c32 -d"$((seconds / 3 + 5))"s -s bench/lookup/tokens.lua "$URL" | grep -E "Requests/sec" || true
echo "   $(cat "$OUT"/tokens-*.txt | wc -l) tokens"

echo "== lookups: $THREADS threads, $CONNECTIONS connections, $DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/lookup/lookup.lua "$URL" | tee "$OUT/wrk.txt"

# What each candidate loads before the lookup: the form page and one captcha image (not part of the target; reported).
# One token's picture is drawn once and then served from memory (CaptchaImageCache): this measures serving it;
# bench/captcha/run.sh measures fresh drawings under a flood.
echo "== the form page (GET /lookup) and a captcha image, 10 s each"
FORM_RPS=$(wrk -t"$THREADS" -c32 -d10s "$URL/lookup" | awk '/Requests\/sec/ { print $2 }')
IMAGE_TOKEN=$(curl -fs "$URL/captcha/new" | grep -o '"token":"[^"]*"' | cut -d'"' -f4)
IMAGE_RPS=$(wrk -t"$THREADS" -c32 -d10s "$URL/captcha/image?t=$IMAGE_TOKEN" | awk '/Requests\/sec/ { print $2 }')
echo "FORM_PAGE_RPS=$FORM_RPS CAPTCHA_IMAGE_RPS=$IMAGE_RPS"

PEAK_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$APP_PID/status" 2>/dev/null || echo 0)
CIRCUITS=$(curl -fs "$URL/healthz" | grep -o '"circuits":[0-9]*' | cut -d: -f2)
echo "PEAK_WORKING_SET_MB=$((PEAK_KB / 1024)) OPEN_CIRCUITS=${CIRCUITS:-unknown} CPU=$(nproc)x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
