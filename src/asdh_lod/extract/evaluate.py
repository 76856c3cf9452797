"""How well `extract` drafts the expected facts: recall, drafted non-figures, qualifiers right.

Two measures:

- `evaluate(data_dir)` drafts every source text of the data folder that has a curated file
  (the document record taken from the curated file, as a curator would pass it) and compares
  the draft with the curated facts;
- `evaluate_corpus(corpus_dir, data_dir)` drafts every text of an evaluation corpus
  (``tests/fixtures/extract-corpus/``) as `asdh-lod extract FILE --province P --published D`
  would -- everything else, the reporting period included, read from the text -- and compares
  the draft with the corpus's hand-written expected facts, read as plain data (their codes
  need not be in the code lists yet).

`render_table` and `render_corpus_table` format the results as Markdown; `update_document`
puts them into ``docs/extract-evaluation.md`` between its ``<!-- generated: … -->`` markers
(``scripts/evaluate_extract.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.problems import ProblemsFound, Report
from ..ingest.load import load_source
from ..ingest.yamlsrc import YamlError, load_yaml, read_text
from .compare import Comparison, compare, compare_expected, expected_from_mapping, meta_from_curated
from .draft import Draft, extract, infer_meta, load_schemes

TARGETS = {"recall": 1.0, "spurious": 0.05, "unit": 0.9, "period_kind": 0.9, "programme": 0.9}

# the targets on unseen text (issue 13): recall, drafted non-figures, and of the figures found
CORPUS_TARGETS = {"recall": 0.99, "spurious": 0.02, "period_kind": 0.95, "period": 0.95, "unit": 0.95,
                  "programme": 0.90}
CORPUS_FIELDS = ("period_kind", "period", "unit", "programme", "target_group", "indicator")


@dataclass
class Evaluation:
    comparisons: list[Comparison]
    drafts: list[Draft] = field(default_factory=list)
    reporting_periods: list[tuple[str | None, str | None]] = field(default_factory=list)  # expected, drafted

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
        return sum(c.right(qualifier) for c in self.comparisons)

    def accuracy(self, qualifier: str) -> float:
        return self.right(qualifier) / self.found if self.found else 1.0

    def meets_targets(self, targets: dict[str, float] = TARGETS) -> dict[str, bool]:
        out = {}
        for name, target in targets.items():
            if name == "recall":
                out[name] = self.recall() >= target
            elif name == "spurious":
                out[name] = self.spurious() <= target
            else:
                out[name] = self.accuracy(name) >= target
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


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The expected-facts files of a corpus: every <id>.yaml beside an <id>.txt."""
    return [f for f in sorted(Path(corpus_dir).glob("*.yaml")) if f.with_suffix(".txt").exists()]


def evaluate_corpus(corpus_dir: Path, data_dir: Path) -> Evaluation:
    """Draft each corpus text from its text, province and publication date alone, and compare
    the draft with the text's expected facts."""
    schemes, problems = load_schemes(data_dir)
    if problems:
        report = Report()
        report.extend(problems)
        raise ProblemsFound("evaluate", report)
    ev = Evaluation([])
    for file in corpus_files(corpus_dir):
        try:
            expected = load_yaml(file, str(file))
            text = read_text(file.with_suffix(".txt"), str(file.with_suffix(".txt")))
        except YamlError as e:
            report = Report()
            report.add(e.problem)
            raise ProblemsFound("evaluate", report) from None
        doc = expected["document"]
        meta = infer_meta(text, schemes, str(doc["id"]), province=str(doc["province"]),
                          published=str(doc["published"]))
        draft = extract(text, schemes, meta)
        ev.comparisons.append(compare_expected(str(doc["id"]), text,
                                               expected_from_mapping(text, expected["facts"]), draft))
        ev.drafts.append(draft)
        rp = doc.get("reporting_period")
        ev.reporting_periods.append((str(rp) if rp is not None else None, meta.reporting_period))
    return ev


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
        per = [f"{_pct(c.accuracy(q))} ({c.right(q)}/{len(c.matched)})" for c in ev.comparisons]
        rows.append((f"{q} right", per, f"{_pct(ev.accuracy(q))} ({ev.right(q)}/{ev.found})", targets.get(q, "")))
    lines = ["Qualifier shares are over the facts found.", "", head, sep]
    for name, per, total, target in rows:
        lines.append(f"| {name} | " + " | ".join(per) + f" | {total} | {target} |")
    met = ev.meets_targets()
    lines += ["", "Targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in met.items())]
    return "\n".join(lines) + "\n"


_FIELD_NAMES = {"period_kind": "period kind", "period": "period", "unit": "unit", "programme": "programme",
                "target_group": "target group", "indicator": "indicator"}


def _target_text(name: str) -> str:
    t = CORPUS_TARGETS.get(name)
    if t is None:
        return ""
    return f"≤ {100 * t:g} %" if name == "spurious" else f"≥ {100 * t:g} %"


def render_corpus_table(ev: Evaluation) -> str:
    """One row per text and one for all: recall, drafted non-figures (share of the draft), the
    document's reporting period, and per field the share of the figures found guessed right."""
    head = ("| text | expected facts | recall | drafted non-figures | reporting period | "
            + " | ".join(_FIELD_NAMES[q] for q in CORPUS_FIELDS) + " |")
    sep = "|---" * (5 + len(CORPUS_FIELDS)) + "|"
    lines = [head, sep]
    periods = ev.reporting_periods or [(None, None)] * len(ev.comparisons)
    for c, (want, got) in zip(ev.comparisons, periods):
        rp = f"{got or '–'} ✓" if want == got else f"{got or '–'} ✗ ({want})"
        cells = [c.document, str(len(c.pairs)), f"{len(c.matched)}/{len(c.pairs)}",
                 f"{len(c.extra)} of {c.drafted()}", rp]
        cells += [f"{c.right(q)}/{len(c.matched)}" for q in CORPUS_FIELDS]
        lines.append("| " + " | ".join(cells) + " |")
    rp_right = sum(1 for want, got in periods if want == got)
    cells = [f"**all {len(ev.comparisons)}**", str(ev.curated),
             f"{ev.found}/{ev.curated} ({_pct(ev.recall())})",
             f"{ev.extra} of {ev.drafted} ({_pct(ev.spurious())})", f"{rp_right}/{len(periods)}"]
    cells += [f"{ev.right(q)}/{ev.found} ({_pct(ev.accuracy(q))})" for q in CORPUS_FIELDS]
    lines.append("| " + " | ".join(cells) + " |")
    cells = ["target", "", _target_text("recall"), _target_text("spurious"), ""]
    cells += [_target_text(q) for q in CORPUS_FIELDS]
    lines.append("| " + " | ".join(cells) + " |")
    met = ev.meets_targets(CORPUS_TARGETS)
    lines += ["", "Targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in met.items())]
    return "\n".join(lines) + "\n"


_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def update_document(document: str, blocks: dict[str, str]) -> str:
    """`document` with the body of each ``<!-- generated: NAME -->`` … ``<!-- end generated -->``
    block replaced by `blocks[NAME]` (a block whose name is not given is left as it is)."""
    def sub(m: re.Match) -> str:
        name = m.group("name")
        body = blocks.get(name, m.group("body"))
        return m.group(1) + body + m.group(4)
    return _BLOCK.sub(sub, document)


def generated_blocks(document: str) -> dict[str, str]:
    return {m.group("name"): m.group("body") for m in _BLOCK.finditer(document)}
