#!/usr/bin/env bash
# Import throughput and page latency on PostgreSQL against SQLite, in one run
# on one machine, with the same synthetic corpus.
#
#   bench/postgres-vs-sqlite.sh [RELEASES]      (default 200000)
#
# The corpus is `pressroom bench generate --format text`, 1000 releases per
# file (one import transaction per file). Pages are measured with wrk on
# loopback against `pressroom serve` with the page cache off (the database's
# cost) and on (what a node serves between writes). PostgreSQL is the
# server PRESSROOM_BENCH_POSTGRES names (default 127.0.0.1:5432); the bench
# creates and drops a database of its own there.
#
# A portal loaded beforehand (PRESSROOM_BENCH_SQLITE=/path/to/loaded.db, e.g.
# a million releases) skips the corpus and the imports: the file is copied
# (the original is never opened for writing) and PostgreSQL is loaded from
# the copy with `pressroom copy`, which is timed. PRESSROOM_BENCH_IN_PLACE=1
# uses the loaded file where it is instead (when a copy would not fit). PRESSROOM_BENCH_BIN uses a
# prebuilt binary instead of building one. The load average is printed with
# the results: on a shared machine wall-clock numbers move with it, so the
# CPU seconds of each load are printed too.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-200000}
per_file=1000
pg_admin=${PRESSROOM_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
duration=${WRK_DURATION:-10s}
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 1; }
psql "$pg_admin" -Atc 'SELECT 1' >/dev/null || { echo "error: PostgreSQL is not reachable at $pg_admin" >&2; exit 1; }

if [ -n "${PRESSROOM_BENCH_BIN:-}" ]; then
  bin=$PRESSROOM_BENCH_BIN
else
  cargo build --release -q -p pressroom-cli
  bin=$PWD/target/release/pressroom
fi
loaded=${PRESSROOM_BENCH_SQLITE:-}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/pressroom-bench.XXXXXX")
pg_db=pressroom_bench_$$
pg_url=${pg_admin%/*}/$pg_db
sqlite_url=sqlite://$work/bench.db
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export PRESSROOM_LOG=warn

psql "$pg_admin" -qc "CREATE DATABASE $pg_db" >/dev/null
declare -A url=([sqlite]=$sqlite_url [postgres]=$pg_url)
declare -A results

now() { date +%s.%N; }
# Runs a command, timing it; sets $secs (wall) and $cpu (user+system).
timed() {
  local start end
  start=$(now)
  /usr/bin/time -f '%U %S' -o "$work/time" "$@"
  end=$(now)
  secs=$(echo "$end - $start" | bc -l)
  cpu=$(awk '{print $1 + $2}' "$work/time")
}

if [ -n "$loaded" ] && [ "${PRESSROOM_BENCH_IN_PLACE:-0}" = 1 ]; then
  # A 9 GB copy may not fit the disk: the loaded file is used where it is
  # (the binary may migrate it; the bench itself writes nothing to it).
  sqlite_url=sqlite://$(realpath "$loaded")
  url[sqlite]=$sqlite_url
  n=$(sqlite3 -readonly "$loaded" 'SELECT COUNT(*) FROM releases')
  echo "== copy sqlite -> postgres: $n releases (the loaded file used in place)"
  timed "$bin" copy --from "$sqlite_url" --to "$pg_url" >"$work/copy.out"
  head -1 "$work/copy.out"
  results[postgres,import]=$(printf 'pressroom copy: %.1f s wall, %.1f s CPU, %.0f releases/s' \
    "$secs" "$cpu" "$(echo "$n / $secs" | bc -l)")
  results[sqlite,import]="(loaded beforehand)"
  echo "${results[postgres,import]}"
elif [ -n "$loaded" ]; then
  echo "== copying $loaded (read only) to $work"
  cp "$loaded" "$work/bench.db"
  [ -f "$loaded-wal" ] && cp "$loaded-wal" "$work/bench.db-wal"
  n=$(sqlite3 -readonly "$work/bench.db" 'SELECT COUNT(*) FROM releases')
  echo "== copy sqlite -> postgres: $n releases"
  timed "$bin" copy --from "$sqlite_url" --to "$pg_url" >"$work/copy.out"
  head -1 "$work/copy.out"
  results[postgres,import]=$(printf 'pressroom copy: %.1f s wall, %.1f s CPU, %.0f releases/s' \
    "$secs" "$cpu" "$(echo "$n / $secs" | bc -l)")
  results[sqlite,import]="(loaded beforehand)"
  echo "${results[postgres,import]}"
else
  echo "== corpus: $n releases, $per_file per file"
  mkdir -p "$work/corpus"
  files=$(( (n + per_file - 1) / per_file ))
  for i in $(seq 1 "$files"); do
    "$bin" bench generate --count "$per_file" --seed "$i" --format text \
      -o "$work/corpus/$(printf %05d "$i").txt" 2>/dev/null
  done
  du -sh "$work/corpus" | cut -f1 | sed 's/^/corpus size: /'
  for backend in sqlite postgres; do
    echo "== import into $backend"
    timed "$bin" --database "${url[$backend]}" import "$work/corpus" >"$work/import.out"
    tail -1 "$work/import.out"
    results[$backend,import]=$(printf '%.1f s wall, %.1f s CPU (pressroom), %.0f releases/s' \
      "$secs" "$cpu" "$(echo "$n / $secs" | bc -l)")
    echo "${results[$backend,import]}"
  done
fi

# Starts a server on the backend's own search index (built by the first
# server of each backend, which brings it up to date before it opens; one
# server at a time holds an index); prints its address. The time from
# start to "serving on" is kept in results[$1,start$2].
serve() {
  local out="$work/serve-$1-$2.out" started
  started=$(now)
  "$bin" --database "${url[$1]}" serve --bind 127.0.0.1:0 --page-cache-seconds "$2" \
    --index "$work/index-$1" >"$out" 2>&1 &
  servers+=($!)
  server=$!
  # Building the index of a million releases takes minutes: wait up to 30.
  for _ in $(seq 1 18000); do
    if grep -q 'serving on' "$out"; then
      results[$1,start$2]=$(printf '%.1f s' "$(echo "$(now) - $started" | bc -l)")
      addr=$(sed -n 's/.*serving on //p' "$out")
      return
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: server did not start: $(cat "$out")" >&2; exit 1
}
rss_of() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status"; }

# wrk summary: requests/s, p50, p99.
measure() {
  wrk -t2 -c16 -d"$duration" --latency "$1" |
    awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
         END {printf "%8.0f req/s  p50 %-8s p99 %-8s%s", rps, p50, p99, (bad ? "  NON-2xx " bad : "")}'
}

deep="/?page=$(( n / 20 / 2 ))"
pages=(/ "$deep" "/search?q=budget" "/api/search?q=minister+trade")
for backend in sqlite postgres; do
  serve "$backend" 0
  release=$(curl -s "$addr/" | grep -o 'href="/releases/[^"]*"' | head -1 | cut -d'"' -f2)
  kind=$(curl -s "$addr/" | grep -o 'href="/?kind=[^"]*"' | head -1 | cut -d'"' -f2 | sed 's/&amp;/\&/g')
  for page in "${pages[@]}" ${kind:+"$kind"}; do
    results[$backend,$page]=$(measure "$addr$page")
  done
  results[$backend,kindpath]=$kind
  results[$backend,release]=$(measure "$addr$release")
  results[$backend,rss]=$(rss_of "$server")
  kill "$server"; wait "$server" 2>/dev/null || true
  serve "$backend" 30
  results[$backend,cached]=$(measure "$addr/")
  # Publish-to-visible on this backend: a second process imports one
  # release while the cached server's pages are polled.
  python3 bench/visible.py "$bin" "${url[$backend]}" "$addr" "$work" >"$work/visible-$backend.md" 2>&1 || true
  kill "$server"; wait "$server" 2>/dev/null || true
done

echo
echo "== results: $n releases, $(nproc) cores, wrk -t2 -c16 -d$duration on loopback"
echo "load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in sqlite postgres; do
  kind=${results[$backend,kindpath]}
  echo "$backend"
  echo "  load                   ${results[$backend,import]}"
  echo "  listing /              ${results[$backend,/]}"
  echo "  deep page $deep  ${results[$backend,$deep]}"
  [ -n "$kind" ] && echo "  filtered $kind  ${results[$backend,$kind]}"
  echo "  search /search?q=budget ${results[$backend,/search?q=budget]}"
  echo "  api search             ${results[$backend,/api/search?q=minister+trade]}"
  echo "  release page           ${results[$backend,release]}"
  echo "  listing /, cached      ${results[$backend,cached]}"
  echo "  start (index built)    ${results[$backend,start0]}; again (index current) ${results[$backend,start30]}"
  echo "  resident memory        ${results[$backend,rss]} after the uncached runs"
  sed 's/^/  /' "$work/visible-$backend.md"
done
