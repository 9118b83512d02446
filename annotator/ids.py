"""Ids derived from content, so importing the same data twice creates nothing new."""

from __future__ import annotations

import hashlib
import unicodedata


def _digest(*parts: str) -> str:
    joined = "\x1f".join(unicodedata.normalize("NFC", part.strip()) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def prompt_id(text: str) -> str:
    """The id of a prompt that came without one: a hash of its (NFC, trimmed) text."""
    return "p-" + _digest(text)


def response_id(prompt: str, model: str) -> str:
    """The id of a model's response to a prompt (one response per prompt and model)."""
    return "r-" + _digest(prompt, model)
