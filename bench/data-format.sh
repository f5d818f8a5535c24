# Sourced by the benchmark scripts after OUT is set. The data they keep in bench/out between runs must be in the form
# the portal reads: encrypted values bound to their row (security round 2) do not open from data generated before,
# so data of an older form is started over.
DATA_FORMAT=row-bound-v3
if [ "$(cat "$OUT/data-format" 2>/dev/null)" != "$DATA_FORMAT" ]; then
    echo "== data in $OUT predates format $DATA_FORMAT: starting it over"
    rm -f "$OUT"/*.db "$OUT"/*.db-wal "$OUT"/*.db-shm "$OUT/lookups.csv"
    echo "$DATA_FORMAT" > "$OUT/data-format"
fi
