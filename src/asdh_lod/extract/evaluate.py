"""How well `extract` drafts the curated facts: recall, spurious figures, qualifiers right.

`evaluate(data_dir)` runs the extractor on every source text that has a curated file and
compares the draft with the curated facts (`extract.compare`); `render_table` formats the
result as a Markdown table (printed by ``scripts/evaluate_extract.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compare import Comparison, compare, meta_from_curated
from .draft import extract, load_schemes
from ..ingest.load import load_source
from ..core.problems import ProblemsFound, Report

TARGETS = {"recall": 1.0, "spurious": 0.05, "unit": 0.9, "period_kind": 0.9, "programme": 0.9}


@dataclass
class Evaluation:
    comparisons: list[Comparison]

    @property
    def curated(self) -> int:
        return sum(len(c.pairs) for c in self.comparisons)

    @property
    def found(self) -> int:
        return sum(len(c.matched) for c in self.comparisons)

    @property
    def drafted(self) -> int:
        return sum(c.drafted() for c in self.comparisons)

    @property
    def extra(self) -> int:
        return sum(len(c.extra) for c in self.comparisons)

    def recall(self) -> float:
        return self.found / self.curated if self.curated else 1.0

    def spurious(self) -> float:
        return self.extra / self.drafted if self.drafted else 0.0

    def right(self, qualifier: str) -> int:
        return sum(1 for c in self.comparisons for p in c.matched if qualifier not in p.differences)

    def accuracy(self, qualifier: str) -> float:
        return self.right(qualifier) / self.found if self.found else 1.0

    def meets_targets(self) -> dict[str, bool]:
        out = {"recall": self.recall() >= TARGETS["recall"], "spurious": self.spurious() <= TARGETS["spurious"]}
        for q in ("unit", "period_kind", "programme"):
            out[q] = self.accuracy(q) >= TARGETS[q]
        return out


def evaluate(data_dir: Path) -> Evaluation:
    data_dir = Path(data_dir)
    schemes, problems = load_schemes(data_dir)
    report = Report()
    comparisons = []
    for file in sorted((data_dir / "sources").glob("*.yaml")):
        source = load_source(file, report, schemes)
        if source is None:
            continue
        draft = extract(source.document.text, schemes, meta_from_curated(source))
        comparisons.append(compare(source, draft))
    if problems or not report.ok:
        report.extend(problems)
        raise ProblemsFound("evaluate", report)
    return Evaluation(comparisons)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def render_table(ev: Evaluation) -> str:
    cols = [c.document for c in ev.comparisons]
    head = "| measure | " + " | ".join(cols) + " | all | target |"
    sep = "|---" * (len(cols) + 3) + "|"
    rows = [
        ("curated facts", [str(len(c.pairs)) for c in ev.comparisons], str(ev.curated), ""),
        ("drafted figures", [str(c.drafted()) for c in ev.comparisons], str(ev.drafted), ""),
        ("recall of values", [f"{_pct(c.recall())} ({len(c.matched)}/{len(c.pairs)})" for c in ev.comparisons],
         f"{_pct(ev.recall())} ({ev.found}/{ev.curated})", "100 %"),
        ("spurious figures", [f"{_pct(c.spurious())} ({len(c.extra)}/{c.drafted()})" for c in ev.comparisons],
         f"{_pct(ev.spurious())} ({ev.extra}/{ev.drafted})", "≤ 5 %"),
    ]
    targets = {"unit": "≥ 90 %", "period_kind": "≥ 90 %", "programme": "≥ 90 %"}
    for q in ("unit", "period_kind", "programme", "target_group", "indicator", "period"):
        per = []
        for c in ev.comparisons:
            right = sum(1 for p in c.matched if q not in p.differences)
            per.append(f"{_pct(c.accuracy(q))} ({right}/{len(c.matched)})")
        rows.append((f"{q} right", per, f"{_pct(ev.accuracy(q))} ({ev.right(q)}/{ev.found})", targets.get(q, "")))
    lines = ["# `asdh-lod extract` against the curated facts", "",
             "Written by `scripts/evaluate_extract.py`; qualifier shares are over the facts found.", "",
             head, sep]
    for name, per, total, target in rows:
        lines.append(f"| {name} | " + " | ".join(per) + f" | {total} | {target} |")
    met = ev.meets_targets()
    lines += ["", "Targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in met.items()), ""]
    return "\n".join(lines)
