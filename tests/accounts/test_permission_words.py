"""A refusal says in plain words what the user cannot do: every permission has words, and
no refusal names a permission's internal codename (e.g. "intelligence.record_crime")."""

from __future__ import annotations

import re
from pathlib import Path

from cairn.accounts.rules import PERMISSION_WORDS, PERMISSIONS, refusal

ROOT = Path(__file__).resolve().parents[2] / "cairn"


def test_every_permission_has_plain_words() -> None:
    assert set(PERMISSION_WORDS) == set(PERMISSIONS)
    for name, words in PERMISSION_WORDS.items():
        assert words and words == words.strip() and not words.endswith("."), name
        assert "_" not in words and "." not in words, name


def test_every_required_permission_exists() -> None:
    """A `require(..., "app.codename")` naming no permission would refuse everyone with
    the general sentence; catch the typo here instead."""
    named = set()
    for path in ROOT.rglob("*.py"):
        named |= set(re.findall(r'\brequire\([^"\n]*"([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert named, "no require() calls found"
    assert named <= set(PERMISSIONS), named - set(PERMISSIONS)


def test_a_refusal_never_names_the_permission() -> None:
    for name in PERMISSIONS:
        sentence = refusal(name)
        assert name not in sentence and sentence.startswith("You cannot "), sentence
    assert refusal("nowhere.unknown") == "You do not have permission to do this."
