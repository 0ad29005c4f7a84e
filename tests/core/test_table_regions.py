"""Every table on a screen sits in its own scrolling region, so a wide table scrolls
sideways inside it and the page still fits a 320 px screen (WCAG 1.4.10 reflow). The browser
tests check the pages they visit; this catches a table on a page no journey reaches."""

import re
from pathlib import Path

import cairn

TEMPLATES = Path(cairn.__file__).parent / "templates"
# Printed documents are laid out for A4 paper, not for a screen.
PRINT_ONLY = {"referrals/pdf.html"}


def test_every_screen_table_is_in_a_scroll_region() -> None:
    unwrapped = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PRINT_ONLY or "pdf" in name or "print" in name:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            before = text[max(0, match.start() - 300) : match.start()]
            if "cairn-table-scroll" not in before:
                line = text.count("\n", 0, match.start()) + 1
                unwrapped.append(f"{name}:{line}")
    assert not unwrapped, (
        'Wrap these tables in <div class="cairn-table-scroll" role="region" '
        'aria-label="..." tabindex="0">: ' + ", ".join(unwrapped)
    )
