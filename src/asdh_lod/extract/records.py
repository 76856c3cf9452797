"""The small records of a draft: a guess with its cue, a number left out and why, the
document record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Guess:
    """One qualifier's best guess, the cue that decided it, and how strong that cue is."""

    value: str
    cue: str
    strength: float


@dataclass
class Excluded:
    """A number in the text that is not a statistical figure, and why."""

    text: str
    start: int
    line: int
    reason: str
    context: str


@dataclass
class Meta:
    """The document record of a draft: given on the command line or inferred from the text."""

    id: str
    title: str
    publisher: str
    published: str
    as_of: str
    type: str
    province: str
    reporting_period: str | None = None
    text_name: str | None = None  # the .txt name when it is not <id>.txt
    title_en: str | None = None
    cues: dict[str, str] = field(default_factory=dict)
