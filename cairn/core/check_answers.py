"""The rows of a "check your answers" page (a GOV.UK summary list with a Change link on
each row), built in Python by each form's page so that a test can prove every answer a
draft will submit has a row, and so that a submit refused because the draft changed
(another tab, ADR 0015) can mark which rows changed since the page the user had open.

The page posts back a short digest of each row it showed (`seen_value`), not the
answers: nothing is kept on the server, and the form carries nothing the user could not
already read on the page. On a refused submit the rows drawn now are compared with it
(`mark_changed`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

# A posted `seen` value longer than this is not one of ours: read as nothing seen.
MAX_SEEN = 20_000


@dataclass
class Row:
    key: str  # "<section key>.<name>", e.g. "entry.further_information", "mentions.2"
    label: str
    value: str  # plain text, line breaks kept; "Not given" and the like when empty
    change_url: str
    change_label: str  # the visually hidden end of "Change ...": what the link changes
    html: SafeString | None = None  # pre-rendered (already escaped) instead of `value`
    changed: bool = False

    @property
    def digest(self) -> str:
        shown = str(self.html) if self.html is not None else self.value
        text = f"{self.label}\x00{shown}".encode()
        return hashlib.blake2b(text, digest_size=8).hexdigest()


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)

    def add(
        self,
        name: str,
        label: str,
        value: str,
        change_url: str,
        change_label: str,
        *,
        html: SafeString | None = None,
    ) -> None:
        """A row keyed under this section (so a row gone from it can be told)."""
        self.rows.append(
            Row(f"{self.key}.{name}", label, value, change_url, change_label, html=html)
        )


def seen_value(sections: list[Section]) -> str:
    """What the page posts back: each row's key and digest."""
    return ",".join(f"{row.key}:{row.digest}" for s in sections for row in s.rows)


def parse_seen(text: str | None) -> dict[str, str] | None:
    """The posted digests by row key; None when the form carried none (a page drawn
    before this existed) or something that is not ours."""
    if not text or len(text) > MAX_SEEN:
        return None
    seen: dict[str, str] = {}
    for item in text.split(","):
        key, sep, digest = item.rpartition(":")
        if not sep or not key or not digest:
            return None
        seen[key] = digest
    return seen


def mark_changed(sections: list[Section], seen: dict[str, str]) -> list[str]:
    """Mark each row whose answer differs from the page the user had open (new rows
    too) and return what changed, in page order: row labels, and a section's title for a
    row that was on the opened page and is gone ("People, vehicles ...: one removed")."""
    changed: list[str] = []
    now: set[str] = set()
    for section in sections:
        gone = [k for k in seen if k.startswith(f"{section.key}.")]
        for row in section.rows:
            now.add(row.key)
            if seen.get(row.key) != row.digest:
                row.changed = True
                if row.label not in changed:
                    changed.append(row.label)
        # A "none yet" row (key "<section>.none") replaced by an answer is no removal.
        removed = [k for k in gone if k not in now and not k.endswith(".none")]
        if removed:
            changed.append(f"{section.title}: {len(removed)} removed")
    return changed


def change_url(sections: list[Section], key: str, default: str) -> str:
    """The Change link of the row `key` (a page that keeps what was typed on the check page
    posts the row's key, not a URL: nothing posted can send the user off the site), or
    `default` for a key that is not one of the rows."""
    for section in sections:
        for row in section.rows:
            if row.key == key:
                return row.change_url
    return default
