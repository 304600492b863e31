#!/usr/bin/env bash
# pressroom against its peers, in ONE run on this machine, loopback only
# (issue 11): nginx serving a pre-rendered page as a static file, WordPress
# 6.1 (php-fpm + MariaDB, no page cache) and Hugo, set up by
# ../shared/bench/peers/setup.sh. wrk (bounded: WARMUP + DURATION per
# target, 64 connections) runs against the release page, listing, filtered
# listing, Atom feed and search of each, once with a browser's
# Accept-Encoding and once without (identity bodies), then the table prints
# req/s, p99 and the ratios pressroom/nginx and pressroom/WordPress.
# pressroom/nginx compares with nginx's small static page; beside it, nginx
# serves the very bytes pressroom sent for each page as a static file (the
# static limit for a page of that size, "same bytes"). With
# BASELINE_BIN (e.g. main's build) a second pressroom serves its own copy of
# the database beside it and is measured in the same run, row by row. Last,
# publish-to-visible: a release imported into pressroom's database while it
# serves, timed until its page, the listing, the feed, search and the
# sitemap show it, beside Hugo's full rebuild of its site.
#
#   sudo bench/peers.sh                    # as root: setup.sh installs packages
#
# Environment (defaults in brackets):
#   SOURCE_DB [/work/bench1m/bench.db]  SQLite database to serve; it is COPIED
#                       into WORK and never opened in place
#   WORK [/tmp/pressroom-bench-peers]   the copy, its search index, raw output
#   CONNS [64] THREADS [1] DURATION [10s] WARMUP [3s]   wrk settings
#   WP_CONNS [4]         connections for WordPress: php-fpm runs 5 children,
#                        so 64 connections only queue (and time out) at its
#                        door; at 4 its req/s is its best and its p50 is
#                        what one page costs it. Stated in the table.
#   ACCEPT_ENCODINGS [gzip, deflate, br|]   the passes, '|'-separated: each
#                       value is sent by wrk to every system (the first as
#                       every browser and feed reader sends it, the empty one
#                       for identity bodies); nginx's static page and
#                       WordPress answer uncompressed (gzip off in their
#                       config), pressroom with its stored brotli copy.
#                       WordPress is measured in the first pass only.
#   BASELINE_BIN []      a second pressroom binary measured in the same run
#                        (on PORT+1, over its own copy of the database)
#   SEARCH_WORD [Ukraine]   the word searched on every system
#   N [10000]            releases the peers get (setup.sh's N; WordPress loads
#                        ~10 posts/s here, so not a million)
#   HUGO_RUNS [3]        timed Hugo full builds (hyperfine); 0 skips Hugo
#   PORT [18190]         pressroom's port
# The peers keep their own ports (8081 WordPress, 8082 nginx static).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/bench/peers" && pwd)}
STATE=${STATE:-/var/lib/pressroom-bench}
SOURCE_DB=${SOURCE_DB:-/work/bench1m/bench.db}
WORK=${WORK:-/tmp/pressroom-bench-peers}
CONNS=${CONNS:-64}
WP_CONNS=${WP_CONNS:-4}
THREADS=${THREADS:-1}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
SEARCH_WORD=${SEARCH_WORD:-Ukraine}
ACCEPT_ENCODINGS=${ACCEPT_ENCODINGS-gzip, deflate, br|}
BASELINE_BIN=${BASELINE_BIN:-}
HUGO_RUNS=${HUGO_RUNS:-3}
PORT=${PORT:-18190}
LUA="$PEERS/wrk-report.lua"
BIN=${BIN:-$ROOT/target/release/pressroom}
# The cache's byte budget, and the change feed read every 10 ms: on SQLite
# the import that publishes runs in another process, which sends no signal.
SERVE_FLAGS=${SERVE_FLAGS---page-cache-mb 64 --change-poll-ms 10}
RES="$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)"
log() { printf '[peers] %s\n' "$*" >&2; }
die() { printf '[peers] ERROR: %s\n' "$*" >&2; exit 1; }

[ -f "$SOURCE_DB" ] || die "no database at $SOURCE_DB (set SOURCE_DB)"
mkdir -p "$WORK" "$RES"

# ---- the peers: installed and loaded once, started if they are not up
if [ ! -s "$STATE/wp-post-url.txt" ] || [ ! -d "$STATE/hugo/content" ]; then
  log "setting up the peers (setup.sh all, N=${N:-10000}; slow the first time)"
  "$PEERS/setup.sh" all
fi
if ! curl -s -o /dev/null --max-time 5 http://127.0.0.1:8082/ \
   || ! curl -s -o /dev/null --max-time 5 http://127.0.0.1:8081/; then
  "$PEERS/setup.sh" start
fi
command -v wrk >/dev/null || die "wrk missing: run $PEERS/setup.sh install"

# ---- pressroom: release build, a copy of the database, its index
[ "${BUILD:-1}" = 1 ] && cargo build -p pressroom-cli --release --locked --quiet
DB="$WORK/bench.db"
if [ ! -f "$DB" ] || [ "$SOURCE_DB" -nt "$DB" ]; then
  log "copying $SOURCE_DB to $DB"
  rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.index"
  cp "$SOURCE_DB" "$DB.part"
  [ -f "$SOURCE_DB-wal" ] && cp "$SOURCE_DB-wal" "$DB.part-wal"
  mv "$DB.part" "$DB"
  [ -f "$DB.part-wal" ] && mv "$DB.part-wal" "$DB-wal"
  # An index made for the source is as good as one made here.
  [ -d "$SOURCE_DB.index" ] && cp -r "$SOURCE_DB.index" "$DB.index"
fi
if [ ! -d "$DB.index" ]; then
  log "building the search index once (not part of any timing)"
  /usr/bin/time -f "reindex: %e s, max RSS %M KB" "$BIN" --database "sqlite://$DB" reindex 2>&1 | tail -1 | tee "$RES/reindex.txt" >&2
fi
RELEASES=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True).execute("select count(*) from releases").fetchone()[0])' "$DB")

# Cold start: process start to the first answered request.
start_ns=$(date +%s%N)
PRESSROOM_LOG=warn "$BIN" --database "sqlite://$DB" serve --bind "127.0.0.1:$PORT" \
  $SERVE_FLAGS --keys "$WORK/keys" >"$RES/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
base="http://127.0.0.1:$PORT"
until curl -s -o /dev/null "$base/robots.txt"; do
  kill -0 $server 2>/dev/null || die "pressroom did not start: $(tail -3 "$RES/serve.log")"
  sleep 0.005
done
COLD_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
log "pressroom up in $COLD_MS ms with $RELEASES releases"

# The baseline: the same database, copied, so publish-to-visible (which
# writes) touches only the first.
baseline=
if [ -n "$BASELINE_BIN" ]; then
  BDB="$WORK/baseline.db"
  rm -rf "$BDB" "$BDB-wal" "$BDB-shm" "$BDB.index"
  cp "$DB" "$BDB"; [ -f "$DB-wal" ] && cp "$DB-wal" "$BDB-wal"
  cp -r "$DB.index" "$BDB.index"
  PRESSROOM_LOG=warn "$BASELINE_BIN" --database "sqlite://$BDB" serve --bind "127.0.0.1:$((PORT + 1))" \
    $SERVE_FLAGS --keys "$WORK/keys" >"$RES/serve-baseline.log" 2>&1 &
  baseline=$!
  until curl -s -o /dev/null "http://127.0.0.1:$((PORT + 1))/robots.txt"; do
    kill -0 $baseline 2>/dev/null || die "the baseline did not start: $(tail -3 "$RES/serve-baseline.log")"
    sleep 0.005
  done
fi
trap 'kill $server ${baseline:-} 2>/dev/null || true' EXIT

# ---- the URLs of each page type on each system
release=$(curl -s "$base/" | grep -o 'href="/releases/[^"]*"' | head -1 | cut -d'"' -f2)
kind=$(curl -s "$base/" | grep -o 'href="/?kind=[^"&]*"' | head -1 | cut -d'"' -f2)
WP=http://127.0.0.1:8081
WP_POST=$(head -1 "$STATE/wp-post-url.txt")
WP_CAT_ID=$(mariadb -uroot -N -e "SELECT t.term_id FROM pressroom_wp.wp_terms t JOIN pressroom_wp.wp_term_taxonomy x USING (term_id) WHERE x.taxonomy='category' AND t.name='Readout'")
WP_CAT=$(curl -s -o /dev/null -L -w '%{url_effective}' "$WP/?cat=$WP_CAT_ID")
NGINX=http://127.0.0.1:8082/
# page type | pressroom URL | WordPress URL
ROWS=(
  "release page|$base$release|$WP_POST"
  "listing|$base/|$WP/"
  "filtered listing|$base$kind|$WP_CAT"
  "Atom feed|$base/feed.atom|$WP/feed/atom/"
  "search|$base/search?q=$SEARCH_WORD|$WP/?s=$SEARCH_WORD"
)
for row in "${ROWS[@]}"; do
  IFS='|' read -r name ours theirs <<<"$row"
  for u in "$ours" "$theirs"; do
    code=$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' "$u")
    [ "$code" = 200 ] || die "$name: $u answered $code"
  done
done

# One wrk run: prints "rps p99_ms errors p50_ms". Not under `nice`:
# pressroom and the peers must get the same share of the CPU. HDR is the
# pass's; the third argument the connections (CONNS).
HDR=()
measure() {
  local url=$1 slug=$2 conns=${3:-$CONNS}
  wrk -t"$THREADS" -c"$conns" -d"$WARMUP" --timeout 10s "${HDR[@]}" -s "$LUA" "$url" >/dev/null 2>&1
  wrk -t"$THREADS" -c"$conns" -d"$DURATION" --timeout 10s "${HDR[@]}" -s "$LUA" "$url" >"$RES/wrk-$slug.txt" 2>&1
  local line; line=$(grep '^RESULT' "$RES/wrk-$slug.txt") || die "wrk printed no RESULT for $url"
  get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${line#RESULT}"; }
  echo "$(get rps) $(get p99_ms) $(( $(get sock_errors) + $(get timeouts) + $(get non2xx3xx) )) $(get p50_ms)"
}

{
  echo "date: $(date -u +%FT%TZ); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "loadavg before: $(cat /proc/loadavg)"
  echo "pressroom: $RELEASES releases (SQLite copy of $SOURCE_DB); peers: $(wc -l < "$STATE/wp-urls.txt") WordPress URLs rotated file, $(cat "$STATE/hugo/.count") Hugo posts"
} | tee "$RES/machine.txt" >&2

mkdir -p "$STATE/static/same"
declare -A P_RPS P_P99 P_P50 P_ERR S_RPS S_BYTES B_RPS B_P99 W_RPS W_P99 W_P50 W_ERR NGINX_RPS NGINX_P99
IFS='|' read -r -a PASSES <<<"$ACCEPT_ENCODINGS"
# `read` drops a trailing empty field: the identity pass.
if [ -z "$ACCEPT_ENCODINGS" ] || [ "${ACCEPT_ENCODINGS: -1}" = '|' ]; then PASSES+=(""); fi
for pass in "${!PASSES[@]}"; do
  enc=${PASSES[$pass]}
  HDR=()
  [ -n "$enc" ] && HDR=(-H "Accept-Encoding: $enc")
  log "pass $pass: Accept-Encoding '$enc'; nginx static file"
  read -r rps p99 _ < <(measure "$NGINX" "nginx-$pass")
  NGINX_RPS[$pass]=$rps NGINX_P99[$pass]=$p99
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name ours theirs <<<"$row"
    slug=$(tr -c 'a-zA-Z0-9\n' '-' <<<"$name")-$pass
    log "$name: pressroom"
    read -r rps p99 errs p50 < <(measure "$ours" "pressroom-$slug")
    P_RPS[$name,$pass]=$rps P_P99[$name,$pass]=$p99 P_ERR[$name,$pass]=$errs P_P50[$name,$pass]=$p50
    # nginx serving the very bytes pressroom sent for this page (its body
    # for this pass's Accept-Encoding, saved as a static file): the
    # static-file limit for a page of that size, where the 10 KB page
    # above is the limit for a small one.
    curl -s "${HDR[@]}" -o "$STATE/static/same/$slug" "$ours"
    S_BYTES[$name,$pass]=$(stat -c %s "$STATE/static/same/$slug")
    log "$name: nginx, the same ${S_BYTES[$name,$pass]} bytes"
    read -r rps p99 _ < <(measure "${NGINX}same/$slug" "nginx-same-$slug")
    S_RPS[$name,$pass]=$rps
    if [ -n "$baseline" ]; then
      log "$name: baseline"
      read -r rps p99 _ < <(measure "${ours/:$PORT/:$((PORT + 1))}" "baseline-$slug")
      B_RPS[$name,$pass]=$rps B_P99[$name,$pass]=$p99
    fi
    [ "$pass" = 0 ] || continue
    log "$name: WordPress"
    # php-fpm finishes the requests of clients that already hung up: wait
    # (at most a minute) until it answers one request promptly again.
    for _ in $(seq 30); do curl -s -o /dev/null --max-time 2 "$theirs" && break; done
    read -r rps p99 errs p50 < <(measure "$theirs" "wordpress-$slug" "$WP_CONNS")
    W_RPS[$name]=$rps W_P99[$name]=$p99 W_ERR[$name]=$errs W_P50[$name]=$p50
  done
done
RSS_KB=$(ps -o rss= -p $server | tr -d ' ')

# ---- publish-to-visible: import one release while pressroom serves
log "publish-to-visible"
python3 "$ROOT/bench/visible.py" "$BIN" "sqlite://$DB" "$base" "$WORK" > "$RES/visible.txt"
if [ -n "$baseline" ]; then
  log "publish-to-visible: baseline"
  python3 "$ROOT/bench/visible.py" "$BASELINE_BIN" "sqlite://$BDB" "http://127.0.0.1:$((PORT + 1))" "$WORK" > "$RES/visible-baseline.txt"
fi
HUGO_S=skipped
if [ "$HUGO_RUNS" != 0 ]; then
  log "Hugo full build ($HUGO_RUNS runs)"
  hyperfine --runs "$HUGO_RUNS" --warmup 1 --style basic \
    --prepare "rm -rf '$WORK/hugo-public'" --export-json "$RES/hugo.json" \
    "hugo --quiet --source '$STATE/hugo' --destination '$WORK/hugo-public'" >"$RES/hyperfine-hugo.txt" 2>&1
  HUGO_S=$(python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$RES/hugo.json")
  rm -rf "$WORK/hugo-public"
fi
echo "loadavg after: $(cat /proc/loadavg)" | tee -a "$RES/machine.txt" >&2

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.2f' % (a / b) if a and b else '-')" "$1" "$2"; }
{
  for pass in "${!PASSES[@]}"; do
    echo "Accept-Encoding: '${PASSES[$pass]}'. nginx static page: ${NGINX_RPS[$pass]} req/s, p99 ${NGINX_P99[$pass]} ms."
    echo
    echo "| page type | pressroom req/s | p50 ms | p99 ms | errors | baseline req/s | p99 ms | WordPress req/s ($WP_CONNS conns) | p50 ms | p99 ms | errors | pressroom/nginx | body bytes | nginx, same bytes req/s | pressroom/same bytes | pressroom/WordPress req/s | WordPress/pressroom p50 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do
      IFS='|' read -r name _ _ <<<"$row"
      k="$name,$pass"
      local_w=("${W_RPS[$name]:--}" "${W_P50[$name]:--}" "${W_P99[$name]:--}" "${W_ERR[$name]:--}")
      [ "$pass" = 0 ] || local_w=(- - - -)
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s× | %s | %s | %s× | %s× | %s× |\n' "$name" \
        "${P_RPS[$k]}" "${P_P50[$k]}" "${P_P99[$k]}" "${P_ERR[$k]}" "${B_RPS[$k]:--}" "${B_P99[$k]:--}" \
        "${local_w[@]}" \
        "$(ratio "${P_RPS[$k]}" "${NGINX_RPS[$pass]}")" "${S_BYTES[$k]}" "${S_RPS[$k]}" \
        "$(ratio "${P_RPS[$k]}" "${S_RPS[$k]}")" "$(ratio "${P_RPS[$k]}" "${local_w[0]/-/0}")" \
        "$(ratio "${local_w[1]/-/0}" "${P_P50[$k]}")"
    done
    echo
  done
  echo "wrk -t$THREADS -c$CONNS (WordPress -c$WP_CONNS: php-fpm's children are its concurrency), warmup $WARMUP, measured $DURATION; WordPress measured in the first pass. Baseline: ${BASELINE_BIN:-none}."
  echo "pressroom: $RELEASES releases, cold start to first answer $COLD_MS ms, RSS after the runs $((RSS_KB / 1024)) MB."
  echo
  cat "$RES/visible.txt"
  if [ -n "$baseline" ]; then echo; echo "Baseline:"; echo; cat "$RES/visible-baseline.txt"; fi
  echo "| Hugo full rebuild ($(cat "$STATE/hugo/.count") posts, mean of $HUGO_RUNS) | ${HUGO_S} s |"
  echo
  cat "$RES/machine.txt"
} | tee "$RES/table.md"
log "raw output in $RES"
