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


LANDMARK_LABEL = re.compile(
    r'<(?:section|aside|nav)\b[^>]*aria-labelledby="([^"]+)"'
    r'|<\w+\b[^>]*role="region"[^>]*aria-labelledby="([^"]+)"'
)


def test_no_two_landmarks_share_a_heading_as_their_name() -> None:
    """Two landmarks named by one heading (a panel and the table scrolling inside it) are
    two regions of the same name to a screen reader (axe: landmark-unique)."""
    shared = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        names = [a or b for a, b in LANDMARK_LABEL.findall(text)]
        repeated = sorted({name for name in names if names.count(name) > 1 and "{" not in name})
        if repeated:
            shared.append(f"{path.relative_to(TEMPLATES).as_posix()}: {', '.join(repeated)}")
    assert not shared, "Give each landmark its own name: " + "; ".join(shared)
