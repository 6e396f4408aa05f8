"""Sections by heading."""

from __future__ import annotations

import pytest

from ingest.parse.sections import section_for_heading, split_sections


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("The complaint", "complaint"),
        ("The Ombudsman’s role and powers", "role_and_powers"),
        ("How I considered this complaint", "how_considered"),
        ("What I found", "findings"),
        ("Analysis", "analysis"),
        ("My assessment", "analysis"),
        ("Agreed action", "agreed_action"),
        ("Recommended action", "agreed_action"),
        ("Recommendations", "agreed_action"),
        ("Action", "agreed_action"),
        ("Final decision", "final_decision"),
        ("Final decision:", "final_decision"),
        ("What happened", None),
        ("Decision : Upheld", None),
    ],
)
def test_headings(heading: str, key: str | None) -> None:
    assert section_for_heading(heading) == key


def test_split_keeps_sub_headings_inside_and_joins_repeats() -> None:
    lines = [
        "Summary: x",
        "What I found",
        "Background",
        "1. A happened.",
        "Recommendations",
        "• Pay Mr A £1.",
        "Final decision",
        "I find fault.",
        "Final decision",
        "Closing words.",
    ]
    assert split_sections(lines) == {
        "findings": "Background\n1. A happened.",
        "agreed_action": "• Pay Mr A £1.",
        "final_decision": "I find fault.\nClosing words.",
    }
