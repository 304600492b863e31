#!/usr/bin/env bash
# Two builds of pressroom side by side on one archive, step by step (each
# step run by one binary, then the other, so both see the same load): the
# one-core dry run and the whole import into a fresh SQLite file, each under
# /usr/bin/time with the load average; then whether their JSON reports are
# identical, and for the second binary whether the export holds exactly the
# generated releases and release_tally equals a recount.
# Usage: bench/import/compare.sh OLD_BINARY NEW_BINARY ARCHIVE_DIR GENERATED_JSONL
# (ARCHIVE_DIR and GENERATED_JSONL as made by the first steps of run.sh).
# Writes its databases and reports in $BENCH_DIR (default: a temporary
# folder) and deletes the databases at the end. Stops at a failed check.
set -euo pipefail
old=$1 new=$2 archive=$3 generated=$4
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
for step in dry import; do
  for which in old new; do
    bin=${!which}
    echo "== $step, $which ($bin), $(uptime | sed 's/.*load/load/')"
    if [ "$step" = dry ]; then
      /usr/bin/time -f "time: %e s wall %U user %S sys %M KB" taskset -c 0 "$bin" import --dry-run \
        --report "$work/dry-$which.json" "$archive" 2>&1 | grep -E '^(dry run|repairs|took|time)'
    else
      rm -f "$work/$which.db"*
      /usr/bin/time -f "time: %e s wall %U user %S sys %M KB" "$bin" --database "sqlite://$work/$which.db" \
        import --report "$work/import-$which.json" "$archive" 2>&1 | grep -E '^(imported|releases|took|time)'
    fi
  done
done
python3 - "$work" <<'PY'
import json, sys
for step in ("dry", "import"):
    a, b = (json.load(open("%s/%s-%s.json" % (sys.argv[1], step, w))) for w in ("old", "new"))
    print("%s reports identical: %s" % (step, a == b))
PY
echo "== the export of the new binary's import holds exactly the generated releases"
"$new" --database "sqlite://$work/new.db" export -o "$work/exported.jsonl"
python3 "$(dirname "$0")/same_export.py" "$generated" "$work/exported.jsonl"
echo "== release_tally equals a recount (1 = yes)"
sqlite3 "$work/new.db" "SELECT (SELECT group_concat(x) FROM (SELECT status || '|' || kind || '|' || issuer || '|' || year || ':' || n AS x FROM release_tally WHERE n > 0 ORDER BY 1)) = (SELECT group_concat(x) FROM (SELECT status || '|' || coalesce(kind, '') || '|' || coalesce(issuer, '') || '|' || substr(release_date, 1, 4) || ':' || COUNT(*) AS x FROM releases WHERE status IN ('published', 'withdrawn') GROUP BY status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4) ORDER BY 1))"
rm -f "$work/old.db"* "$work/new.db"* "$work/exported.jsonl"
uptime
