#!/usr/bin/env bash
# Import benchmark: a results file of ROWS rows (default 1,000,000) imported with the command-line import into a fresh
# SQLite database holding the demo catalog, sessions and accounts. Prints the elapsed time and the peak resident set
# of the import process (GNU time), so "within minutes, memory flat" is a measured figure.
#
#   bench/import/run.sh                 # 1,000,000 rows
#   ROWS=100000 bench/import/run.sh
#
# Needs python3 (to write the file), sqlite3 and /usr/bin/time (apt-get install -y sqlite3 time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
OUT="$ROOT/bench/out/import"
ROWS=${ROWS:-1000000}
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install -y time"; exit 2; }

export ASPNETCORE_ENVIRONMENT=Development       # demo catalog, sessions and the two demo admins
export ConnectionStrings__ScorePortal="Data Source=$OUT/import.db"
export Security__KeyDirectory="$OUT/keys"
export Batches__WorkDirectory="$OUT/work"
export Demo__Seed=true
export Demo__Candidates=100
export Logging__LogLevel__Default=Warning

echo "== build (Release)"
dotnet build ScorePortal -c Release -v q -nologo | tail -1
APP="$ROOT/ScorePortal/bin/Release/net10.0/ScorePortal.dll"

rm -f "$OUT"/import.db*
echo "== database: demo catalog and accounts"
# demo-authenticator needs the demo data: on this fresh database it migrates and seeds it first, then prints the demo
# admin's authenticator secret. Status-changing commands ask for the admin's current code; it is computed from this
# secret right before the import (RFC 6238 TOTP: SHA-1, 30 s, 6 digits). It works in Development/Testing only.
SECRET=$(cd "$ROOT/ScorePortal" && dotnet "$APP" demo-authenticator --user admin@scoreportal.demo | tail -1)
# The scheduled demo session: its release is ahead and it has no batch yet.
SESSION=$(sqlite3 "$OUT/import.db" "select Code from ExamSessions where PublishedAt is null limit 1" 2>/dev/null || true)
[ -n "$SESSION" ] || { echo "no scheduled session found (is sqlite3 installed? apt-get install -y sqlite3)"; exit 2; }

REGISTRATIONS=$((ROWS * 100 / 219))   # 2.19 subjects per registration on average over the catalog
echo "== file: about $ROWS rows ($REGISTRATIONS registrations) for $SESSION"
python3 "$ROOT/bench/import/gen_results.py" "$SESSION" "$REGISTRATIONS" "$OUT/results.csv"
echo "   $(($(wc -l < "$OUT/results.csv") - 1)) rows, $(du -h "$OUT/results.csv" | cut -f1)"

echo "== import"
cd "$ROOT/ScorePortal"
CODE=$(python3 -c 'import base64,hmac,struct,sys,time
k=base64.b32decode(sys.argv[1].upper()+"="*(-len(sys.argv[1])%8))
h=hmac.new(k,struct.pack(">Q",int(time.time())//30),"sha1").digest()
o=h[-1]&15
print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$SECRET")
/usr/bin/time -v -o "$OUT/time.txt" dotnet "$APP" import --session "$SESSION" --file "$OUT/results.csv" \
    --user admin@scoreportal.demo --code "$CODE" --lang en-US | grep -v '%' || true
ELAPSED=$(grep 'Elapsed (wall clock)' "$OUT/time.txt" | awk '{print $NF}')
RSS_KB=$(grep 'Maximum resident set size' "$OUT/time.txt" | awk '{print $NF}')
echo "RESULT rows=$(($(wc -l < "$OUT/results.csv") - 1)) elapsed=$ELAPSED peak_rss_mb=$((RSS_KB / 1024)) cpus=$(nproc)"
