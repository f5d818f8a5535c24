#!/usr/bin/env bash
# A production deployment on this machine, the way docs/deploy.md describes it, for tests and for trying it by hand:
# publish in Release, generate production keys with `generate-keys`, a SQLite database with a small population,
# the portal in Production on loopback, nginx in front with TLS (a self-signed certificate for portal.test).
#
#   deploy/test-deployment.sh up      # prints the address; leaves everything running
#   deploy/test-deployment.sh down    # stops the portal and nginx
#
# Browse it with Chromium: chromium --host-resolver-rules="MAP portal.test 127.0.0.1" https://portal.test:8443/
# (accept the self-signed certificate). The end-to-end check is ScorePortal.Tests/EndToEnd/DeploymentTests.cs, which
# runs this script with free ports. Settings (environment): DEPLOY_OUT (default deploy/out), HTTPS_PORT (8443),
# HTTP_PORT (8080), APP_PORT (5098), SERVER_NAME (portal.test), CANDIDATES (200), PUBLISH=0 to reuse the last publish.
# Needs nginx and openssl; installs them (Debian packages) when missing and allowed to.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
OUT=${DEPLOY_OUT:-$ROOT/deploy/out}
HTTPS_PORT=${HTTPS_PORT:-8443}
HTTP_PORT=${HTTP_PORT:-8080}
APP_PORT=${APP_PORT:-5098}
SERVER_NAME=${SERVER_NAME:-portal.test}
CANDIDATES=${CANDIDATES:-200}
NGINX_CONF="$OUT/nginx/nginx.conf"

stop() {
    if [ -f "$OUT/app.pid" ]; then kill "$(cat "$OUT/app.pid")" 2>/dev/null || true; rm -f "$OUT/app.pid"; fi
    if [ -f "$OUT/nginx/nginx.pid" ]; then nginx -p "$OUT/nginx" -c "$NGINX_CONF" -s stop 2>/dev/null || true; fi
}

ensure_packages() {
    local missing=()
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v openssl >/dev/null || missing+=(openssl)
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
    echo "== installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

case "${1:-}" in
    down) stop; echo "stopped"; exit 0 ;;
    up) ;;
    *) echo "usage: $0 up|down"; exit 2 ;;
esac

ensure_packages
export PATH="$PATH:/usr/sbin"
stop
mkdir -p "$OUT"
rm -rf "$OUT/keys" "$OUT/data" "$OUT/tls" "$OUT/nginx"
mkdir -p "$OUT/data" "$OUT/tls" "$OUT/nginx/logs" "$OUT/nginx/tmp"

if [ "${PUBLISH:-1}" = 1 ] || [ ! -f "$OUT/publish/ScorePortal.dll" ]; then
    echo "== publish (Release)"
    rm -rf "$OUT/publish"
    dotnet publish "$ROOT/ScorePortal" -c Release -o "$OUT/publish" -nologo -v q >"$OUT/publish.log" 2>&1 \
        || { tail -30 "$OUT/publish.log"; exit 1; }
fi
APP="$OUT/publish/ScorePortal.dll"

echo "== production keys"
dotnet "$APP" generate-keys --out "$OUT/keys"

echo "== TLS certificate for $SERVER_NAME (self-signed)"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$SERVER_NAME" -addext "subjectAltName=DNS:$SERVER_NAME" \
    -keyout "$OUT/tls/site.key" -out "$OUT/tls/site.crt" 2>/dev/null
chmod 600 "$OUT/tls/site.key"

# The production settings: environment variables, as a systemd unit would set them (deploy/scoreportal.service).
if [ "$HTTPS_PORT" = 443 ]; then PUBLIC_URL="https://$SERVER_NAME"; else PUBLIC_URL="https://$SERVER_NAME:$HTTPS_PORT"; fi
export ASPNETCORE_ENVIRONMENT=Production
export Security__KeyFile="$OUT/keys/keys.json"
export ConnectionStrings__ScorePortal="Data Source=$OUT/data/scoreportal.db"
export Audit__CheckpointDirectory="$OUT/audit"
export Audit__Archive__Directory="$OUT/data/audit-archive"
export Reviews__FilesDirectory="$OUT/data/review-files"
export ForwardedHeaders__KnownProxies__0=127.0.0.1
export Portal__PublicBaseUrl="$PUBLIC_URL"
export Passkeys__ServerDomain="$SERVER_NAME"
export Smtp__Host=127.0.0.1 Smtp__Port=2525 Smtp__From=noreply@portal.test
export Logging__Console__FormatterName=json

echo "== data: $CANDIDATES candidates"
# generate-bench-data is the benchmark tool's (bench/ScorePortal.Bench), not the product's: built beside the publish,
# run in the published folder with the same Production settings.
dotnet build "$ROOT/bench/ScorePortal.Bench" -c Release -nologo -v q >"$OUT/data.log" 2>&1 || { tail -30 "$OUT/data.log"; exit 1; }
BENCH="$ROOT/bench/ScorePortal.Bench/bin/Release/net10.0/ScorePortal.Bench.dll"
(cd "$OUT/publish" && dotnet "$BENCH" generate-bench-data --candidates "$CANDIDATES" --sample "$OUT/lookups.csv" --sample-size 20) \
    >>"$OUT/data.log" 2>&1 || { tail -30 "$OUT/data.log"; exit 1; }

echo "== portal on 127.0.0.1:$APP_PORT"
(cd "$OUT/publish" && exec dotnet "$APP" --urls "http://127.0.0.1:$APP_PORT") >"$OUT/app.log" 2>&1 &
echo $! >"$OUT/app.pid"
for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$APP_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$(cat "$OUT/app.pid")" 2>/dev/null || { echo "the portal stopped:"; tail -30 "$OUT/app.log"; exit 1; }
    sleep 0.5
done
curl -fs "http://127.0.0.1:$APP_PORT/healthz" >/dev/null || { echo "the portal did not start"; tail -30 "$OUT/app.log"; exit 1; }

echo "== nginx on :$HTTPS_PORT (TLS) and :$HTTP_PORT (redirect)"
sed -e "s|@APP_PORT@|$APP_PORT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
    -e "s|@HTTPS_PORT_SUFFIX@|$([ "$HTTPS_PORT" = 443 ] || echo ":$HTTPS_PORT")|g" -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
    -e "s|@TLS_CERTIFICATE@|$OUT/tls/site.crt|g" -e "s|@TLS_CERTIFICATE_KEY@|$OUT/tls/site.key|g" \
    "$ROOT/deploy/nginx/scoreportal.conf" >"$OUT/nginx/scoreportal.conf"
cat >"$NGINX_CONF" <<EOF
# A private nginx for the deployment test: its own pid, logs and temporary files under $OUT/nginx.
worker_processes 1;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $OUT/nginx/logs/access.log;
    client_body_temp_path $OUT/nginx/tmp/body;
    proxy_temp_path $OUT/nginx/tmp/proxy;
    fastcgi_temp_path $OUT/nginx/tmp/fastcgi;
    uwsgi_temp_path $OUT/nginx/tmp/uwsgi;
    scgi_temp_path $OUT/nginx/tmp/scgi;
    # Nothing beyond the shipped configuration: what the test checks is what an operator installs.
    include $OUT/nginx/scoreportal.conf;
}
EOF
nginx -p "$OUT/nginx" -c "$NGINX_CONF" -t -q
nginx -p "$OUT/nginx" -c "$NGINX_CONF"
for _ in $(seq 1 40); do
    curl -fsk --resolve "$SERVER_NAME:$HTTPS_PORT:127.0.0.1" "https://$SERVER_NAME:$HTTPS_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.25
done
curl -fsk --resolve "$SERVER_NAME:$HTTPS_PORT:127.0.0.1" "https://$SERVER_NAME:$HTTPS_PORT/healthz" >/dev/null \
    || { echo "nginx does not answer"; cat "$OUT/nginx/logs/error.log"; exit 1; }

cat >"$OUT/deployment.env" <<EOF
URL=$PUBLIC_URL
SERVER_NAME=$SERVER_NAME
HTTPS_PORT=$HTTPS_PORT
HTTP_PORT=$HTTP_PORT
KEY_FILE=$OUT/keys/keys.json
SAMPLE=$OUT/lookups.csv
APP_LOG=$OUT/app.log
EOF
echo "DEPLOYED $PUBLIC_URL"
