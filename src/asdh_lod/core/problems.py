"""Problems as data.

Every stage reports what is wrong as `Problem` values instead of raising on the first one.
A problem type has a stable code, a title, a message template and a hint that says how to
fix it; a `Report` collects problems up to a limit, prints them as
``path:line: [code] message (hint)`` and serialises to JSON for ``--format json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProblemType:
    code: str
    title: str
    template: str
    hint: str


_TYPES = [
    # reading files
    ProblemType("not-utf8", "File is not UTF-8", "cannot be decoded as UTF-8 at byte {offset}",
                "save the file as UTF-8"),
    ProblemType("empty-file", "Empty file", "the file is empty",
                "add the content, or delete the file"),
    ProblemType("yaml-syntax", "YAML syntax error", "{detail}",
                "fix the YAML syntax at this line"),
    ProblemType("yaml-tag", "Forbidden YAML tag", "tag {tag} is not allowed",
                "use plain YAML values; tags that construct objects are never accepted"),
    ProblemType("missing-file", "Missing file", "{what} {name} does not exist",
                "add the file, or correct the name"),
    ProblemType("outside-data-folder", "File outside the data folder",
                "the file is a link that resolves to {target}, outside the data folder {root}",
                "put the file itself into the data folder; links out of it are never read"),
    # structure
    ProblemType("missing-field", "Missing field", "{where} has no '{field}'",
                "add '{field}'"),
    ProblemType("unknown-field", "Unknown field", "{where} has an unknown field '{field}'",
                "remove it or correct its spelling; allowed: {allowed}"),
    ProblemType("wrong-type", "Wrong type", "'{field}' must be {expected}, not {actual}",
                "write '{field}' as {expected}"),
    ProblemType("bad-identifier", "Bad identifier", "{what} '{value}' is not a valid identifier",
                "use lower-case letters, digits and hyphens, starting with a letter or digit"),
    ProblemType("bad-text", "Unsafe text", "{what} contains {detail}",
                "remove control characters; write text as plain Unicode"),
    ProblemType("duplicate-id", "Duplicate identifier", "{what} id '{value}' is used twice (first at line {first_line})",
                "give each entry its own id"),
    ProblemType("unknown-code", "Unknown code", "{field} '{value}' is not in code list '{scheme}'",
                "use a code from data/codelists/{scheme_file}{suggestion}"),
    ProblemType("deprecated-code", "Deprecated code",
                "{field} '{value}' is deprecated in code list '{scheme}' (data/codelists/{scheme_file})",
                "{fix}"),
    ProblemType("unknown-term", "Unknown vocabulary term", "{field} '{value}' is not in {vocabulary}",
                "use one of: {allowed}"),
    ProblemType("unknown-reference", "Unknown reference", "{field} names '{value}', which is not a {what} in this file",
                "name an existing {what} id"),
    ProblemType("bad-date", "Bad date", "'{field}' value '{value}' is not a date",
                "write YYYY, YYYY-MM or YYYY-MM-DD in quotes"),
    ProblemType("bad-period", "Bad period", "period '{value}' is not valid: {detail}",
                "write a period as YYYY, YYYY-MM, YYYY-MM-DD, START--END or ..--END"),
    ProblemType("unreviewed-draft", "Unreviewed draft fact",
                "fact '{fact}' was drafted by 'asdh-lod extract' and is not reviewed yet{detail}",
                "check its quote, value and qualifiers against the source, then set 'reviewed: true' "
                "on it (or delete the fact)"),
    # checks against the text
    ProblemType("quote-not-in-source", "Quote not in source", "quote does not occur in {source}: \"{quote}\"",
                "copy the quote verbatim from the source text"),
    ProblemType("figure-not-in-quote", "Figure not in quote", "figure \"{figure}\" does not occur in the quote",
                "make 'figure' the number exactly as written in the quote"),
    ProblemType("unreadable-number", "Unreadable number", "figure \"{figure}\" is not a number: {detail}",
                "write the figure as in the text, e.g. 92.783, 5 bin 939, 1,1 milyon TL"),
    ProblemType("value-mismatch", "Value disagrees with quote", "value {value} but the quote states \"{figure}\" = {parsed}",
                "set 'value' to {parsed}, or correct the figure"),
    ProblemType("approximate-flag", "Approximate flag wrong", "figure \"{figure}\" is {state} but 'approximate' is {flag}",
                "set 'approximate: {expected}'"),
    ProblemType("period-kind-mismatch", "Period does not fit its kind", "period '{period}' does not fit kind '{kind}': {detail}",
                "{fix}"),
    ProblemType("duplicate-observation", "Duplicate observation",
                "fact '{fact}' has the same dimensions as '{other}' ({where})",
                "two facts cannot describe the same figure: fix a dimension, or use 'also_quoted' for a repeated figure"),
    ProblemType("total-mismatch", "Total disagrees with its parts",
                "'{fact}' is {total} but its parts {parts} add up to {sum}",
                "correct the total or its parts"),
    ProblemType("unit-mismatch", "Unit does not fit the figure", "{detail}",
                "{fix}"),
    ProblemType("quote-has-separator", "Quote holds the CSV separator",
                "quote contains \"{separator}\", which separates a figure's quotes in the CSV download",
                "quote a passage without \"{separator}\""),
    # SHACL
    ProblemType("shacl", "SHACL constraint violated", "{message}",
                "fix the data that produced this node"),
    ProblemType("rdf-syntax", "RDF syntax error", "{detail}",
                "fix the RDF file; it must be valid {format}"),
    # releases (site/releases/{version}/)
    ProblemType("release-tampered", "Release changed", "{detail}",
                "a published release never changes: restore the folder from version control "
                "(git checkout -- {folder}), or from the release's published copy"),
    ProblemType("release-exists", "Release exists", "release {version} exists with other content: {detail}",
                "a release never changes: publish the corrections as the next release, e.g. {next}"),
    ProblemType("release-order", "Release out of order", "release {version} is not after the latest release {latest}",
                "name the new release after {latest}, e.g. {next}"),
    # example queries (queries/*.rq)
    ProblemType("query-error", "Example query fails", "{detail}",
                "fix the query; try it with asdh-lod query {name}"),
    ProblemType("web-assets-missing", "Browser assets missing",
                "{name} is not installed (needed for the in-browser SPARQL page)",
                "run npm ci --prefix {web} (./dev publish and ./dev test do it)"),
]

TYPES: dict[str, ProblemType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str
    path: str | None = None
    line: int | None = None
    severity: str = "error"
    details: tuple[tuple[str, Any], ...] = ()

    @property
    def title(self) -> str:
        return TYPES[self.code].title

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}[{self.code}] {self.message} ({self.hint})"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "code": self.code,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "path": self.path,
            "line": self.line,
        }
        d.update(dict(self.details))
        return d


def problem(code: str, path: str | None = None, line: int | None = None, *,
            severity: str = "error", details: dict[str, Any] | None = None, **fields: Any) -> Problem:
    """Make a problem of type `code`, filling its message and hint templates from `fields`."""
    t = TYPES[code]
    return Problem(
        code=code,
        message=t.template.format(**fields),
        hint=t.hint.format(**fields),
        path=path,
        line=line,
        severity=severity,
        details=tuple(sorted((details or {}).items())),
    )


DEFAULT_LIMIT = 200


@dataclass
class Report:
    """Problems collected by a stage, up to `limit`; `total` counts all that were found."""

    limit: int = DEFAULT_LIMIT
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    error_count: int = 0  # errors found, kept or not: past the limit an error still fails the report

    def add(self, p: Problem) -> None:
        self.total += 1
        if p.severity == "error":
            self.error_count += 1
        if len(self.problems) < self.limit:
            self.problems.append(p)

    def extend(self, ps) -> None:
        for p in ps:
            self.add(p)

    def merge(self, other: "Report") -> None:
        """Add what another report found (a worker's), as if added here: this report's limit
        applies to what is kept; every problem and error found is counted."""
        for p in other.problems:
            self.add(p)
        self.total += other.total - len(other.problems)
        self.error_count += other.error_count - sum(p.severity == "error" for p in other.problems)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path or "", p.line or 0, p.code, p.message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "problem_count": self.total,
            "truncated": self.truncated,
            "problems": [p.to_dict() for p in self.sorted()],
        }

    def lines(self) -> list[str]:
        out = [str(p) for p in self.sorted()]
        if self.truncated:
            out.append(f"... and {self.total - len(self.problems)} more problems (limit {self.limit})")
        return out


class ProblemsFound(Exception):
    """A stage found problems; nothing was written."""

    def __init__(self, stage: str, report: Report):
        self.stage = stage
        self.report = report
        n = report.total
        super().__init__(f"{stage}: {n} problem{'s' if n != 1 else ''} found; nothing was written")


def markdown_table() -> str:
    """The problem codes as the README documents them: code, title, what to do."""
    rows = ["| code | title | message | what to do |", "| --- | --- | --- | --- |"]
    for t in _TYPES:
        cells = [f"`{t.code}`", t.title, t.template, t.hint]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
