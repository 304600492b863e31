#!/usr/bin/env python3
"""Search latency for questions never asked before, over HTTP on loopback.

wrk cycles a handful of fixed queries, so after its first round every
answer comes from what the index keeps between queries (lone words'
per-segment counts) or from the render cache. A journalist's questions are
not that repetitive: this asks N single words and N two-word phrases, each
once, drawn from the stored releases' own titles and bodies (seeded, so two
servers get the same questions in the same order), one request at a time on
one keep-alive connection, and prints p50/p90/p99/max per class and, when
given the server's pid, its processor time per request.

    bench/search/cold.py --store m1.db --base http://127.0.0.1:18765 \
        [--pid PID] [--count 500] [--seed 6] [--offset 0]

--offset skips that many questions of the sequence, so a second server can
be asked questions the first never heard (or the same, with 0). The server
should run with --page-cache-seconds 0 so that no answer is a page-cache
hit. Loopback only; bounded by --count.
"""

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import statistics
import time
import urllib.parse

WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def questions(store, count, seed, offset):
    """Distinct words and adjacent word pairs from random stored releases."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    lo, hi = db.execute("SELECT min(id), max(id) FROM releases").fetchone()
    rng = random.Random(seed)
    words, phrases = [], []
    seen_w, seen_p = set(), set()
    want = count + offset
    tries = 0
    while (len(words) < want or len(phrases) < want) and tries < want * 50:
        tries += 1
        row = db.execute(
            "SELECT title, body FROM releases WHERE id >= ? ORDER BY id LIMIT 1",
            (rng.randint(lo, hi),),
        ).fetchone()
        if row is None:
            continue
        title, body = row
        try:
            paragraphs = json.loads(body)
            text = " ".join(p if isinstance(p, str) else json.dumps(p) for p in paragraphs)
        except (TypeError, ValueError):
            text = str(body)
        tokens = WORD.findall(f"{title} {text}")
        if not tokens:
            continue
        w = rng.choice(tokens).lower()
        if w not in seen_w and len(words) < want:
            seen_w.add(w)
            words.append(w)
        if len(tokens) > 1 and len(phrases) < want:
            i = rng.randrange(len(tokens) - 1)
            p = f"{tokens[i]} {tokens[i + 1]}".lower()
            if p not in seen_p:
                seen_p.add(p)
                phrases.append(p)
    return words[offset:], phrases[offset:]


def cpu_ticks(pid):
    if not pid:
        return 0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def pct(sorted_ms, q):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(q * (len(sorted_ms) - 1))))]


def run(base, pid, label, queries):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    times, errors, bytes_total = [], 0, 0
    before = cpu_ticks(pid)
    for q in queries:
        path = "/search?" + urllib.parse.urlencode({"q": q})
        start = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        resp = conn.getresponse()
        body = resp.read()
        times.append((time.perf_counter() - start) * 1000)
        bytes_total += len(body)
        if resp.status != 200:
            errors += 1
    ticks = cpu_ticks(pid) - before
    conn.close()
    times.sort()
    cpu = f"{ticks * 10 / len(times):.2f}" if pid else "-"
    print(
        f"{label:<14} {len(times):>5} {statistics.median(times):>8.2f} {pct(times, 0.9):>8.2f} "
        f"{pct(times, 0.99):>8.2f} {times[-1]:>8.2f} {cpu:>10} {errors:>6}"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--offset", type=int, default=0)
    a = ap.parse_args()
    words, phrases = questions(a.store, a.count, a.seed, a.offset)
    print(f"# {a.base}: {len(words)} words, {len(phrases)} phrases, each asked once; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'class':<14} {'n':>5} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'cpu ms/req':>10} {'non200':>6}")
    run(a.base, a.pid, "single word", words)
    run(a.base, a.pid, "phrase", [f'"{p}"' for p in phrases])
    print(f"# load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
