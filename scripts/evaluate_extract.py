#!/usr/bin/env python3
"""Measure `asdh-lod extract` against the curated facts of every source document.

For each data/sources/<id>.txt that has a curated <id>.yaml, the extractor drafts facts
from the text alone (the document's province, publication date, reporting period and date
of reference are taken from the curated record, as a curator would pass them), and the
draft is compared with the curated facts:

- recall: curated facts whose figure the draft found at the same place with the same value;
- spurious: drafted figures that match no curated fact, as a share of all drafted figures;
- per qualifier (unit, period kind, programme, target group, indicator, period): the share
  of found facts where the guess equals the curated value.

Prints the table and writes it to docs/extract-evaluation.md (or --out FILE).
Usage: python scripts/evaluate_extract.py [--data data] [--out docs/extract-evaluation.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from asdh_lod.extract.evaluate import evaluate, render_table  # noqa: E402
from asdh_lod.core.problems import ProblemsFound  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "extract-evaluation.md")
    args = ap.parse_args(argv)
    try:
        result = evaluate(args.data)
    except ProblemsFound as err:  # a curated file that does not load: say where, write nothing
        print("\n".join(err.report.lines()), file=sys.stderr)
        print(f"Error: {err}", file=sys.stderr)
        return 1
    table = render_table(result)
    print(table, end="")
    args.out.write_text(table, encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
