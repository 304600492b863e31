#!/usr/bin/env python3
"""Publish-to-visible for bench/peers.sh: imports one new release into the
database a running `pressroom serve` reads (a second process, as an operator
would), and times how long after the import's commit its page, the listing,
the Atom feed, search and the sitemap each show it, polling each over its
own keep-alive connection. Prints a markdown table.

    visible.py BIN DATABASE_URL BASE_URL WORKDIR
"""

import http.client
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import date

TIMEOUT_S = 30.0


def get(conn, path):
    conn.request("GET", path)
    res = conn.getresponse()
    return res.status, res.read().decode("utf-8", "replace")


def get_kept(conn, path, kept):
    """GET with If-None-Match, as a crawler revisits a sitemap: an unchanged
    file is a 304 and its kept copy (at a million releases the last file
    before the new release's can be 800 KB, and reading it whole on every
    poll made the poll itself the slowest part)."""
    etag, body = kept.get(path, (None, None))
    conn.request("GET", path, headers={"If-None-Match": etag} if etag else {})
    res = conn.getresponse()
    data = res.read().decode("utf-8", "replace")
    if res.status == 304 and body is not None:
        return 200, body
    if res.status == 200 and res.getheader("ETag"):
        kept[path] = (res.getheader("ETag"), data)
    return res.status, data


def newest_date(database_url):
    """The newest release date stored, so the new release is first in the
    listing whatever dates the benchmark corpus has."""
    path = database_url.removeprefix("sqlite://")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        (value,) = db.execute("SELECT max(release_date) FROM releases").fetchone()
        return max(date.fromisoformat(str(value)[:10]), date.today())
    except (sqlite3.Error, ValueError, TypeError):
        return date.today()


def main():
    binary, database_url, base, workdir = sys.argv[1:5]
    host = urllib.parse.urlparse(base)
    token = "zq" + secrets.token_hex(5)
    title = f"Benchmark Publication {token}"
    day = newest_date(database_url)
    text = (
        f"\n[Press Releases: {title}](#)\n\nPress Statement\nOffice of the Spokesperson\n\n"
        f"Washington, DC\n{day.strftime('%B')} {day.day}, {day.year}\n\n"
        f"The ministry publishes a statement with the word {token} in it, to time how soon "
        "every page a reader may look at shows it.\n"
    )
    source = f"{workdir}/{token}.txt"
    with open(source, "w", encoding="utf-8") as f:
        f.write(text)

    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    kept = {}

    def last_sitemap(c):
        """The file the newest release is in: the index's last, read anew
        each time, since a release past a multiple of the span opens a file."""
        _, index = get_kept(c, "/sitemap.xml", kept)
        files = re.findall(r"<loc>[^<]*?(/sitemaps/[^<]+)</loc>", index)
        return files[-1] if files else None

    # The sitemap as a crawler has it before the publication: the index and
    # its last file (rendered once and kept by the server; at a million
    # releases that file lists 5,000, and its first rendering is no part
    # of a publication).
    before = last_sitemap(conn)
    if before:
        get_kept(conn, before, kept)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    page = f"/releases/{day.year:04}/{day.month:02}/{day.day:02}/{slug}"
    targets = {
        "release page": (page, title),
        "listing": ("/", title),
        "Atom feed": ("/feed.atom", title),
        "search": (f"/search?q={token}", title),
        "sitemap": (None, page),
    }
    seen = {}
    committed = threading.Event()
    marks = {}

    def poll(name, path, needle):
        c = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        committed.wait()
        deadline = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < deadline:
            try:
                if path is None:
                    found = last_sitemap(c)
                    status, body = get_kept(c, found or "/sitemap.xml", kept)
                else:
                    status, body = get(c, path)
            except (OSError, http.client.HTTPException):
                c = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                continue
            if status == 200 and needle in body:
                seen[name] = time.perf_counter()
                return
            time.sleep(0.001)

    threads = [threading.Thread(target=poll, args=(n, p, s)) for n, (p, s) in targets.items()]
    for t in threads:
        t.start()
    marks["start"] = time.perf_counter()
    done = subprocess.run(
        [binary, "--database", database_url, "import", source],
        capture_output=True,
        text=True,
    )
    marks["commit"] = time.perf_counter()
    committed.set()
    for t in threads:
        t.join()
    if done.returncode != 0:
        sys.exit(f"import failed: {done.stderr[-500:]}")

    print("| publish-to-visible (after the import's commit) | ms |")
    print("|---|---:|")
    for name in targets:
        if name in seen:
            print(f"| {name} | {1000 * (seen[name] - marks['commit']):.0f} |")
        else:
            print(f"| {name} | not seen in {TIMEOUT_S:.0f} s |")
    if seen:
        print(f"| all five | {1000 * (max(seen.values()) - marks['commit']):.0f} |")
    print(f"| (the `pressroom import` process itself, start to exit) | "
          f"{1000 * (marks['commit'] - marks['start']):.0f} |")


if __name__ == "__main__":
    main()
