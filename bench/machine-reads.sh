#!/usr/bin/env bash
# What machines read, over a synthetic archive on 127.0.0.1 only, bounded in
# time (wrk, 1 thread, 4 connections, 5 s per row): each feed, the sitemap
# (one release file of up to 50,000 URLs), the read API, and the same pages
# answered 304 to a conditional request, side by side. Prints a markdown
# table.
#
#   bench/machine-reads.sh [COUNT]     # default 100000 releases
#
# Shares the corpus and database of bench/public-pages.sh ($BENCH_DIR,
# default /tmp/pressroom-bench-public-COUNT).
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
  "$bin" --database "$db" import "$dir/corpus.txt" | tail -1
fi
port=18182
PRESSROOM_LOG=error "$bin" --database "$db" serve --bind 127.0.0.1:$port >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf -o /dev/null "$base/robots.txt" && break; sleep 0.2; done
sitemap=/sitemap.xml
if curl -s "$base/sitemap.xml" | grep -q '<sitemapindex'; then sitemap=/sitemaps/1.xml; fi
etag() { curl -s -D - -o /dev/null "$base$1" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r'; }
echo "| what | URL | conditional | one request | requests/s | p50 | p99 | bytes |"
echo "|---|---|---|---|---|---|---|---|"
for row in "home|/" "Atom feed|/feed.atom" "RSS feed|/feed.rss" "JSON Feed|/feed.json" \
           "kind feed|/feed.atom?kind=Readout" "sitemap|$sitemap" "API list|/api/releases?limit=100" \
           "robots.txt|/robots.txt"; do
  name=${row%%|*}; path=${row#*|}
  bytes=$(curl -s "$base$path" | wc -c)
  for cond in no yes; do
    hdr=()
    if [ "$cond" = yes ]; then hdr=(-H "If-None-Match: $(etag "$path")"); fi
    one=$(curl -s -o /dev/null -w '%{time_total}' "${hdr[@]}" "$base$path")
    out=$(wrk -t1 -c4 -d5s --timeout 60s --latency "${hdr[@]}" "$base$path" 2>&1)
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    echo "| $name | \`$path\` | $cond | ${one}s | $rps | $p50 | $p99 | $bytes |"
  done
done
echo
echo "server RSS after the run: $(ps -o rss= -p $server) KB ($count releases)"
