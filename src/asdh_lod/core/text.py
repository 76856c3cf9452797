"""Text helpers shared by the readers of Turkish text (numbers, extraction)."""

from __future__ import annotations

import json


def fold(text: str) -> str:
    """Turkish-insensitive lower case with the same length: İ, I, ı and i are one letter."""
    return text.replace("İ", "i").replace("I", "i").lower().replace("ı", "i")


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
