#!/usr/bin/env bash
# Search benchmark: N synthetic releases (default 1,000,000) in a SQLite
# store; the tantivy index built by `pressroom reindex`; its size on disk;
# p50/p99 latency of single-word, phrase + facets and filtered + faceted
# queries in-process (tantivy and the SQLite FTS5 baseline over the same
# releases) and over HTTP on loopback with wrk; the server's resident memory.
#
#   bench/search/run.sh [COUNT] [WORKDIR]
#
# BIN=path reuses a built binary; IN_PROCESS=0 runs only the HTTP half;
# DURATION (15s) and ITERATIONS (300) bound the runs; CONNECTIONS ("1 4")
# lists the wrk connection counts each class runs with.
#
# Loopback only, bounded in time (each wrk run is 15 s). Needs wrk
# (apt-get install wrk). Re-running reuses the store, index and FTS5 files
# in WORKDIR (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-1000000}
work=${2:-/tmp/pressroom-bench-search-$count}
port=${PORT:-18765}
duration=${DURATION:-15s}
mkdir -p "$work"
# STORE=path searches a store loaded elsewhere, in place (the index and the
# baseline still go to WORKDIR); FTS=0 leaves out the FTS5 baseline.
store=${STORE:-$work/bench.db}
db="sqlite://$store"
index=$work/index

command -v wrk >/dev/null || { echo "error: wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -n "${BIN:-}" ] || cargo build --release --locked -p pressroom-cli
bin=${BIN:-target/release/pressroom}

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM; count=$count; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$store" ]; then
  echo "== loading $count synthetic releases into the store"
  /usr/bin/time -f "load: %e s, max RSS %M KB" "$bin" --database "$db" --index "$index" bench load --count "$count"
fi

if [ ! -f "$index/meta.json" ]; then
  echo "== index build (pressroom reindex)"
  /usr/bin/time -f "reindex: %e s wall, max RSS %M KB" "$bin" --database "$db" --index "$index" reindex
fi
echo "index size on disk: $(du -sh "$index" | cut -f1) ($(du -sb "$index" | cut -f1) bytes)"
echo "store size on disk: $(du -sh "$store" | cut -f1)"

if [ "${IN_PROCESS:-1}" != 0 ]; then
  echo "== in-process: tantivy vs SQLite FTS5 (same releases, same questions)"
  fts=(--fts "$work/fts.db")
  [ "${FTS:-1}" = 0 ] && fts=()
  /usr/bin/time -f "bench search: %e s wall, %U s user, %S s system, max RSS %M KB" "$bin" --database "$db" --index "$index" bench search "${fts[@]}" --iterations "${ITERATIONS:-300}"
  [ -f "$work/fts.db" ] && echo "FTS5 size on disk: $(du -sh "$work/fts.db" | cut -f1)"
fi

echo "== over HTTP on loopback (wrk, 1 thread, ${CONNECTIONS:-1 4} connections, $duration each)"
PRESSROOM_LOG=warn "$bin" --database "$db" --index "$index" serve --page-cache-seconds 0 --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/search?q=polio" >/dev/null && break
  sleep 0.2
done
rss() { awk '/VmRSS/ {print $2, $3}' "/proc/$server/status"; }
# The server's processor time (user + system, all threads) in clock ticks
# of 10 ms: per request it does not depend on how loaded the machine is.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "server resident memory after start: $(rss)"

# Each class twice: with one connection (the service time of one request,
# nothing queued behind it) and with four (throughput, requests queued on
# a 2-core machine that wrk shares).
run() {
  local name=$1; shift
  for conns in ${CONNECTIONS:-1 4}; do
    run_with "$conns" "$name" "$@"
  done
}

run_with() {
  local conns=$1 name=$2; shift 2
  local lua="$work/$name.lua"
  {
    echo "local paths = {"
    for p in "$@"; do echo "  \"$p\","; done
    echo "}"
    echo 'local i = 0'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
  } >"$lua"
  echo "-- $name, $conns connection(s); load average $(cut -d' ' -f1 /proc/loadavg)"
  local before out requests
  before=$(cpu_ticks)
  out=$(wrk -t1 -c"$conns" -d"$duration" --latency -s "$lua" "http://127.0.0.1:$port")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%' <<<"$out"
  echo "  server processor time: $(awk -v t=$(( $(cpu_ticks) - before )) -v n="$requests" 'BEGIN {printf "%.2f ms per request (%d requests)", n ? t * 10 / n : 0, n}')"
}
run single_word "/search?q=fentanyl" "/search?q=cybersecurity" "/search?q=polio" \
  "/search?q=maritime" "/search?q=Angola" "/search?q=pandemic" "/search?q=sanctions" \
  "/search?q=humanitarian" "/search?q=nonproliferation" "/search?q=Ukraine"
run phrase_facets "/search?q=%22human+rights%22" "/search?q=%22maritime+security%22" \
  "/search?q=%22weapons+of+mass+destruction%22" "/search?q=%22humanitarian+assistance%22" \
  "/search?q=%22trafficking+in+persons%22" "/search?q=%22pandemic+preparedness%22"
run filtered_facets "/search?q=%22human+rights%22&kind=Readout&year=2018" \
  "/search?q=sanctions&kind=Press+Statement&year=2015" \
  "/search?q=%22maritime+security%22&kind=Media+Note&year=2020" \
  "/search?q=humanitarian&kind=Statement&year=2012"
run api_single_word "/api/search?q=polio" "/api/search?q=sanctions" "/api/search?q=Ukraine"
echo "server resident memory while serving (after the runs): $(rss)"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
