#!/usr/bin/env python3
"""Measure `asdh-lod extract` against the curated facts and the evaluation corpus.

1. For each data/sources/<id>.txt that has a curated <id>.yaml, the extractor drafts facts
   from the text alone (the document's province, publication date, reporting period and date
   of reference are taken from the curated record, as a curator would pass them).
2. For each text of the evaluation corpus (tests/fixtures/extract-corpus/<id>.txt, expected
   facts in <id>.yaml, written by hand before any extractor run), the extractor drafts facts
   as `asdh-lod extract FILE --province P --published D` would: everything else, the
   document's reporting period included, is read from the text.

Each draft is compared with the expected facts:

- recall: expected facts whose figure the draft found at the same place with the same value;
- drafted non-figures (spurious): drafted figures that match no expected fact, as a share of
  the draft;
- per field (period kind, period, unit, programme, target group, indicator): the share of the
  figures found where the guess equals the expected value (`year-total`, the period kind of
  the old period model, counts as `total`).

Prints both tables and puts them into docs/extract-evaluation.md between its
`<!-- generated: curated -->` and `<!-- generated: corpus -->` markers (the rest of that file,
the history of first runs, is written by hand). --details prints, for every corpus text,
where the draft and the expected facts disagree.

Usage: python scripts/evaluate_extract.py [--data data] [--corpus DIR] [--out FILE] [--details]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from asdh_lod.core.problems import ProblemsFound  # noqa: E402
from asdh_lod.extract.compare import render_diff  # noqa: E402
from asdh_lod.extract.evaluate import (evaluate, evaluate_corpus, render_corpus_table,  # noqa: E402
                                       render_table, update_document)

CORPUS = ROOT / "tests" / "fixtures" / "extract-corpus"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "extract-evaluation.md")
    ap.add_argument("--details", action="store_true", help="print each corpus text's differences")
    args = ap.parse_args(argv)
    try:
        curated = evaluate(args.data)
        corpus = evaluate_corpus(args.corpus, args.data)
    except ProblemsFound as err:  # a file that does not load: say where, write nothing
        print("\n".join(err.report.lines()), file=sys.stderr)
        print(f"Error: {err}", file=sys.stderr)
        return 1
    blocks = {"curated": render_table(curated), "corpus": render_corpus_table(corpus)}
    if args.details:
        for cmp in corpus.comparisons:
            print(render_diff(cmp))
    print("## curated sources\n\n" + blocks["curated"] + "\n## corpus\n\n" + blocks["corpus"], end="")
    if args.out.exists():
        args.out.write_text(update_document(args.out.read_text(encoding="utf-8"), blocks), encoding="utf-8")
        print(f"written to {args.out}")
    else:
        print(f"{args.out} does not exist: nothing written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
