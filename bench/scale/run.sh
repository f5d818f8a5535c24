#!/usr/bin/env bash
# Several instances behind a real load balancer (issue #22 item 4): redis-server and two portal instances on loopback,
# one database (the bench's candidates, as bench/visit and bench/lookup prepare it), nginx in front with the
# repository's production site (deploy/nginx/scoreportal.conf: TLS, two upstream servers, /_blazor sticky by client
# address), the portal trusting nginx's X-Forwarded-* (ForwardedHeaders:KnownProxies=127.0.0.1). The whole-visit load
# of bench/visit (visit.lua: form, every captcha picture shown, lookup, every answer checked) runs four times:
#   solo    one instance without Redis (the embedded memory store: today's single machine), directly;
#   direct  instance A (state in Redis), directly;
#   nginx1  through nginx (TLS) to A alone;
#   nginx2  through nginx (TLS) to A and B (round robin; a visit's form, pictures and post land on either instance,
#           so every captcha token and antiforgery form crosses instances).
# and reports visits/s, p50/p95/p99 per step, errors, how nginx spread the requests, and that /_blazor stays on one
# instance. On one 2-core machine the instances share the cores with nginx, Redis and wrk: this shows correctness and
# the cost of the shared state and the proxy, not a throughput gain (docs/scale.md says what to expect per machine).
#
#   bench/scale/run.sh                               # CANDIDATES=1000000 DURATION=30s CONNECTIONS=64
#   DURATION=20s CONNECTIONS=32 bench/scale/run.sh
#   PHASES="direct nginx2" bench/scale/run.sh        # a subset
#
# Installs nginx, redis-server, wrk and openssl (Debian packages) when missing, as .ci/run does. Stops every process it
# started when it ends (trap). Prints RESULT lines; bench/RESULTS.md keeps runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
WORK="$OUT/scale"
CANDIDATES=${CANDIDATES:-1000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
WRONG_NAME_EVERY=${WRONG_NAME_EVERY:-10}
PHASES=${PHASES:-"solo direct nginx1 nginx2"}
PORT_A=${PORT_A:-5111}
PORT_B=${PORT_B:-5112}
PORT_SOLO=${PORT_SOLO:-5110}
REDIS_PORT=${REDIS_PORT:-6391}
HTTPS_PORT=${HTTPS_PORT:-8453}
HTTP_PORT=${HTTP_PORT:-8091}
export PATH="$PATH:/usr/sbin"

# --- packages ---------------------------------------------------------------------------------------------------------
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo -n"; fi
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v wrk >/dev/null || missing+=(wrk)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

mkdir -p "$OUT"
source "$ROOT/bench/data-format.sh"

# --- processes and their clean-up -------------------------------------------------------------------------------------
PIDS=()
NGINX_CONF="$WORK/nginx/nginx.conf"
cleanup() {
    if [ -f "$WORK/nginx/nginx.pid" ]; then nginx -p "$WORK/nginx" -c "$NGINX_CONF" -s stop 2>/dev/null || true; fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in $PORT_A $PORT_B $PORT_SOLO $HTTPS_PORT $HTTP_PORT $REDIS_PORT; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "something already listens on 127.0.0.1:$port: stop it first"; exit 2; fi
done
rm -rf "$WORK"
mkdir -p "$WORK/redis" "$WORK/nginx/logs" "$WORK/nginx/tmp" "$WORK/tls" "$WORK/a" "$WORK/b" "$WORK/solo"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (Release)"
dotnet build bench/ScorePortal.Bench -c Release -v q -nologo | tail -1
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"

# --- the portal's settings: bench/visit's (Testing, for the bench captcha answer), plus what several instances need -----
export ASPNETCORE_ENVIRONMENT=Testing          # Captcha:TestAnswer is honored only in Development and Testing
export Testing__AllowProtectionsOff=true
export ConnectionStrings__ScorePortal="Data Source=$OUT/bench.db"
export Security__KeyDirectory="$OUT/keys"
export Demo__Seed=false
export Captcha__TestAnswer=BENCH
export Lookup__Limits__PerAddressPerMinute=0   # all load comes from one address (nginx forwards 127.0.0.1): limits off
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
export ForwardedHeaders__KnownProxies__0=127.0.0.1   # nginx, on loopback (Operations/TrustedProxies)

if [ "${REGENERATE:-0}" = 1 ] || [ ! -f "$OUT/bench.db" ] || [ ! -f "$OUT/lookups.csv" ]; then
    echo "== data: $CANDIDATES candidates"
    rm -f "$OUT"/bench.db* "$OUT/lookups.csv"
    (cd "$ROOT/ScorePortal" && dotnet "$BENCH" generate-bench-data --candidates "$CANDIDATES" --sample "$OUT/lookups.csv")
fi
echo "== data: $(($(wc -l < "$OUT/lookups.csv") - 1)) sample lookups; database $(du -h "$OUT/bench.db" | cut -f1)"

# start_portal NAME PORT [REDIS]: one instance, its own audit checkpoint and archive folders, its log in $WORK/NAME.
start_portal() {
    local name=$1 port=$2 redis=${3:-}
    (
        cd "$ROOT/ScorePortal"
        export Audit__CheckpointDirectory="$WORK/$name/audit-checkpoints" Audit__Archive__Directory="$WORK/$name/audit-archive"
        if [ -n "$redis" ]; then export Redis__Configuration="$redis" Redis__KeyPrefix="bench-scale:"; fi
        exec dotnet "$APP" --urls "http://127.0.0.1:$port"
    ) > "$WORK/$name/app.log" 2>&1 &
    PIDS+=($!)
    eval "PID_$name=$!"
}

wait_healthy() {
    local url=$1 name=$2
    for _ in $(seq 1 240); do
        curl -fs "$url/healthz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "$name did not start"; tail -20 "$WORK/$name/app.log"; exit 1
}

# --- one visit phase --------------------------------------------------------------------------------------------------
export BENCH_DIR="$WORK/visit" WRONG_NAME_EVERY
mkdir -p "$BENCH_DIR"
cp "$OUT/lookups.csv" "$BENCH_DIR/lookups.csv"
seconds=${DURATION%s}

# run_visits PHASE URL PID...: warm-up, then $CONNECTIONS visitors for $DURATION; RESULT lines; the CPU time of the given
# processes (the ones serving the phase: portal instances, redis-server, nginx workers) and Redis's commands, per visit.
run_visits() {
    local phase=$1 url=$2
    shift 2
    local pids=("$@") before=0 after=0 pid
    wrk -t16 -c16 -d5s -s bench/visit/visit.lua "$url" > /dev/null 2>&1 || true
    rm -f "$BENCH_DIR"/visit-[0-9]*.txt
    for pid in "${pids[@]}"; do before=$((before + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
    local commands_before
    commands_before=$(redis_commands)
    wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$DURATION" -s bench/visit/visit.lua "$url" > "$WORK/$phase-wrk.txt" 2> "$WORK/$phase-errors.txt" || true
    for pid in "${pids[@]}"; do after=$((after + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
    local commands=$(($(redis_commands) - commands_before))
    local line visits n
    line=$(grep '^VISITS' "$WORK/$phase-wrk.txt" || echo "VISITS none")
    visits=$(printf '%s' "$line" | grep -o 'visits_per_s=[0-9]*' | cut -d= -f2 || echo 0)
    n=$(printf '%s' "$line" | grep -o ' visits=[0-9]*' | cut -d= -f2 || echo 0)
    echo "RESULT phase=$phase ${line#VISITS }"
    head -3 "$WORK/$phase-errors.txt"
    for step in form picture lookup; do
        cat "$BENCH_DIR"/visit-[0-9]*.txt | awk -v s="$step" '$1 == s { print $2, $3 }' | sort -n -k1,1 > "$WORK/step.txt"
        awk -v s="$step" -v p="$phase" '{ t[NR] = $1; if ($2 != 1) bad++ }
            END { n = NR; if (n == 0) { printf "RESULT phase=%s step=%s none\n", p, s; exit }
                  printf "RESULT phase=%s step=%s n=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n", p, s, n,
                      t[int(n * 0.50 + 0.5)] / 1000, t[int(n * 0.95 + 0.5)] / 1000, t[int(n * 0.99 + 0.5)] / 1000, t[n] / 1000, bad + 0 }' "$WORK/step.txt"
    done
    rm -f "$WORK/step.txt"
    awk -v c="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="${n:-0}" -v p="$phase" -v v="${visits:-0}" \
        -v r="$commands" 'BEGIN { printf "RESULT phase=%s visits_per_s=%d cpu_ms_per_visit=%.2f redis_commands_per_visit=%.1f\n", p, v,
            (n > 0 ? c * 1000 / hz / n : 0), (n > 0 ? r / n : 0) }'
    echo "   load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Commands Redis has run so far (0 while it is not started).
redis_commands() {
    { redis-cli -p "$REDIS_PORT" info stats 2>/dev/null || true; } | tr -d '\r' | awk -F: '$1 == "total_commands_processed" { print $2; found = 1 } END { if (!found) print 0 }'
}

has_phase() { [[ " $PHASES " == *" $1 "* ]]; }

# --- solo: one instance, memory store ---------------------------------------------------------------------------------
if has_phase solo; then
    echo "== solo: one instance without Redis on 127.0.0.1:$PORT_SOLO"
    start_portal solo "$PORT_SOLO"
    wait_healthy "http://127.0.0.1:$PORT_SOLO" solo
    # shellcheck disable=SC2154
    run_visits solo "http://127.0.0.1:$PORT_SOLO" "$PID_solo"
    kill "$PID_solo"; wait "$PID_solo" 2>/dev/null || true
fi

# --- redis, A and B, nginx --------------------------------------------------------------------------------------------
echo "== redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --save "" --appendonly no --daemonize no \
    --logfile "$WORK/redis/redis.log" &
PIDS+=($!)
REDIS_PID=$!
for _ in $(seq 1 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "redis-server did not start"; cat "$WORK/redis/redis.log"; exit 1; }

echo "== instances A (127.0.0.1:$PORT_A) and B (127.0.0.1:$PORT_B), one database, limits in Redis"
start_portal a "$PORT_A" "127.0.0.1:$REDIS_PORT"
start_portal b "$PORT_B" "127.0.0.1:$REDIS_PORT"
wait_healthy "http://127.0.0.1:$PORT_A" a
wait_healthy "http://127.0.0.1:$PORT_B" b
echo "   A /healthz: $(curl -fs "http://127.0.0.1:$PORT_A/healthz" | head -c 300)"

echo "== TLS certificate (self-signed) and nginx on :$HTTPS_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=portal.test" -addext "subjectAltName=DNS:portal.test" \
    -keyout "$WORK/tls/site.key" -out "$WORK/tls/site.crt" 2>/dev/null
chmod 600 "$WORK/tls/site.key"

# site UPSTREAM_PORTS...: the production site with one `server` line per instance in each upstream.
site() {
    local servers="" port
    for port in "$@"; do servers="$servers\\1server 127.0.0.1:$port;\\n"; done
    sed -e "s|^\\(\\s*\\)server 127.0.0.1:@APP_PORT@;|${servers%\\n}|" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
        -e "s|@HTTPS_PORT_SUFFIX@|:$HTTPS_PORT|g" -e "s|@SERVER_NAME@|portal.test|g" \
        -e "s|@TLS_CERTIFICATE@|$WORK/tls/site.crt|g" -e "s|@TLS_CERTIFICATE_KEY@|$WORK/tls/site.key|g" \
        "$ROOT/deploy/nginx/scoreportal.conf" > "$WORK/nginx/scoreportal.conf"
    ! grep -qE '@[A-Z_]+@' "$WORK/nginx/scoreportal.conf" || { echo "a placeholder is left in the site"; grep -nE '@[A-Z_]+@' "$WORK/nginx/scoreportal.conf"; exit 1; }
}
cat > "$NGINX_CONF" <<EOF
# A private nginx for the scale bench: its own pid, logs and temporary files under $WORK/nginx.
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Which instance answered each request, to show the spread and the sticky circuits.
    log_format scale '\$request_method \$uri \$status \$upstream_addr';
    access_log $WORK/nginx/logs/access.log scale buffer=256k flush=1s;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/scoreportal.conf;
}
EOF
NGINX_URL="https://127.0.0.1:$HTTPS_PORT"
site "$PORT_A" "$PORT_B"
nginx -p "$WORK/nginx" -c "$NGINX_CONF" -t -q
nginx -p "$WORK/nginx" -c "$NGINX_CONF"
for _ in $(seq 1 40); do curl -fsk "$NGINX_URL/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fsk "$NGINX_URL/healthz" >/dev/null || { echo "nginx does not answer"; cat "$WORK/nginx/logs/error.log"; exit 1; }

# nginx_to PORTS...: the site with these upstream servers, reloaded; waits until the new workers answer.
nginx_to() {
    site "$@"
    nginx -p "$WORK/nginx" -c "$NGINX_CONF" -t -q
    nginx -p "$WORK/nginx" -c "$NGINX_CONF" -s reload
    sleep 2
    : > "$WORK/nginx/logs/access.log"
    nginx -p "$WORK/nginx" -c "$NGINX_CONF" -s reopen
    sleep 1
}

# --- correctness across instances -------------------------------------------------------------------------------------
echo "== across instances: a form from A posts to B; the client address nginx forwards; /_blazor sticky"
JAR="$WORK/cookies.txt"
PAGE=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT_A/lookup")
unhtml() { python3 -c 'import html, sys; print(html.unescape(sys.argv[1]))' "$1"; }
TOKEN=$(unhtml "$(printf '%s' "$PAGE" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')")
CAPTCHA=$(unhtml "$(printf '%s' "$PAGE" | grep -o 'name="Input.CaptchaToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')")
IFS=, read -r SESSION NUMBER NAME < <(sed -n 2p "$OUT/lookups.csv")
STATUS=$(curl -s -o "$WORK/cross.html" -w '%{http_code}' -b "$JAR" "http://127.0.0.1:$PORT_B/lookup" \
    --data-urlencode "_handler=lookup" --data-urlencode "__RequestVerificationToken=$TOKEN" \
    --data-urlencode "Input.SessionCode=$SESSION" --data-urlencode "Input.IdType=ResidentId" --data-urlencode "Input.IdNumber=$NUMBER" \
    --data-urlencode "Input.Name=$NAME" --data-urlencode "Input.CaptchaToken=$CAPTCHA" \
    --data-urlencode "Input.CaptchaAnswer=BENCH")
CROSS=$(grep -c 'data-testid="result-sheet"' "$WORK/cross.html" || true)
# The same captcha token again, now on A: spent on B, so refused on A (the form again, no sheet).
curl -s -o "$WORK/replay.html" -b "$JAR" "http://127.0.0.1:$PORT_A/lookup" \
    --data-urlencode "_handler=lookup" --data-urlencode "__RequestVerificationToken=$TOKEN" \
    --data-urlencode "Input.SessionCode=$SESSION" --data-urlencode "Input.IdType=ResidentId" --data-urlencode "Input.IdNumber=$NUMBER" \
    --data-urlencode "Input.Name=$NAME" --data-urlencode "Input.CaptchaToken=$CAPTCHA" \
    --data-urlencode "Input.CaptchaAnswer=BENCH"
REPLAY=$(grep -c 'data-testid="result-sheet"' "$WORK/replay.html" || true)
echo "RESULT cross form_from_A_posted_to_B_status=$STATUS sheet=$CROSS same_captcha_on_A_sheet=$REPLAY (expected 200 1 0)"

: > "$WORK/nginx/logs/access.log"
nginx -p "$WORK/nginx" -c "$NGINX_CONF" -s reopen
sleep 0.5
for _ in $(seq 1 10); do
    curl -sk -o /dev/null -X POST "$NGINX_URL/_blazor/negotiate?negotiateVersion=1" -H 'Content-Length: 0'
    curl -sk -o /dev/null "$NGINX_URL/lookup"
done
sleep 1.5
BLAZOR=$(awk '$2 ~ /^\/_blazor/ { print $4 }' "$WORK/nginx/logs/access.log" | sort -u | tr '\n' ' ')
BLAZOR_STATUS=$(awk '$2 ~ /^\/_blazor/ { print $3 }' "$WORK/nginx/logs/access.log" | sort | uniq -c | xargs)
FORMS=$(awk '$2 == "/lookup" { print $4 }' "$WORK/nginx/logs/access.log" | sort | uniq -c | xargs)
echo "RESULT sticky blazor_negotiate_upstreams=[ $BLAZOR] statuses=[$BLAZOR_STATUS] lookup_form_upstreams=[$FORMS]"

# --- the load phases --------------------------------------------------------------------------------------------------
NGINX_MASTER=$(cat "$WORK/nginx/nginx.pid")
nginx_workers() { pgrep -P "$NGINX_MASTER" | tr '\n' ' '; }
if has_phase direct; then
    echo "== direct: $CONNECTIONS visitors to A for $DURATION"
    # shellcheck disable=SC2154
    run_visits direct "http://127.0.0.1:$PORT_A" "$PID_a" "$REDIS_PID"
fi
if has_phase nginx1; then
    echo "== nginx1: $CONNECTIONS visitors through nginx (TLS) to A alone for $DURATION"
    nginx_to "$PORT_A"
    # shellcheck disable=SC2046
    run_visits nginx1 "$NGINX_URL" "$PID_a" "$REDIS_PID" $(nginx_workers)
fi
if has_phase nginx2; then
    echo "== nginx2: $CONNECTIONS visitors through nginx (TLS) to A and B for $DURATION"
    nginx_to "$PORT_A" "$PORT_B"
    # shellcheck disable=SC2046
    run_visits nginx2 "$NGINX_URL" "$PID_a" "$PID_b" "$REDIS_PID" $(nginx_workers)
    sleep 1.5
    echo "RESULT phase=nginx2 spread $(awk '{ print $4 }' "$WORK/nginx/logs/access.log" | sort | uniq -c | xargs)"
fi
echo "RESULT redis $(redis-cli -p "$REDIS_PORT" info stats | grep -E '^(total_commands_processed|instantaneous_ops_per_sec)' | tr -d '\r' | tr '\n' ' ')"
for name in a b; do
    errors=$(grep -ciE '"(LogLevel|level)":"(Error|Critical)"|fail:|crit:' "$WORK/$name/app.log" || true)
    echo "RESULT instance=$name logged_errors=$errors"
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
