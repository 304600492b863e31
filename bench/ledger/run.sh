#!/usr/bin/env bash
# Transparency-log benchmark (not run by CI): import COUNT synthetic releases
# into a fresh SQLite database (every one appends a leaf), then time the
# signed checkpoint, a release's proof bundle (inclusion proof + checkpoint)
# and a consistency proof over HTTP at that log size.
#   bench/ledger/run.sh [COUNT] [PRESSROOM_BINARY]
set -euo pipefail
count=${1:-100000}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${2:-$root/target/release/pressroom}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
db="sqlite://$work/ledger.db"
rm -f "$work"/ledger.db*
[ -f corpus-$count.txt ] || "$bin" bench generate --count "$count" --format text --seed 3 -o corpus-$count.txt
start=$(date +%s.%N)
"$bin" --database "$db" import corpus-$count.txt | tail -1
end=$(date +%s.%N)
echo "import of $count: $(echo "$end - $start" | bc) s"
"$bin" --database "$db" serve --bind 127.0.0.1:0 --keys "$work/keys" --page-cache-seconds 0 >serve.out 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'serving on' serve.out 2>/dev/null && break; sleep 0.1; done
addr=$(sed -n 's/^pressroom is serving on //p' serve.out)
size=$(curl -s "$addr/.well-known/pressroom/checkpoint" | sed -n 2p)
echo "log size: $size"
release=$(curl -s "$addr/api/releases?limit=1&cursor=$((count / 40))" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["proof_url"])' 2>/dev/null \
  || curl -s "$addr/api/releases?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["proof_url"])')
time_it() {
  local name=$1 url=$2 n=200
  curl -s -o /dev/null "$url"
  local t
  t=$(for _ in $(seq 1 $n); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n | awk '{a[NR]=$1} END {printf "median %.2f ms, p95 %.2f ms", a[int(NR/2)]*1000, a[int(NR*0.95)]*1000}')
  echo "$name ($n requests): $t"
}
time_it checkpoint "$addr/.well-known/pressroom/checkpoint"
time_it "proof bundle" "$release"
time_it "consistency $((size / 3)) -> $size" "$addr/.well-known/pressroom/log/consistency/$((size / 3))/$size"
time_it "keys (no ledger work, baseline)" "$addr/.well-known/pressroom/keys"
