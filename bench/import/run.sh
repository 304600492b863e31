#!/usr/bin/env bash
# Import benchmark: generates an archive of COUNT releases (default 200,000)
# in the legacy seed layout with the defects of scraped dumps, then measures
#   1. parse + repair on one core (`import --dry-run`: reading, repairing and
#      deduplicating, nothing stored), in MB/s;
#   2. the whole import into a fresh SQLite database, in releases/s;
# and checks that the export holds exactly the generated releases, field by
# field. Not run by CI. Usage: bench/import/run.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-200000}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
echo "working in $work"

cargo build --release -p pressroom-cli --quiet
bin=target/release/pressroom

$bin bench generate --count "$count" --format jsonl -o "$work/generated.jsonl"
python3 bench/import/inject_defects.py "$work/generated.jsonl" "$work/archive"
du -sh "$work/archive"

echo "== parse + repair, one core (dry run)"
taskset -c 0 $bin import --dry-run "$work/archive" | grep -E '^(dry run|releases|repairs|took)'

echo "== whole import into SQLite"
rm -f "$work/bench.db"*
$bin --database "sqlite://$work/bench.db" import "$work/archive" | grep -E '^(imported|releases|took)'

echo "== the export holds exactly the generated releases"
$bin --database "sqlite://$work/bench.db" export -o "$work/exported.jsonl"
python3 bench/import/same_export.py "$work/generated.jsonl" "$work/exported.jsonl"
