#!/usr/bin/env bash
# Throughput and latency of each public page type over a synthetic archive,
# on 127.0.0.1 only, bounded in time (wrk, 1 thread, 4 connections, 5 s per
# page). Prints a markdown table.
#
#   bench/public-pages.sh [COUNT]      # default 100000 releases
#
# The corpus and database are kept in $BENCH_DIR (default
# /tmp/pressroom-bench-public-COUNT) and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
dir=${BENCH_DIR:-/tmp/pressroom-bench-public-$count}
bin=target/release/pressroom
command -v wrk >/dev/null || { echo "error: wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build -p pressroom-cli --release --locked --quiet
mkdir -p "$dir"
db="sqlite://$dir/bench.db"
if [ ! -f "$dir/bench.db" ]; then
  "$bin" bench generate --count "$count" --format text -o "$dir/corpus.txt"
  /usr/bin/time -f "import: %e s, max RSS %M KB" "$bin" --database "$db" import "$dir/corpus.txt" | tail -1
fi
port=18181
PRESSROOM_LOG=error "$bin" --database "$db" serve --bind 127.0.0.1:$port >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf -o /dev/null "$base/static/style.css" && break; sleep 0.2; done
release=$(curl -s "$base/" | grep -o 'href="/releases/[^"]*"' | head -1 | cut -d'"' -f2)
year=$(curl -s "$base/archive" | grep -o 'href="/archive/[0-9]*"' | sed -n 3p | cut -d'"' -f2)
kind=$(curl -s "$base/" | grep -o 'href="/?kind=[^"&]*"' | head -1 | cut -d'"' -f2)
y=${year##*/}
echo "| page | URL | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
for row in "home|/" "filtered listing|$kind&year=$y&month=6" "deep page|/?page=200" \
           "archive|/archive" "archive year|$year" "release|$release" "404|/no/such/page"; do
  name=${row%%|*}; path=${row#*|}
  out=$(wrk -t1 -c4 -d5s --latency "$base$path" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "| $name | \`$path\` | $rps | $p50 | $p99 |"
done
echo
echo "server RSS after the run: $(ps -o rss= -p $server) KB ($count releases)"
