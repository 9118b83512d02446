"""Evidence as leads see it: a response with the words each annotator marked highlighted."""

from __future__ import annotations

import html

import streamlit as st

from annotator.annotation import Mark


def highlighted(text: str, marks: tuple[Mark, ...]) -> str:
    """The text escaped (model output stays inert), its marked spans in <mark>."""
    parts, at = [], 0
    for mark in marks:
        parts += [
            html.escape(text[at : mark.start]),
            f"<mark>{html.escape(text[mark.start : mark.end])}</mark>",
        ]
        at = mark.end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


def show_evidence(text: str, evidence: dict[str, tuple[Mark, ...]], heading: str) -> None:
    if not evidence:
        return
    with st.expander(heading, expanded=True):
        for annotator, marks in evidence.items():
            st.caption(annotator)
            st.html(f'<div class="untrusted">{highlighted(text, marks)}</div>')
