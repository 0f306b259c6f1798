"""Measure the hub's structure: import cycles, files over 300 lines, repeated-import layers.

    .venv/bin/python tools/structure.py [--package hub] [--limit 300]

Prints what it found in words, then one JSON line: `cycles` (groups of modules that import each other,
directly or round about, imports inside functions included), `modules_in_cycles`, `long_files` (over
the limit) and `lines_max`. The import graph is import-linter's own (grimp).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def import_cycles(package: str) -> list[list[str]]:
    """Return every group of two or more modules that reach each other through imports (Tarjan's SCC)."""
    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & graph.modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups, key=len, reverse=True)


def long_files(package: str, limit: int) -> list[tuple[str, int]]:
    """Return the package's Python files over limit lines, longest first."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append((str(path.relative_to(ROOT)), lines))
    return sorted(found, key=lambda item: -item[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="hub")
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    cycles = import_cycles(args.package)
    long = long_files(args.package, args.limit)
    for group in cycles:
        print(f"cycle of {len(group)}: {', '.join(group)}")
    for path, lines in long:
        print(f"{lines} lines: {path}")
    print(json.dumps({"package": args.package, "cycles": len(cycles), "modules_in_cycles": sum(map(len, cycles)),
                      "long_files": len(long), "lines_max": long[0][1] if long else 0}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
