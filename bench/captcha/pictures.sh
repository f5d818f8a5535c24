#!/usr/bin/env bash
# Captcha drawing micro-benchmark (issue #22 item 2): fresh pictures/s for SECONDS (default 60) on PARALLEL threads
# (default: every core), each a new single-use token drawn through CaptchaImageCache as the image endpoint does, then the
# spoken challenge for a few seconds. In-process (the bench tool on the portal's host, Release): no HTTP, no load tool.
#
#   bench/captcha/pictures.sh                        # 60 s, all cores
#   SECONDS_TO_RUN=10 PARALLEL=1 bench/captcha/pictures.sh
#
# Prints a per-second line (a sustained rate shows no decline), one RESULT line for pictures and one for audio, and
# keeps a sample picture in bench/out/captcha/sample.bmp.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out/captcha"
mkdir -p "$OUT"
export ASPNETCORE_ENVIRONMENT=Testing
export Testing__AllowProtectionsOff=true
export ConnectionStrings__ScorePortal="Data Source=$OUT/pictures-bench.db"
export Security__KeyDirectory="$OUT/keys"
export Demo__Seed=false
export Logging__LogLevel__Default=Warning

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"
(cd "$ROOT/ScorePortal" && dotnet "$BENCH" bench-captcha --seconds "${SECONDS_TO_RUN:-60}" --parallel "${PARALLEL:-$(nproc)}" \
    --audio-seconds "${AUDIO_SECONDS:-5}" --out "$OUT/sample.bmp")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
