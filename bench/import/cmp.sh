#!/usr/bin/env bash
# Whole imports of one archive by several pressroom binaries, one after the
# other per round, each into a fresh SQLite database: wall, user and system
# seconds, the load average at its start, and the import's own "took" line.
# On a shared, noisy machine compare the store phase (took minus "reading
# and repairing") and the CPU times, over several rounds.
#
#   bench/import/cmp.sh ROUNDS ARCHIVE_DIR BIN...
#   WORK=/tmp/cmp bench/import/cmp.sh 3 bench-work/archive main/pressroom new/pressroom
set -euo pipefail
rounds=$1 archive=$(realpath "$2"); shift 2
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    rm -f "$work"/c.db*
    load=$(cut -d' ' -f1 /proc/loadavg)
    out=$( { /usr/bin/time -f "TIME %e s wall %U user %S sys" "$bin" \
      --database "sqlite://$work/c.db" import "$archive" | grep '^took'; } 2>&1 | grep -E '^(took|TIME)')
    echo "$bin load=$load $(echo "$out" | tr '\n' ' ')"
  done
done
