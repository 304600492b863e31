#!/usr/bin/env bash
# Tail latency at 64 connections (issue 11): wrk --latency against running
# pressroom servers and nginx's static page, interleaved in ONE run, so
# every system sees the same machine load. For each round, each page type
# is measured on every pressroom server in turn, with nginx's static page
# measured between them; the load average is recorded beside each run.
# Prints a markdown table of the median of the rounds (req/s, p50, p90,
# p99, max) and keeps the raw wrk output.
#
#   SERVERS="branch=http://127.0.0.1:18190 main=http://127.0.0.1:18191" bench/tail.sh
#
# Environment (defaults in brackets):
#   SERVERS [branch=http://127.0.0.1:18190]   name=base URL, space-separated
#   NGINX [http://127.0.0.1:8082/]            the static page ('' skips it)
#   PAGES [release / /?kind feed search]      page types: 'release' and
#                   '/?kind' are found on the first server's front page
#   SEARCH_WORD [Ukraine]  CONNS [64]  THREADS [1]  DURATION [10s]
#   WARMUP [2s]  ROUNDS [3]  ACCEPT_ENCODING [gzip, deflate, br] ('' = identity)
#   OUT [/tmp/pressroom-tail/<time>]        raw output
set -euo pipefail
cd "$(dirname "$0")/.."
SERVERS=${SERVERS:-branch=http://127.0.0.1:18190}
NGINX=${NGINX-http://127.0.0.1:8082/}
PAGES=${PAGES:-release / /?kind feed search}
SEARCH_WORD=${SEARCH_WORD:-Ukraine}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-3}
ACCEPT_ENCODING=${ACCEPT_ENCODING-gzip, deflate, br}
OUT=${OUT:-/tmp/pressroom-tail/$(date -u +%Y%m%dT%H%M%SZ)}
LUA=${LUA:-$(cd ../shared/bench/peers 2>/dev/null && pwd)/wrk-report.lua}
[ -f "$LUA" ] || LUA=/work/shared/bench/peers/wrk-report.lua
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk missing" >&2; exit 1; }

read -r -a SERVER_LIST <<<"$SERVERS"
first=${SERVER_LIST[0]#*=}
front=$(curl -s "$first/")
declare -A PATH_OF
for page in $PAGES; do
  case $page in
    release) PATH_OF[$page]=$(grep -o 'href="/releases/[^"]*"' <<<"$front" | head -1 | cut -d'"' -f2) ;;
    '/?kind') PATH_OF[$page]=$(grep -o 'href="/?kind=[^"&]*"' <<<"$front" | head -1 | cut -d'"' -f2) ;;
    feed) PATH_OF[$page]=/feed.atom ;;
    search) PATH_OF[$page]="/search?q=$SEARCH_WORD" ;;
    *) PATH_OF[$page]=$page ;;
  esac
done

HDR=()
[ -n "$ACCEPT_ENCODING" ] && HDR=(-H "Accept-Encoding: $ACCEPT_ENCODING")
# One wrk run; appends "name page round load rps p50 p90 p99 max errors".
run() {
  local name=$1 page=$2 url=$3 round=$4 slug
  slug=$(tr -c 'a-zA-Z0-9\n' '-' <<<"$name-$page-$round")
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout 10s "${HDR[@]}" -s "$LUA" "$url" >/dev/null 2>&1
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout 10s "${HDR[@]}" -s "$LUA" "$url" >"$OUT/wrk-$slug.txt" 2>&1
  local line; line=$(grep '^RESULT' "$OUT/wrk-$slug.txt")
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${line#RESULT}"; }
  echo "$name|$page|$round|$load|$(get rps)|$(get p50_ms)|$(get p90_ms)|$(get p99_ms)|$(get max_ms)|$(( $(get sock_errors) + $(get timeouts) + $(get non2xx3xx) ))" | tee -a "$OUT/runs.txt" >&2
}

echo "start $(date -u +%FT%TZ) loadavg $(cat /proc/loadavg); wrk -t$THREADS -c$CONNS -d$DURATION (+$WARMUP warmup), Accept-Encoding '$ACCEPT_ENCODING'" | tee "$OUT/machine.txt" >&2
for round in $(seq "$ROUNDS"); do
  for page in $PAGES; do
    for server in "${SERVER_LIST[@]}"; do
      [ -n "$NGINX" ] && run nginx static "$NGINX" "$round"
      run "${server%%=*}" "$page" "${server#*=}${PATH_OF[$page]}" "$round"
    done
  done
done
echo "end $(date -u +%FT%TZ) loadavg $(cat /proc/loadavg)" | tee -a "$OUT/machine.txt" >&2

python3 - "$OUT/runs.txt" <<'EOF' | tee "$OUT/table.md"
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, page, _, load, *nums = line.strip().split("|")
    rows.setdefault((name, page), []).append([float(load)] + [float(x) for x in nums])
print("| system | page | runs | load avg | req/s | p50 ms | p90 ms | p99 ms (min-max of runs) | max ms | errors |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (name, page), runs in rows.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    p99s = [r[4] for r in runs]
    print(f"| {name} | {page} | {len(runs)} | {med(0):.1f} | {med(1):,.0f} | {med(2):.2f} | {med(3):.2f} | "
          f"{med(4):.2f} ({min(p99s):.1f}-{max(p99s):.1f}) | {med(5):.1f} | {sum(int(r[6]) for r in runs)} |")
EOF
echo "raw output in $OUT" >&2
