#!/usr/bin/env bash
# Captcha flood probe (issue #13 row 7): while wrk floods the captcha endpoints, a candidate's lookup must still answer.
# Two phases against the portal in Release on loopback:
#   1. limits: one address floods /captcha/new and /captcha/image with the portal's default per-address limits
#      (Captcha:NewPerAddressPerMinute 300, Captcha:ImagesPerAddressPerMinute 400; RESULTS.md measured 30 and 60): almost everything is a bare 429;
#   2. gate: the per-address limits off (as if the flood came from thousands of addresses), each connection asking for
#      a fresh challenge and then its picture, i.e. a real drawing: the busy gate's challenge slots (BusyGate:ChallengeMaxConcurrent, 8) bound
#      the drawing, the excess gets 503 with Retry-After, and the lookups keep their own slots.
# In each phase a probe does one full lookup a second (GET /lookup, then the POST with the page's antiforgery and
# captcha tokens) and reports status and time. The lookup's per-address limit is off: the probe shares loopback with wrk.
#
#   bench/captcha/run.sh                       # 15 s per phase, 2 threads, 64 connections
#   DURATION=30s CONNECTIONS=128 bench/captcha/run.sh
#
# Needs wrk and curl. Prints RESULT lines; bench/RESULTS.md keeps a run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out/captcha"
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-5131}
URL="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
source "$ROOT/bench/data-format.sh"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }

export ASPNETCORE_ENVIRONMENT=Testing          # Captcha:TestAnswer (the probe's answer) is honored only in Development and Testing
export Testing__AllowProtectionsOff=true      # Testing refuses to start without this opt-in (docs/security.md)
export ConnectionStrings__ScorePortal="Data Source=$OUT/captcha-bench.db"
export Security__KeyDirectory="$OUT/keys"
export Demo__Seed=true                         # demo sessions and 200 candidates: the probe looks one up
export Demo__Candidates=200
export Captcha__TestAnswer=BENCH
export Lookup__Limits__PerAddressPerMinute=0   # the probe shares 127.0.0.1 with the flood
export Lookup__Limits__PerIdNumberPer10Minutes=0
export Anomaly__LookupsPerAddress=0
export Logging__LogLevel__Default=Warning

echo "== build (Release)"
dotnet build ScorePortal -c Release -v q -nologo | tail -1
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"

APP_PID=""
PROBE_PID=""
cleanup() {
    [ -n "$PROBE_PID" ] && kill "$PROBE_PID" 2>/dev/null || true
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_portal() { # extra environment for this phase as NAME=value arguments
    if curl -fs "$URL/healthz" >/dev/null 2>&1; then echo "something already listens on $URL: stop it first"; exit 2; fi
    (cd "$ROOT/ScorePortal" && exec env "$@" dotnet "$APP" --urls "$URL") > "$OUT/app.log" 2>&1 &
    APP_PID=$!
    for _ in $(seq 1 240); do
        curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "the portal did not start"; tail -20 "$OUT/app.log"; exit 1
}

stop_portal() {
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}

# One lookup a second until killed: "status seconds outcome" per line.
probe() {
    local jar="$OUT/probe-cookies.txt" page select token captcha session code time outcome
    set +e +o pipefail # a probe that cannot parse a page says so in its output; it never stops the run
    while true; do
        rm -f "$jar"
        page=$(curl -s -c "$jar" "$URL/lookup" || true)
        token=$(printf '%s' "$page" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
        captcha=$(printf '%s' "$page" | grep -o 'name="Input.CaptchaToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
        select=$(printf '%s' "$page" | grep -oP 'name="Input\.SessionCode".*?</select>' | head -1 || true)
        session=$(printf '%s' "$select" | grep -oP 'value="\K[^"]+(?="\s+selected)' | head -1 || true)
        [ -n "$session" ] || session=$(printf '%s' "$select" | grep -oP 'value="\K[^"]+' | head -1 || true)
        if [ -z "$token" ] || [ -z "$captcha" ]; then echo "page-failed 0 none"; sleep 1; continue; fi
        read -r code time < <(curl -s -b "$jar" -o "$OUT/probe-answer.html" -w '%{http_code} %{time_total}\n' \
            --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "_handler=lookup" \
            --data-urlencode "Input.SessionCode=$session" --data-urlencode "Input.IdType=ResidentId" \
            --data-urlencode "Input.IdNumber=110105199003072311" --data-urlencode "Input.Name=张伟" \
            --data-urlencode "Input.CaptchaToken=$captcha" --data-urlencode "Input.CaptchaAnswer=BENCH" "$URL/lookup" || echo "000 0")
        if grep -q 'result-sheet' "$OUT/probe-answer.html" 2>/dev/null; then outcome=result
        elif grep -q 'portal-alert' "$OUT/probe-answer.html" 2>/dev/null; then outcome=message
        else outcome=other; fi
        echo "$code $time $outcome"
        sleep 1
    done
}

summarize_probe() { # file label
    local times n
    times=$(awk '$1 != "page-failed" { print $2 }' "$1" | sort -n)
    n=$(printf '%s\n' "$times" | grep -c . || true)
    awk -v label="$2" -v p50="$(printf '%s\n' "$times" | sed -n "$(((n + 1) / 2))p")" -v max="$(printf '%s\n' "$times" | tail -1)" '
        { n++; if ($1 == "200") ok++; if ($3 == "result") found++; if ($3 == "message") message++ }
        END {
            printf "RESULT %s probe: %d lookups, %d answered 200 (%d result sheets, %d messages), p50 %.0f ms, max %.0f ms\n", label, n, ok, found, message, p50 * 1000, max * 1000
        }' "$1"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== phase 1: per-address limits (defaults), one address floods /captcha/new and /captcha/image"
start_portal
IMAGE_TOKEN=$(curl -fs "$URL/captcha/new" | grep -o '"token":"[^"]*"' | cut -d'"' -f4)
probe > "$OUT/probe-limits.txt" &
PROBE_PID=$!
FLOOD_PATH=/captcha/new wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/captcha/flood.lua "$URL" | tee "$OUT/wrk-limits-new.txt" | grep -E "Requests/sec|STATUS" | sed 's/^/   new:   /'
FLOOD_PATH="/captcha/image?t=$IMAGE_TOKEN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/captcha/flood.lua "$URL" | tee "$OUT/wrk-limits-image.txt" | grep -E "Requests/sec|STATUS" | sed 's/^/   image: /'
kill "$PROBE_PID" 2>/dev/null || true; wait "$PROBE_PID" 2>/dev/null || true; PROBE_PID=""
echo "RESULT limits new: $(grep STATUS "$OUT/wrk-limits-new.txt") $(grep Requests/sec "$OUT/wrk-limits-new.txt" | xargs)"
echo "RESULT limits image: $(grep STATUS "$OUT/wrk-limits-image.txt") $(grep Requests/sec "$OUT/wrk-limits-image.txt" | xargs)"
summarize_probe "$OUT/probe-limits.txt" limits
stop_portal

echo "== phase 2: limits off (a flood from many addresses), every request a fresh token's drawing"
start_portal Captcha__ImagesPerAddressPerMinute=0 Captcha__NewPerAddressPerMinute=0
probe > "$OUT/probe-gate.txt" &
PROBE_PID=$!
FLOOD_MODE=pair wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/captcha/flood.lua "$URL" | tee "$OUT/wrk-gate.txt" | grep -E "Requests/sec|STATUS|50%|99%" | sed 's/^/   /'
kill "$PROBE_PID" 2>/dev/null || true; wait "$PROBE_PID" 2>/dev/null || true; PROBE_PID=""
echo "RESULT gate image: $(grep STATUS "$OUT/wrk-gate.txt") $(grep Requests/sec "$OUT/wrk-gate.txt" | xargs)"
summarize_probe "$OUT/probe-gate.txt" gate
stop_portal
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
