"""Saving a draft's step from a page drawn before the draft's latest change (another
tab, another device) without either side losing what they wrote (issue 18 #2, ADR 0015).

A step page carries what it showed: the draft's `version` and a short digest of each
field's answer as drawn (`fields_seen`; digests, not answers, as on the check pages). On
a save the answers posted are compared, field by field, with the page's digests and with
the draft as it is now (`reconcile`):

- a field nobody else changed takes what this page posted (changed here or not);
- a field changed elsewhere that this page left as it was keeps the other change;
- a field changed both here and elsewhere, differently, is a conflict: nothing is saved
  and the form is shown again with what the user typed and what is there now
  (`show_conflicts`); saving again from that page (which carries the current version)
  keeps what is in the box, so the user chooses.

It works on the form's widget data, so one function serves every step form: the stored
draft is turned into what its form would draw (each form's `initial_from`), and a field
untouched in the browser posts back exactly what was drawn. The save itself passes the
version it reconciled against to the service, which re-checks it under the row lock and
raises `DraftChanged` if a save overtook this one; the view reconciles again
(`MAX_TRIES`).

A step view reads the draft with `draft_reader`, handles a post with `handle_step` (the
save, the conflict, service errors beside the fields, the note on answers kept) and puts
`page_seen` on the page it draws."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from . import wording
from .concurrency import DraftChanged
from .http import apply_service_errors

F = TypeVar("F", bound=forms.Form)
T = TypeVar("T")

FIELD_VERSION = "version"
FIELD_SEEN = "fields_seen"
# A posted value longer than this is not one of ours: read as nothing seen.
MAX_SEEN = 20_000
# Saves overtaken by another save between reading the draft and locking it, retried.
MAX_TRIES = 3
WidgetData = dict[str, list[str]]


@dataclass(frozen=True)
class Seen:
    """What a step page showed: the draft's version and a digest per form field."""

    version: str
    digests: dict[str, str]

    def hidden_inputs(self) -> SafeString:
        return format_html(
            '<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">',
            FIELD_VERSION,
            self.version,
            FIELD_SEEN,
            json.dumps(self.digests, separators=(",", ":"), sort_keys=True),
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def widget_data(bound: forms.Form, name: str, value: Any) -> WidgetData:
    """What field `name` of `bound` posts when drawn showing `value` (an initial value, as
    the form's `initial_from` gives it): a date's three boxes, a checkbox's "on"."""
    fld = bound.fields[name]
    key = bound.add_prefix(name)
    widget = fld.widget
    if isinstance(widget, forms.MultiWidget):
        parts = list(value) if isinstance(value, list | tuple) else widget.decompress(value)
        names: list[str] = getattr(widget, "widgets_names", [])
        return {
            f"{key}{suffix}": [_text(part)]
            for suffix, part in zip(names, parts or [], strict=False)
        }
    if isinstance(widget, forms.CheckboxInput):
        return {key: ["on"] if value else []}
    if isinstance(value, list | tuple):
        return {key: [_text(v) for v in value]}
    return {key: [_text(value)]}


def posted_data(bound: forms.Form, name: str, data: QueryDict) -> WidgetData:
    """What field `name` of `bound` posted in `data`, in the same shape as `widget_data`."""
    keys = widget_data(bound, name, None)
    return {key: data.getlist(key) for key in keys}


def digest(values: WidgetData) -> str:
    """A field's answer as a short digest. Blank answers are alike (None, "", no box
    ticked), surrounding spaces and the browser's CRLF line ends do not count, nor the
    order of ticked boxes."""
    canon = {
        key: sorted(s for v in vals if (s := v.replace("\r\n", "\n").strip()))
        for key, vals in sorted(values.items())
    }
    text = json.dumps(canon, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def item_digest(item: Any) -> str:
    """One entry of a list in a draft (a person, vehicle... added to it), as a short
    digest: what its Remove button names, rather than its position, which another tab's
    removal shifts."""
    text = json.dumps(item, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def remove_token(index: int, item: Any) -> str:
    return f"{index}:{item_digest(item)}"


def without_item(items: list[Any], token: str) -> list[Any] | None:
    """`items` without the one a Remove button named (`remove_token`): the entry with its
    digest, wherever it is now; from a page drawn before this (a bare position), the
    entry there. None when it is not there (removed already, in another tab)."""
    index, _, wanted = token.partition(":")
    if not index.isdigit():
        return None
    if wanted:
        at = [i for i, item in enumerate(items) if item_digest(item) == wanted]
        return [item for i, item in enumerate(items) if i != at[0]] if at else None
    position = int(index)
    if position >= len(items):
        return None
    return [item for i, item in enumerate(items) if i != position]


def seen_of(bound: forms.Form, initial: Mapping[str, Any], version: str) -> Seen:
    """What a page drawing the draft (`initial`, from the form's `initial_from`) carries."""
    return Seen(
        version,
        {name: digest(widget_data(bound, name, initial.get(name))) for name in bound.fields},
    )


def read_seen(data: Mapping[str, Any]) -> Seen | None:
    """What the posted page showed; None for a page drawn before this existed (or a value
    that is not ours), which is saved as before: its answers replace the draft's."""
    version, text = data.get(FIELD_VERSION), data.get(FIELD_SEEN)
    if not isinstance(version, str) or not isinstance(text, str) or len(text) > MAX_SEEN:
        return None
    try:
        digests = json.loads(text)
    except ValueError:
        return None
    if not isinstance(digests, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in digests.items()
    ):
        return None
    return Seen(version, digests)


def page_seen(
    bound: forms.Form, initial: Mapping[str, Any], version: str, *, conflict: bool
) -> Seen:
    """What a step page carries (`carried`); after a conflict, the draft now, so that
    saving again from that page keeps what is in the boxes."""
    if conflict:
        return seen_of(bound, initial, version)
    return carried(bound, initial, version)


def carried(bound: forms.Form, initial: Mapping[str, Any], version: str) -> Seen:
    """What a page carries: a form shown again with what was posted (an error, a step's
    typed answers kept in the draft) carries what the page it came from showed, so what
    changed elsewhere meanwhile is still told apart from what the user typed; a form
    drawn from the draft carries the draft as it is now."""
    if bound.is_bound:
        seen = read_seen(bound.data)
        if seen is not None:
            return seen
    return seen_of(bound, initial, version)


@dataclass
class Outcome:
    """A posted step reconciled with the draft now. `data` is what to save: the post,
    with each field kept from elsewhere replaced by the draft's answer."""

    data: QueryDict
    version: str  # the draft's version it was reconciled against
    changed_at: dt.datetime | None
    kept: list[str] = field(default_factory=list)  # changed elsewhere, left as they are
    conflicts: dict[str, Any] = field(default_factory=dict)  # name: the draft's answer now


def reconcile(
    bound: forms.Form,
    data: QueryDict,
    *,
    initial: Mapping[str, Any],
    version: str,
    changed_at: dt.datetime | None,
) -> Outcome:
    """Reconcile the posted `data` for the fields of `bound` with the draft now (its
    `initial` answers and `version`), by what the posted page showed."""
    seen = read_seen(data)
    out = Outcome(data.copy(), version, changed_at)
    if seen is None or seen.version == version:
        return out
    for name in bound.fields:
        base = seen.digests.get(name)
        now = widget_data(bound, name, initial.get(name))
        mine = digest(posted_data(bound, name, data))
        if base is None or digest(now) in (base, mine):
            continue  # not on the page, unchanged elsewhere, or changed alike
        if mine == base:
            out.kept.append(name)
            for key, values in now.items():
                out.data.setlist(key, values)
        else:
            out.conflicts[name] = initial.get(name)
    return out


def shown_value(fld: forms.Field, value: Any) -> str:
    """An answer as the page would read it: a choice's label, a date in words."""
    if value in (None, "", [], ()):
        return "left empty"
    choices = dict(getattr(fld, "choices", None) or [])
    if isinstance(value, list | tuple) and not isinstance(fld, forms.MultiValueField):
        return "; ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return "ticked" if value else "not ticked"
    if isinstance(value, dt.date):
        return wording.long_date(value.isoformat())
    if isinstance(value, list | tuple):
        return "/".join(str(p) for p in value)
    label = choices.get(value, choices.get(str(value), value))
    return f"“{label}”"


def when(changed_at: dt.datetime | None) -> str:
    return f" at {timezone.localtime(changed_at):%H:%M}" if changed_at else ""


def show_conflicts(bound: forms.Form, outcome: Outcome) -> None:
    """Put, beside each field changed both here and elsewhere, what is there now; the box
    keeps what the user typed. `bound` is the form bound to `outcome.data`."""
    bound.is_valid()
    for name, value in outcome.conflicts.items():
        now = shown_value(bound.fields[name], value)
        bound.add_error(
            name,
            f"Changed in another tab or by someone else{when(outcome.changed_at)}: {now}. "
            "Your answer is in the box: keep it or change it, then save again",
        )


def kept_note(bound: forms.Form, outcome: Outcome) -> str:
    """A sentence for the saved message naming the answers kept from elsewhere."""
    if not outcome.kept:
        return ""
    labels = ", ".join(
        f"“{str(bound.fields[n].label or n).removesuffix(' (optional)')}”" for n in outcome.kept
    )
    return (
        f" It had also been changed in another tab or by someone else{when(outcome.changed_at)}:"
        f" those changes are kept ({labels})."
    )


@dataclass(frozen=True)
class Draft:
    """A draft as a step page draws it: its answers (the form's `initial_from`), its
    version and when it last changed."""

    initial: Mapping[str, Any]
    version: str
    changed_at: dt.datetime | None


@dataclass
class Step(Generic[F, T]):
    """A step posted: the form bound to what is saved (or shown again), how it was
    reconciled, and what `save` returned (None when a conflict stopped it)."""

    form: F
    outcome: Outcome
    result: T | None

    @property
    def conflict(self) -> bool:
        return bool(self.outcome.conflicts)


def save_step(
    data: QueryDict,
    *,
    form: Callable[[QueryDict], F],
    draft: Callable[[], Draft],
    save: Callable[[F, Outcome], T],
) -> Step[F, T]:
    """Reconcile a posted step with the draft now and save it with `save` (which passes
    `outcome.version` to its service as `expected_version`). A conflict saves nothing and
    returns the form with the errors beside the fields; a save overtaken between the read
    and the service's lock (DraftChanged) is reconciled again with the newer draft."""
    for attempt in range(MAX_TRIES):
        now = draft()
        outcome = reconcile(
            form(data), data, initial=now.initial, version=now.version, changed_at=now.changed_at
        )
        bound = form(outcome.data)
        if outcome.conflicts:
            show_conflicts(bound, outcome)
            return Step(bound, outcome, None)
        try:
            return Step(bound, outcome, save(bound, outcome))
        except DraftChanged:
            if attempt == MAX_TRIES - 1:
                raise
    raise AssertionError("unreachable")


class Versioned(Protocol):
    """A record with a draft: its version (`cairn.core.concurrency`) and last change."""

    @property
    def version(self) -> str: ...

    @property
    def updated_at(self) -> dt.datetime: ...

    def refresh_from_db(self) -> None: ...


def draft_reader(
    record: Versioned, initial: Callable[[], Mapping[str, Any]]
) -> Callable[[], Draft]:
    """The draft as its step page draws it (`initial`, read after the record is), read
    again each time `save_step` asks."""

    def now() -> Draft:
        record.refresh_from_db()
        return Draft(initial(), record.version, record.updated_at)

    return now


@dataclass
class Posted(Generic[F]):
    """A step post handled: the form to show again (with what was typed, and what is
    there now beside a conflicting answer, or the service's errors), whether it was
    saved with nothing to put right (the view moves on), and the note naming answers
    kept from elsewhere ("" when none)."""

    form: F
    conflict: bool
    done: bool
    kept: str


def handle_step(
    data: QueryDict,
    *,
    form: Callable[[QueryDict], F],
    draft: Callable[[], Draft],
    save: Callable[[F, str], Mapping[str, list[str]] | None],
) -> Posted[F]:
    """`save_step` with what every step view then does: `save(bound, expected_version)`
    saves the step (valid or not, as the record keeps drafts) and returns the service's
    errors by field, if any, which are put beside the fields; a conflict saves nothing."""

    def saved(bound: F, outcome: Outcome) -> Mapping[str, list[str]]:
        return save(bound, outcome.version) or {}

    step = save_step(data, form=form, draft=draft, save=saved)
    if step.conflict:
        return Posted(step.form, conflict=True, done=False, kept="")
    if step.result:
        apply_service_errors(step.form, ValidationError(dict(step.result)))
    done = step.form.is_valid() and not step.result
    return Posted(step.form, conflict=False, done=done, kept=kept_note(step.form, step.outcome))
