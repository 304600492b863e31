#!/usr/bin/env python3
"""Render generated releases (JSON Lines from `pressroom bench generate
--format jsonl`) in the legacy seed layout with the defects of scraped dumps,
as a folder of text files of many releases each.

Deterministic (fixed seed). Usage:
    inject_defects.py IN.jsonl OUT_DIR [--per-file N] [--seed S]

Defects, each on a share of the releases: the title as a Markdown link and
with the "Press Releases: " prefix; stray glyphs (U+25A1, zero-width space,
NBSP); a paragraph split mid-sentence by a blank line; paragraphs hard-wrapped
at 72 columns; a byline "Name, Title" split over two lines; dates written
"19 December 2018" or "12/19/2018"; the site footer wrapped in *italics*,
"PRN:" lines and "# # #"; emphasis around a whole paragraph; and about 3% of
the releases written a second time, in another file, with other defects.

Writes OUT_DIR/part-NNNN.txt and OUT_DIR/expected.json (how many distinct
releases and how many copies were written).
"""
import argparse
import json
import os
import random
import textwrap
from datetime import date as _date

FOOTER = ("The Office of Website Management, Bureau of Public Affairs, manages this site as a portal "
          "for information from the U.S. State Department. External links to other Internet sites "
          "should not be construed as an endorsement of the views or privacy policies contained therein.")
BOX, ZWSP, NBSP = "\u25a1", "\u200b", "\u00a0"


def date_line(iso, rng):
    d = _date.fromisoformat(iso)
    r = rng.random()
    if r < 0.6:
        return "%s %d, %d" % (d.strftime("%B"), d.day, d.year)
    if r < 0.8:
        return "%d %s %d" % (d.day, d.strftime("%B"), d.year)
    return "%02d/%02d/%d" % (d.month, d.day, d.year)


def broken(p, rng):
    """Split a paragraph mid-sentence before a lower-case word."""
    words = p.split(" ")
    cuts = [j for j in range(len(words) // 3, 2 * len(words) // 3)
            if words[j][:1].islower() and not words[j - 1].endswith((".", "?", "!", ":", ";"))]
    if not cuts:
        return [p]
    j = rng.choice(cuts)
    return [" ".join(words[:j]), " ".join(words[j:])]


def render(rec, rng):
    title = rec["title"]
    if rng.random() < 0.3:
        title = "Press Releases: " + title
    if rng.random() < 0.2:
        title = "[%s](#)" % title
    out = [title, ""]
    if rec.get("kind"):
        out.append(rec["kind"])
    issuer = rec.get("issuer")
    if issuer:
        first = issuer.split(" ")[0]
        if ", " in issuer and first not in ("Office", "Bureau") and rng.random() < 0.7:
            out.extend(issuer.split(", ", 1))
        else:
            out.append(issuer)
    out.append("")
    if rec.get("dateline"):
        out.append(rec["dateline"])
    d = date_line(rec["date"], rng)
    if rng.random() < 0.1:
        d += BOX
    out += [d, ""]
    if rec.get("attribution"):
        out += [rec["attribution"], ""]
    paras = []
    for p in rec["body"]:
        if len(p) > 160 and rng.random() < 0.2:
            paras.extend(broken(p, rng))
        else:
            paras.append(p)
    for p in paras:
        r = rng.random()
        if r < 0.05:
            p = p + BOX
        elif r < 0.08:
            p = p.replace(" ", ZWSP + " ", 1)
        elif r < 0.11:
            p = p.replace(" ", NBSP, 1)
        if rng.random() < 0.03 and "*" not in p:
            p = "*%s*" % p
        if rng.random() < 0.2:
            out += textwrap.wrap(p, 72, break_long_words=False, break_on_hyphens=False)
        else:
            out.append(p)
        out.append("")
    r = rng.random()
    if r < 0.15:
        first = "The Office of Website Management, Bureau of Public Affairs, manages this site"
        wrapped = textwrap.wrap(FOOTER[len(first):].strip(), 68)
        wrapped[0] = "*" + wrapped[0]
        wrapped[-1] += "*"
        out += [first, ""] + wrapped + [""]
    elif r < 0.25:
        out += ["PRN: %s/%d" % (rec["date"][:4], rng.randint(1, 1500)), ""]
    elif r < 0.3:
        out += ["# # #", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("out_dir")
    ap.add_argument("--per-file", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20181219)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    chunk, part, distinct, copies, dups = [], 0, 0, 0, []

    def flush():
        nonlocal chunk, part
        if chunk:
            with open(os.path.join(args.out_dir, "part-%04d.txt" % part), "w", encoding="utf-8") as f:
                f.write("\n\n".join(chunk) + "\n")
            part += 1
            chunk = []

    with open(args.input, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            distinct += 1
            copies += 1
            chunk.append(render(rec, rng))
            if rng.random() < 0.03:
                dups.append(rec)
            if len(chunk) >= args.per_file:
                flush()
    flush()
    for rec in dups:
        copies += 1
        chunk.append(render(rec, rng))
        if len(chunk) >= args.per_file:
            flush()
    flush()
    with open(os.path.join(args.out_dir, "expected.json"), "w") as f:
        json.dump({"distinct": distinct, "copies": copies, "files": part}, f)
    print("wrote %d releases (%d distinct) in %d files to %s" % (copies, distinct, part, args.out_dir))


if __name__ == "__main__":
    main()
