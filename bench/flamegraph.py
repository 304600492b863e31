#!/usr/bin/env python3
"""A flame graph from `perf script` output, with no other tool: folds the
call stacks, prints the hottest leaf functions and writes an SVG (one box
per function per stack, width by samples, hover for the count).

    perf record -g -p PID -- sleep 10
    perf script | bench/flamegraph.py out.svg [THREAD_NAME_PREFIX]
"""

import html
import re
import sys
from collections import Counter


def stacks(lines, thread_prefix):
    frames, keep = [], True
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames and keep:
                yield tuple(reversed(frames))
            frames, keep = [], True
            continue
        if not line.startswith((" ", "\t")):
            keep = line.startswith(thread_prefix)
            continue
        m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$", line)
        name = m.group(1) if m else line.strip()
        name = re.sub(r"\+0x[0-9a-f]+$", "", name)
        # Rust symbols: drop the hash and the generic noise.
        name = re.sub(r"::h[0-9a-f]{16}$", "", name)
        if name == "[unknown]" and m:
            name = f"[{m.group(2).split('/')[-1]}]"
        frames.append(name)
    if frames and keep:
        yield tuple(reversed(frames))


def main():
    out = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    folded = Counter(stacks(sys.stdin, prefix))
    total = sum(folded.values())
    leaves, inclusive = Counter(), Counter()
    for stack, n in folded.items():
        leaves[stack[-1]] += n
        for f in set(stack):
            inclusive[f] += n
    print(f"samples: {total}")
    print("hottest functions (self time):")
    for name, n in leaves.most_common(25):
        print(f"  {100 * n / total:5.1f}%  {name[:150]}")
    print("inclusive (function and what it calls):")
    for name, n in inclusive.most_common(40):
        print(f"  {100 * n / total:5.1f}%  {name[:150]}")

    # Tree of frames -> samples, then boxes.
    tree = {}
    for stack, n in folded.items():
        node = tree
        for f in stack:
            child = node.setdefault(f, [0, {}])
            child[0] += n
            node = child[1]
    width, row = 1600, 16
    boxes = []

    def walk(node, x, depth):
        for name, (n, kids) in sorted(node.items()):
            w = width * n / total
            if w >= 0.3:
                boxes.append((x, depth, w, name, n))
                walk(kids, x, depth + 1)
            x += w

    walk(tree, 0.0, 0)
    depth = max((b[1] for b in boxes), default=0) + 1
    height = depth * row + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="monospace" font-size="11">',
        f'<text x="4" y="14">{html.escape(out)}: {total} samples</text>',
    ]
    for x, d, w, name, n in boxes:
        y = height - (d + 1) * row
        hue = 20 + (hash(name) % 40)
        label = html.escape(name[: int(w / 7)]) if w > 20 else ""
        parts.append(
            f'<g><title>{html.escape(name)} ({n} samples, {100 * n / total:.1f}%)</title>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
            f'fill="hsl({hue},90%,60%)"/><text x="{x + 2:.1f}" y="{y + 12}">{label}</text></g>'
        )
    parts.append("</svg>")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()
