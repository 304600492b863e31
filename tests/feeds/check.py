"""What machines read, read by real clients.

Imports the seed releases into a fresh database, starts `pressroom serve` on
a random loopback port, then:

- parses the Atom and RSS feeds of the listing and of a kind and an
  issuer filter with feedparser: bozo must be 0 and the entries must be the
  right releases, with their links, dates, authors and categories;
- checks the JSON Feeds of the same views against the 1.1 spec (feedparser
  6.0, its newest release, reads only XML feeds);
- reads the feeds after a correction and a withdrawal that
  crates/web/tests/public/feeds.rs snapshots (bozo 0, what changed and when,
  the withdrawal's notice and reason, one Atom deleted-entry);
- validates /sitemap.xml with xmllint against the sitemaps.org schema, and
  checks robots.txt names it; then, on a second portal of 50,100 synthetic
  releases, that /sitemap.xml is an index and it and every file it names
  validate, listing every release once, and that feedparser follows the
  Atom and RSS feeds' RFC 5005 `next` links page after page (20 entries a
  page, none twice, each page naming the first);
- runs schemathesis against /api/openapi.json: no server error, no response
  outside the schema, no schema-violating request accepted.

Usage: check.py PRESSROOM_BINARY SEEDS_DIR SITEMAP_SCHEMA_DIR FEED_SNAPSHOT_DIR
Exits non-zero, naming every failure, if any check fails.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import feedparser

SEED_TITLES = {
    "Joint Statement by Secretary of State Michael R. Pompeo and Secretary of Homeland Security Kirstjen Nielsen: Chinese Actors Compromise Global Managed Service Providers",
    "Secretary Pompeo's Meeting With Omani Minister Responsible for Foreign Affairs Yusuf bin Alawi bin Abdullah",
    "Seventh Meeting of the Law Enforcement Coordination Group Focused on Countering Hizballah's Terrorist Activities",
    "Sanctions Announcement on Russia",
    "Secretary Pompeo's Meeting With Norwegian Foreign Minister Ine Soreide",
}
READOUTS = {t for t in SEED_TITLES if t.startswith("Secretary Pompeo's Meeting")}
OMAN = {t for t in SEED_TITLES if "Omani" in t}

failures = []


def fail(message):
    failures.append(message)
    print(f"  FAIL {message}")


def check(condition, message):
    if not condition:
        fail(message)
    return condition


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as res:
        return res.status, res.headers.get("Content-Type", ""), res.read()


def start_server(binary, database):
    env = dict(os.environ, PRESSROOM_LOG="warn", PRESSROOM_DATABASE=database)
    child = subprocess.Popen(
        [binary, "serve", "--bind", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    line = child.stdout.readline()
    match = re.search(r"serving on (http://127\.0\.0\.1:\d+)", line)
    if not match:
        child.kill()
        raise SystemExit(f"error: the server did not start: {line!r}")
    return child, match.group(1)


def check_feed(base, fmt, query, want_titles, media_type):
    url = f"{base}/feed.{fmt}{query}"
    print(f"== {url}")
    status, ctype, body = fetch(url)
    check(status == 200, f"{url}: status {status}")
    check(ctype.startswith(media_type), f"{url}: content type {ctype!r}")
    if fmt == "json":
        # feedparser 6.0 (the newest release) reads XML feeds only; the JSON
        # Feed is checked against the 1.1 spec here instead.
        check_json_feed_spec(url, base, json.loads(body), want_titles)
        return
    parsed = feedparser.parse(body)
    if not check(parsed.bozo == 0, f"{url}: bozo {parsed.get('bozo_exception')!r}"):
        return
    titles = {e.title for e in parsed.entries}
    check(titles == want_titles, f"{url}: entries {sorted(titles)}")
    for e in parsed.entries:
        check(e.link.startswith(f"{base}/releases/"), f"{url}: link {e.link}")
        check(e.get("id") == e.link, f"{url}: id {e.get('id')} is not the permalink")
        check(e.get("published_parsed") is not None, f"{url}: {e.title}: no published")
        if fmt != "rss":
            check(e.get("updated_parsed") is not None, f"{url}: {e.title}: no updated")
        check(e.get("author") == "Office of the Spokesperson", f"{url}: author {e.get('author')}")
        kinds = [t.term for t in e.get("tags", [])]
        check(kinds in (["Readout"], ["Media Note"]), f"{url}: categories {kinds}")
        check("<script" not in e.get("summary", "") + str(e.get("content", "")), f"{url}: script")


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def check_json_feed_spec(url, base, feed, want_titles):
    """JSON Feed 1.1 (jsonfeed.org/version/1.1): the required fields, the
    types of the optional ones this feed uses, and the right entries."""
    check(feed.get("version") == "https://jsonfeed.org/version/1.1", f"{url}: version")
    check(isinstance(feed.get("title"), str) and feed["title"], f"{url}: title")
    check(feed.get("feed_url") == url, f"{url}: feed_url {feed.get('feed_url')}")
    check(str(feed.get("home_page_url", "")).startswith(base), f"{url}: home_page_url")
    items = feed.get("items")
    if not check(isinstance(items, list), f"{url}: items is not a list"):
        return
    titles = {i.get("title") for i in items}
    check(titles == want_titles, f"{url}: items {sorted(map(str, titles))}")
    for item in items:
        check(isinstance(item.get("id"), str) and item["id"], f"{url}: item id")
        check(
            isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str),
            f"{url}: item {item.get('id')} has neither content_html nor content_text",
        )
        check(str(item.get("url", "")).startswith(f"{base}/releases/"), f"{url}: item url")
        for key in ("date_published", "date_modified"):
            check(RFC3339.match(str(item.get(key, ""))), f"{url}: {key} {item.get(key)!r}")
        authors = item.get("authors")
        check(
            isinstance(authors, list) and all(isinstance(a.get("name"), str) for a in authors),
            f"{url}: authors {authors!r}",
        )
        check(
            isinstance(item.get("tags"), list) and item["tags"] in (["Readout"], ["Media Note"]),
            f"{url}: tags {item.get('tags')!r}",
        )
        check("<script" not in item.get("content_html", ""), f"{url}: script in content")


def snapshot_body(path):
    """The text an insta snapshot holds, without its header."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    _, _, body = text.partition("\n---\n")
    return body.encode("utf-8")


CORRECTED = "Budget Surplus Announced"
CORRECTION = "Corrected June 1, 2026, 2:00 PM UTC: The surplus is 3.9 billion, not 4.2."
WITHDRAWAL = "Withdrawn June 1, 2026, 3:00 PM UTC: Issued in error: the tax stays."


def check_change_feeds(snapshot_dir):
    """The feeds after a correction and a withdrawal, exactly as the server
    sent them in crates/web/tests/public/feeds.rs (its insta snapshots):
    the corrected entry says what changed and when, with a later updated
    time; the withdrawn one carries the notice and its reason."""
    for fmt in ("atom", "rss", "json"):
        path = os.path.join(snapshot_dir, f"public__feeds__feed_{fmt}_changes.snap")
        print(f"== {os.path.relpath(path)}")
        body = snapshot_body(path)
        if fmt == "json":
            items = {i["title"]: i for i in json.loads(body)["items"]}
            fixed = items.get(CORRECTED, {})
            check(fixed.get("summary", "").startswith(CORRECTION), f"{fmt}: correction summary")
            check(CORRECTION in fixed.get("content_html", ""), f"{fmt}: correction content")
            check(
                fixed.get("date_modified") == "2026-06-01T14:00:00Z"
                and fixed.get("date_published") == "2026-06-01T12:00:00Z",
                f"{fmt}: dates {fixed.get('date_published')} {fixed.get('date_modified')}",
            )
            gone = items.get("Withdrawn: Bread Tax Abolished", {})
            check(WITHDRAWAL in gone.get("summary", ""), f"{fmt}: withdrawal summary")
            check(gone.get("_pressroom", {}).get("withdrawn") is True, f"{fmt}: withdrawn flag")
            continue
        parsed = feedparser.parse(body)
        if not check(parsed.bozo == 0, f"{fmt}: bozo {parsed.get('bozo_exception')!r}"):
            continue
        entries = {e.title: e for e in parsed.entries}
        fixed = entries.get(CORRECTED)
        gone = entries.get("Withdrawn: Bread Tax Abolished")
        if not check(fixed is not None and gone is not None, f"{fmt}: entries {sorted(entries)}"):
            continue
        check(CORRECTION in fixed.get("summary", ""), f"{fmt}: correction summary {fixed.get('summary')!r}")
        check(WITHDRAWAL in gone.get("summary", ""), f"{fmt}: withdrawal summary {gone.get('summary')!r}")
        if fmt == "atom":
            check(
                fixed.updated_parsed[:5] == (2026, 6, 1, 14, 0)
                and fixed.published_parsed[:5] == (2026, 6, 1, 12, 0),
                f"{fmt}: corrected entry dates {fixed.get('published')} {fixed.get('updated')}",
            )
            check(gone.updated_parsed[:5] == (2026, 6, 1, 15, 0), f"{fmt}: withdrawn updated")
            text = body.decode()
            check(
                text.count("<at:deleted-entry ") == 1 and 'when="2026-06-01T15:00:00Z"' in text,
                f"{fmt}: one RFC 6721 deleted-entry, dated by the withdrawal",
            )


def check_search_autodiscovery(base):
    """The search page names its own feeds, which answer."""
    url = f"{base}/search?q=Pompeo&sort=newest"
    print(f"== {url}")
    status, _, raw = fetch(url)
    check(status == 200, f"{url}: status {status}")
    body = raw.decode("utf-8")
    for fmt in ("atom", "rss", "json"):
        href = f'href="/feed.{fmt}?q=Pompeo"'
        check(href in body, f"{url}: no autodiscovery link {href}")


def check_sitemap(base, schema_dir, workdir):
    url = f"{base}/sitemap.xml"
    print(f"== {url}")
    status, ctype, body = fetch(url)
    check(status == 200, f"{url}: status {status}")
    check(ctype.startswith("application/xml"), f"{url}: content type {ctype!r}")
    path = os.path.join(workdir, "sitemap.xml")
    with open(path, "wb") as f:
        f.write(body)
    schema = "siteindex.xsd" if b"<sitemapindex" in body else "sitemap.xsd"
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", os.path.join(schema_dir, schema), path],
        capture_output=True,
        text=True,
    )
    check(result.returncode == 0, f"{url}: xmllint says {result.stderr.strip()}")
    text = body.decode()
    for title_path in re.findall(r"<loc>([^<]+)</loc>", text):
        check(title_path.startswith(base), f"{url}: loc {title_path} is not on the site")
    check(text.count("/releases/") == len(SEED_TITLES), f"{url}: release URLs")

    print(f"== {base}/robots.txt")
    status, ctype, body = fetch(f"{base}/robots.txt")
    check(status == 200 and ctype.startswith("text/plain"), f"robots.txt: {status} {ctype}")
    check(f"Sitemap: {base}/sitemap.xml" in body.decode(), "robots.txt names no sitemap")


def xmllint(schema_dir, schema, path):
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", os.path.join(schema_dir, schema), path],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, result.stderr.strip()[-2000:]


# Past the protocol's 50,000 URLs a sitemap must become an index.
INDEX_RELEASES = 50_100


def check_sitemap_index(binary, schema_dir, workdir):
    """A portal past 50,000 URLs: /sitemap.xml is a sitemap index valid
    against siteindex.xsd, every file it names is valid against sitemap.xsd
    and holds at most 50,000 URLs, and together they list every release
    once."""
    database = f"sqlite://{workdir}/index.db"
    print(f"== loading {INDEX_RELEASES} synthetic releases for the sitemap index")
    subprocess.run(
        [binary, "--database", database, "bench", "load", "--count", str(INDEX_RELEASES)],
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, PRESSROOM_LOG="error"),
    )
    child, base = start_server(binary, database)
    try:
        url = f"{base}/sitemap.xml"
        print(f"== {url} (index)")
        status, _, body = fetch(url)
        check(status == 200, f"{url}: status {status}")
        if not check(b"<sitemapindex" in body, f"{url}: not a sitemap index past 50,000 URLs"):
            return
        path = os.path.join(workdir, "siteindex.xml")
        with open(path, "wb") as f:
            f.write(body)
        ok, err = xmllint(schema_dir, "siteindex.xsd", path)
        check(ok, f"{url}: xmllint says {err}")
        releases = []
        files = re.findall(r"<loc>([^<]+)</loc>", body.decode())
        check(len(files) >= 2, f"{url}: names {len(files)} files")
        for n, loc in enumerate(files):
            check(loc.startswith(base), f"{url}: loc {loc} is not on the site")
            status, _, part = fetch(loc)
            check(status == 200, f"{loc}: status {status}")
            part_path = os.path.join(workdir, f"sitemap-{n}.xml")
            with open(part_path, "wb") as f:
                f.write(part)
            ok, err = xmllint(schema_dir, "sitemap.xsd", part_path)
            check(ok, f"{loc}: xmllint says {err}")
            locs = re.findall(r"<loc>([^<]+)</loc>", part.decode())
            check(len(locs) <= 50_000, f"{loc}: {len(locs)} URLs, over the protocol's 50,000")
            releases.extend(l for l in locs if "/releases/" in l)
        check(
            len(releases) == INDEX_RELEASES and len(set(releases)) == INDEX_RELEASES,
            f"sitemap index: {len(releases)} release URLs ({len(set(releases))} distinct), want {INDEX_RELEASES}",
        )
        print(f"  index of {len(files)} files, {len(releases)} releases, valid")
        for fmt in ("atom", "rss"):
            check_feed_pages(base, fmt)
    finally:
        child.terminate()
        child.wait(timeout=30)


FEED_PAGE = 20


def check_feed_pages(base, fmt, pages=4):
    """A feed of more releases than a page: feedparser reads each page
    (bozo 0, 20 entries), finds `first` and `next` among the feed's links,
    and following `next` never shows an entry twice."""
    url = f"{base}/feed.{fmt}"
    first = url
    seen = set()
    for n in range(pages):
        print(f"== {url} (page {n + 1})")
        status, _, body = fetch(url)
        check(status == 200, f"{url}: status {status}")
        parsed = feedparser.parse(body)
        if not check(parsed.bozo == 0, f"{url}: bozo {parsed.get('bozo_exception')!r}"):
            return
        links = {l.get("rel"): l.get("href") for l in parsed.feed.get("links", [])}
        check(links.get("first") == first, f"{url}: first {links.get('first')!r}")
        check(len(parsed.entries) == FEED_PAGE, f"{url}: {len(parsed.entries)} entries")
        ids = [e.get("id") or e.get("link") for e in parsed.entries]
        check(not seen.intersection(ids), f"{url}: entries repeated from an earlier page")
        seen.update(ids)
        if not check(links.get("next"), f"{url}: no next page"):
            return
        url = links["next"]


def check_api(base, workdir):
    """schemathesis over the read API. Every check but
    positive_data_acceptance: OpenAPI cannot say that `month` needs `year`,
    so a schema-valid month alone is rightly refused with a 400."""
    url = f"{base}/api/openapi.json"
    print(f"== schemathesis {url}")
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run(
        [
            schemathesis, "run", url,
            "--checks", "all",
            "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "50",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        # schemathesis keeps a cache where it runs; keep it out of the tree.
        cwd=workdir,
    )
    summary = [line for line in result.stdout.splitlines() if "generated" in line or "passed" in line]
    print("  " + (summary[-1].strip() if summary else "no summary"))
    if not check(result.returncode == 0, f"schemathesis found failures (exit {result.returncode})"):
        print(result.stdout[-6000:])
        print(result.stderr[-2000:])


def main():
    binary, seeds, schema_dir, snapshot_dir = sys.argv[1:5]
    check_change_feeds(snapshot_dir)
    with tempfile.TemporaryDirectory() as workdir:
        database = f"sqlite://{workdir}/feeds.db"
        subprocess.run(
            [binary, "--database", database, "import", seeds],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        child, base = start_server(binary, database)
        try:
            for fmt, media in [
                ("atom", "application/atom+xml"),
                ("rss", "application/rss+xml"),
                ("json", "application/feed+json"),
            ]:
                check_feed(base, fmt, "", SEED_TITLES, media)
                check_feed(base, fmt, "?kind=Readout", READOUTS, media)
                check_feed(base, fmt, "?issuer=Office+of+the+Spokesperson", SEED_TITLES, media)
                # The feed of a search: its newest matches, filters kept.
                check_feed(base, fmt, "?q=Pompeo&kind=Readout", READOUTS, media)
                check_feed(base, fmt, "?q=%22visa+reciprocity%22", OMAN, media)
            check_search_autodiscovery(base)
            check_sitemap(base, schema_dir, workdir)
            check_api(base, workdir)
        finally:
            child.terminate()
            child.wait(timeout=30)
        check_sitemap_index(binary, schema_dir, workdir)
    if failures:
        print(f"machine checks: {len(failures)} failed")
        sys.exit(1)
    print("machine checks: all passed")


if __name__ == "__main__":
    main()
