"""Reading and validating a file of records from the previous intelligence system (5x5x5
grades) for `manage.py import_intelligence`. Nothing here writes: every row is checked
first and every error reported with its row number and field, so the import is all or
nothing (the writes are `services.legacy_import`).

Format (docs/guide/police-and-hub.md), CSV with a header row or JSON Lines, chosen by the
file's extension:

    reference, date, area, text, grade, conditions, agency, registrations, phones

`conditions`, `registrations` and `phones` are optional; several registrations or phones
are separated by ";" (in JSON Lines they may also be a list). Rows are numbered as a
spreadsheet shows them: in a CSV the header is row 1 and the first record row 2; in JSON
Lines the row number is the line number."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.pole import normalise

from . import grading
from .models import Handling, Submission

COLUMNS = (
    "reference",
    "date",
    "area",
    "text",
    "grade",
    "conditions",
    "agency",
    "registrations",
    "phones",
)
REQUIRED = ("reference", "date", "area", "text", "grade", "agency")
MAX_REFERENCE = 60
MAX_AREA = 300
MAX_TEXT = 10_000
MAX_CONDITIONS = 2_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong extension, no header, bad encoding)."""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass
class LegacyRow:
    row: int
    reference: str
    when_on: dt.date
    area: str
    text: str
    legacy_grade: str  # normalised, like "B24"
    mapped_grade: str  # its 3x5x2 mapping, like "1/A/C"
    conditions: str
    agency: Agency
    registrations: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @property
    def mentions(self) -> list[dict[str, str]]:
        """The entity details in the mention format (cairn.pole.mentions) the FIB links from."""
        return [{"kind": "vehicle", "registration": r} for r in self.registrations] + [
            {"kind": "phone", "number": p} for p in self.phones
        ]


def read_rows(path: Path) -> list[tuple[int, Any]]:
    """(row number, raw record) for each record in the file."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"Cannot read {path}: {exc}") from exc
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        header = [h.strip() for h in reader.fieldnames or []]
        if not header:
            raise ImportFileError("The CSV file has no header row.")
        unknown = [h for h in header if h not in COLUMNS]
        missing = [c for c in REQUIRED if c not in header]
        if unknown or missing:
            raise ImportFileError(
                "The CSV header must use the columns "
                + ", ".join(COLUMNS)
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        reader.fieldnames = header
        return [(number, record) for number, record in enumerate(reader, start=2)]
    if suffix in (".jsonl", ".ndjson"):
        rows: list[tuple[int, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                rows.append((number, exc))
        return rows
    raise ImportFileError("Give a .csv file or a JSON Lines file (.jsonl).")


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def _list(record: dict[str, Any], name: str) -> list[str]:
    value = record.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    return [str(item).strip() for item in items if str(item).strip()]


def _date(value: str) -> dt.date:
    """ISO (2026-11-02) or UK day/month/year (02/11/2026)."""
    if "/" in value:
        day, month, year = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(value)


def _agencies() -> dict[str, Agency | None]:
    """Agencies by lower-cased short name and full name (None: the name is ambiguous)."""
    found: dict[str, Agency | None] = {}
    for agency in Agency.objects.all():
        for key in {agency.short_name.strip().lower(), agency.name.strip().lower()} - {""}:
            found[key] = None if key in found and found[key] != agency else agency
    return found


def validate(raw: Iterable[tuple[int, Any]]) -> tuple[list[LegacyRow], list[RowError]]:
    """Every row checked; valid rows, and every error (row number and field)."""
    agencies = _agencies()
    today = timezone.localdate()
    first_seen: dict[str, int] = {}
    rows: list[LegacyRow] = []
    errors: list[RowError] = []
    for number, record in raw:
        if isinstance(record, Exception):
            errors.append(RowError(number, "row", f"Not valid JSON ({record})"))
            continue
        if not isinstance(record, dict):
            errors.append(RowError(number, "row", "Each line must be a JSON object"))
            continue
        row_errors: list[RowError] = []

        def bad(
            name: str, message: str, number: int = number, out: list[RowError] = row_errors
        ) -> None:
            out.append(RowError(number, name, message))

        for name in sorted(str(k) for k in record if k is not None and k not in COLUMNS):
            bad(name, f"Unknown field; use {', '.join(COLUMNS)}")
        if None in record:  # csv.DictReader puts surplus cells under None
            bad("row", "More cells than there are columns in the header")
        for name in REQUIRED:
            if not _text(record, name):
                bad(name, "Required")

        reference = _text(record, "reference")
        if len(reference) > MAX_REFERENCE:
            bad("reference", f"Must be {MAX_REFERENCE} characters or fewer")
        elif reference:
            if reference in first_seen:
                bad("reference", f"{reference} is already on row {first_seen[reference]}")
            else:
                first_seen[reference] = number

        when_on: dt.date | None = None
        if raw_date := _text(record, "date"):
            try:
                when_on = _date(raw_date)
            except ValueError:
                bad("date", "Must be a real date, like 2026-11-02 or 02/11/2026")
            else:
                if when_on > today:
                    bad("date", "Must be today or in the past")

        area = _text(record, "area")
        if len(area) > MAX_AREA:
            bad("area", f"Must be {MAX_AREA} characters or fewer")
        text = _text(record, "text")
        if len(text) > MAX_TEXT:
            bad("text", f"Must be {MAX_TEXT:,} characters or fewer")

        mapped: grading.Mapped | None = None
        if raw_grade := _text(record, "grade"):
            try:
                mapped = grading.from_legacy(raw_grade)
            except ValueError as exc:
                bad("grade", str(exc))
        conditions = _text(record, "conditions")
        if len(conditions) > MAX_CONDITIONS:
            bad("conditions", f"Must be {MAX_CONDITIONS:,} characters or fewer")
        elif conditions and mapped is not None and mapped.handling == Handling.P:
            bad(
                "conditions",
                f"Handling code 1 ({mapped.legacy}) maps to P, which has no conditions: "
                "remove them or correct the grade",
            )

        agency: Agency | None = None
        if raw_agency := _text(record, "agency"):
            key = raw_agency.lower()
            if key not in agencies:
                bad("agency", f"No agency with the short name or name {raw_agency!r}")
            elif agencies[key] is None:
                bad("agency", f"{raw_agency!r} matches more than one agency; use its full name")
            else:
                agency = agencies[key]

        registrations = _list(record, "registrations")
        for registration in registrations:
            if not normalise.registration(registration):
                bad("registrations", f"{registration!r} is not a vehicle registration")
        phones = _list(record, "phones")
        for phone in phones:
            try:
                normalise.phone_e164(phone)
            except normalise.InvalidPhoneNumber as exc:
                bad("phones", f"{phone!r}: {exc}")

        errors.extend(row_errors)
        if row_errors or when_on is None or mapped is None or agency is None:
            continue
        rows.append(
            LegacyRow(
                row=number,
                reference=reference,
                when_on=when_on,
                area=area,
                text=text,
                legacy_grade=mapped.legacy,
                mapped_grade=mapped.grade,
                conditions=conditions,
                agency=agency,
                registrations=registrations,
                phones=phones,
            )
        )
    return rows, errors


def already_imported(references: Iterable[str]) -> set[str]:
    """Which of these references an earlier import already brought in."""
    refs = list(references)
    return set(
        Submission.objects.filter(external_reference__in=refs).values_list(
            "external_reference", flat=True
        )
    )
