#!/usr/bin/env bash
# Publish-to-visible, round after round, at any size (issue 11): serves a
# copy of SOURCE_DB and its index (SOURCE_DB.index) with `serve
# --change-poll-ms 10`, then runs bench/visible.py ROUNDS times (each a new
# release imported by another process) and prints one line per round and
# the server's resident memory every 30 rounds. Loopback only.
#
#   bench/visible-rounds.sh BIN ROUNDS PORT WORKDIR
#
# SOURCE_DB [/work/data/m1.db]: `pressroom bench load --count 1000000`,
# then `reindex` with --index SOURCE_DB.index. WORKDIR keeps its copy: a
# second run goes on from the releases the first published (delete it for
# a fresh copy). STORM=1 also runs two wrk (32 connections each) on the
# release page and the listing while the rounds run.
set -euo pipefail
BIN=$1; ROUNDS=$2; PORT=$3; W=$4
SOURCE_DB=${SOURCE_DB:-/work/data/m1.db}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$W/visw"
if [ ! -f "$W/vis.db" ]; then
  sqlite3 "$SOURCE_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  cp "$SOURCE_DB" "$W/vis.db"; cp -r "$SOURCE_DB.index" "$W/vis-index"
  sync; sleep 2   # the copy's write-back is not part of any round
fi
"$BIN" --database "sqlite://$W/vis.db" --index "$W/vis-index" serve --change-poll-ms 10 \
  --bind "127.0.0.1:$PORT" > "$W/serve.log" 2>&1 &
SP=$!
trap 'kill -TERM $SP 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/robots.txt" >/dev/null && break; sleep 0.1; done
STORMS=()
rm -f "$W"/wrk-storm*.txt
if [ "${STORM:-0}" = 1 ]; then
  REL=$(curl -s "http://127.0.0.1:$PORT/" | grep -o 'href="/releases/[^"]*"' | head -1 | cut -d'"' -f2)
  for url in "$REL" /; do
    wrk -t1 -c32 -d$((ROUNDS * 2 + 10))s -H "Accept-Encoding: gzip, deflate, br" \
      "http://127.0.0.1:$PORT$url" > "$W/wrk-storm$(echo "$url" | tr '/' '_').txt" 2>&1 &
    STORMS+=($!)
  done
  sleep 3
fi
for r in $(seq 1 "$ROUNDS"); do
  python3 "$HERE/visible.py" "$BIN" "sqlite://$W/vis.db" "http://127.0.0.1:$PORT" "$W/visw" > "$W/round-$r.txt" 2>&1 || true
  echo "round $r $(date +%T) load $(cut -d' ' -f1 /proc/loadavg): $(grep -E '^\| (release page|listing|Atom feed|search|sitemap) ' "$W/round-$r.txt" | awk -F'|' '{printf "%s=%s ", $2, $3}' | tr -s ' ')"
  sleep 1
  if [ $((r % 30)) = 0 ]; then grep -E "VmRSS|RssAnon|RssFile" "/proc/$SP/status" | tr -s ' \t' ' ' | tr '\n' ' '; echo; fi
done
for w in "${STORMS[@]}"; do wait "$w" || true; done
for f in "$W"/wrk-storm*.txt; do [ -e "$f" ] && echo "$f: $(grep -E 'Requests/sec' "$f")"; done
true
