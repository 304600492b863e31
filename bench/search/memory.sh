#!/usr/bin/env bash
# Resident memory of a serving node under search (issue 11): starts BIN on
# DIR/vis.db and DIR/vis-index (a copy: the server holds the index's
# writer), prints VmRSS, RssAnon and RssFile after start, after 1,200 and
# after 2,400 distinct questions (bench/search/cold.py, seeds SEED and
# SEED+1), then which files the process has mapped and how much of each is
# resident. Loopback only.
#
#   bench/search/memory.sh BIN DIR PORT SEED
set -euo pipefail
BIN=$1; D=$2; PORT=$3; SEED=$4
HERE=$(cd "$(dirname "$0")" && pwd)
PRESSROOM_LOG=warn "$BIN" --database "sqlite://$D/vis.db" --index "$D/vis-index" serve \
  --bind "127.0.0.1:$PORT" > "$D/memory-serve.log" 2>&1 &
SP=$!
trap 'kill -TERM $SP 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/robots.txt" >/dev/null && break; sleep 0.05; done
rss() { grep -E "VmRSS|RssAnon|RssFile" "/proc/$SP/status" | awk '{printf "%s %d MB  ", $1, $2/1024}'; echo; }
echo "== $(basename "$BIN") $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
echo -n "after start: "; rss
for s in "$SEED" $((SEED + 1)); do
  python3 "$HERE/cold.py" --store "$D/vis.db" --base "http://127.0.0.1:$PORT" --pid $SP --count 600 --seed "$s" 2>&1 | grep -E "^single|^phrase"
  echo -n "after seed $s: "; rss
done
python3 - "$SP" <<'PY'
import collections, re, sys
rss, size, cur = collections.Counter(), collections.Counter(), None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    parts = line.split()
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        cur = parts[5] if len(parts) > 5 else "[anon]"
        m = re.search(r"\.(store|idx|pos|term|fast|fieldnorm)$", cur)
        cur = f"index .{m.group(1)}" if m else cur
    elif parts[0] in ("Rss:", "Size:"):
        (rss if parts[0] == "Rss:" else size)[cur] += int(parts[1])
for name, kb in rss.most_common(8):
    print(f"{kb / 1024:8.1f} MB resident of {size[name] / 1024:8.1f} MB mapped  {name}")
PY
