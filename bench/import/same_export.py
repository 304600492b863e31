#!/usr/bin/env python3
"""Whether an export holds exactly the generated releases, every field equal.

    same_export.py GENERATED_JSONL EXPORTED_JSONL

Prints "generated N, exported N, identical N" and exits 1 unless all three
are equal. Used by run.sh and compare.sh.
"""
import json
import sys


def key(r):
    return (r["title"], r["kind"], r["issuer"], r["dateline"], r["date"], r["attribution"], tuple(r["body"]))


a = {key(json.loads(line)) for line in open(sys.argv[1], encoding="utf-8")}
b = [key(json.loads(line)) for line in open(sys.argv[2], encoding="utf-8")]
same = len(a & set(b))
print("generated %d, exported %d, identical %d" % (len(a), len(b), same))
sys.exit(0 if same == len(a) == len(b) else 1)
