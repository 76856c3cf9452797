"""The curated data as plain, typed values.

`load` builds these from YAML (each keeps the file and line it came from); `check`
verifies them against the source texts; `mapping` turns them into RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from .numbers import figure_precision
from .periods import Period, Unit

Labels = dict[str, str]  # language tag → text


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a path relative to the data folder's parent, and a line."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass
class Concept:
    code: str
    label: Labels
    origin: Origin
    alt: dict[str, list[str]] = field(default_factory=dict)
    definition: Labels = field(default_factory=dict)
    broader: str | None = None
    extra: dict = field(default_factory=dict)  # scheme-specific fields (iso, nuts3, cofog, kind, …)
    deprecated: bool = False  # kept so that its URI resolves; facts may not use it
    replaced_by: str | None = None  # the code of the same list to use instead


@dataclass
class Scheme:
    id: str
    label: Labels
    definition: Labels
    origin: Origin
    concepts: dict[str, Concept]
    extra: dict = field(default_factory=dict)


@dataclass
class Document:
    id: str
    title: Labels
    publisher: str
    published: Unit
    as_of: Unit
    reporting_period: Period | None
    type: str
    language: str
    province: str
    origin: Origin
    text_path: str          # display path of the .txt
    text: str


@dataclass
class Quote:
    quote: str
    figure: str
    origin: Origin


@dataclass
class Fact:
    id: str
    document: str
    quote: Quote
    value: Fraction
    unit: str
    programme: str
    target_group: str
    indicator: str
    province: str
    period: Period
    period_kind: str
    origin: Origin
    approximate: bool = False
    total_of: list[str] = field(default_factory=list)
    also_quoted: list[Quote] = field(default_factory=list)
    note: str | None = None
    revision_note: str | None = None  # why the figure differs from an earlier release (the change log says it)
    lines: dict[str, int] = field(default_factory=dict)  # field name → line, for precise problems

    @property
    def precision(self) -> Fraction | None:
        """The value of one unit in the last digit the figure states ("1,1 milyon" → 100000);
        None when that is 1 or the figure does not read (the check stage reports that)."""
        return figure_precision(self.quote.figure)

    def at(self, field_name: str) -> tuple[str, int | None]:
        """(path, line) of one of the fact's fields, falling back to the fact's first line."""
        return self.origin.path, self.lines.get(field_name, self.origin.line)

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """The dimension key: two facts with the same key are the same observation."""
        return (self.province, self.period.notation, self.period_kind, self.programme,
                self.target_group, self.indicator)


@dataclass
class Facility:
    id: str
    document: str
    name: str
    type: str
    privately_operated: bool
    province: str
    quote: str
    origin: Origin
    label: Labels = field(default_factory=dict)


@dataclass
class Milestone:
    event: str
    period: Period
    quote: str
    origin: Origin


@dataclass
class Project:
    id: str
    document: str
    name: Labels
    facility_type: str
    status: str
    province: str
    quote: str
    facts: list[str]
    milestones: list[Milestone]
    origin: Origin


@dataclass
class Parameter:
    figure: str
    value: Fraction
    role: str
    unit: str
    label: Labels
    origin: Origin


@dataclass
class Rule:
    id: str
    document: str
    label: Labels
    programme: str
    quote: str
    parameters: list[Parameter]
    origin: Origin
    valid_during: Period | None = None


@dataclass
class Source:
    """One source document with everything curated from it."""

    document: Document
    facts: list[Fact]
    facilities: list[Facility]
    projects: list[Project]
    rules: list[Rule]


@dataclass
class ContactPoint:
    """The dataset's contact point (vcard:Kind): a name and an e-mail address and/or a web page."""

    name: str
    email: str | None = None
    url: str | None = None  # absolute, or relative to the base IRI


@dataclass
class DatasetInfo:
    id: str
    title: Labels
    description: Labels
    publisher: str
    license: str
    base_iri: str
    issued: date
    origin: Origin
    keywords: dict[str, list[str]] = field(default_factory=dict)
    # catalogue metadata (DCAT-AP): all optional in the model; dataset.yaml defaults below
    modified: date | None = None        # defaults to `issued`
    publisher_type: str | None = None   # ADMS publisher type, e.g. NonProfitOrganisation
    contact: ContactPoint | None = None
    themes: list[str] = field(default_factory=list)  # EU data-theme codes, e.g. SOCI
    lines: dict[str, int] = field(default_factory=dict)  # field name → line, for precise problems

    def at(self, field_name: str) -> tuple[str, int | None]:
        """(path, line) of one of dataset.yaml's fields, falling back to its first line."""
        return self.origin.path, self.lines.get(field_name, self.origin.line)


@dataclass
class Model:
    dataset: DatasetInfo
    schemes: dict[str, Scheme]
    sources: list[Source]

    @property
    def facts(self) -> list[Fact]:
        return [f for s in self.sources for f in s.facts]
