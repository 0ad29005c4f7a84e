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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, cast

from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(value: Any) -> list[str]:
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


def _error(message: str) -> PydanticCustomError:
    """An error whose message is shown as is (the template only names the context key, so
    braces in a value are never formatted)."""
    return PydanticCustomError("legacy_import", "{message}", {"message": message})


def _required(value: str) -> str:
    if not value:
        raise _error("Required")
    return value


def _at_most(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise _error(f"Must be {limit:,} characters or fewer")
        return value

    return check


def _registration(value: str) -> str:
    if not normalise.registration(value):
        raise _error(f"{value!r} is not a vehicle registration")
    return value


def _phone(value: str) -> str:
    try:
        normalise.phone_e164(value)
    except normalise.InvalidPhoneNumber as exc:
        raise _error(f"{value!r}: {exc}") from None
    return value


def _context(info: ValidationInfo) -> dict[str, Any]:
    return cast(dict[str, Any], info.context)


Text = Annotated[str, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_text), AfterValidator(_required)]


class LegacyRecord(BaseModel):
    """One row as the previous system wrote it, checked field by field; each error carries
    its field's name. Validated with the context {"agencies": _agencies(), "today": a
    date}. Unknown columns and repeated references concern the file (`validate`)."""

    model_config = ConfigDict(
        extra="ignore", validate_default=True, frozen=True, arbitrary_types_allowed=True
    )

    reference: Annotated[RequiredText, AfterValidator(_at_most(MAX_REFERENCE))] = ""
    # date, grade and agency: parsed by their validators below, which see the raw value.
    date: dt.date = None  # type: ignore[assignment]
    area: Annotated[RequiredText, AfterValidator(_at_most(MAX_AREA))] = ""
    text: Annotated[RequiredText, AfterValidator(_at_most(MAX_TEXT))] = ""
    grade: grading.Mapped = None  # type: ignore[assignment]
    conditions: Annotated[Text, AfterValidator(_at_most(MAX_CONDITIONS))] = ""
    agency: Agency = None  # type: ignore[assignment]
    registrations: Annotated[
        list[Annotated[str, AfterValidator(_registration)]], BeforeValidator(_list)
    ] = []
    phones: Annotated[list[Annotated[str, AfterValidator(_phone)]], BeforeValidator(_list)] = []

    @field_validator("date", mode="wrap")
    @classmethod
    def _real_past_date(cls, value: str, handler: Any, info: ValidationInfo) -> dt.date:
        value = _text(value)
        if not value:
            raise _error("Required")
        try:
            when = _date(value)
        except ValueError:
            raise _error("Must be a real date, like 2026-11-02 or 02/11/2026") from None
        if when > _context(info)["today"]:
            raise _error("Must be today or in the past")
        return when

    @field_validator("grade", mode="wrap")
    @classmethod
    def _known_grade(cls, value: str, handler: Any) -> grading.Mapped:
        value = _text(value)
        if not value:
            raise _error("Required")
        try:
            return grading.from_legacy(value)
        except ValueError as exc:
            raise _error(str(exc)) from None

    @field_validator("conditions")
    @classmethod
    def _no_conditions_on_p(cls, value: str, info: ValidationInfo) -> str:
        mapped = info.data.get("grade")
        if value and mapped is not None and mapped.handling == Handling.P:
            raise _error(
                f"Handling code 1 ({mapped.legacy}) maps to P, which has no conditions: "
                "remove them or correct the grade"
            )
        return value

    @field_validator("agency", mode="wrap")
    @classmethod
    def _one_agency(cls, value: str, handler: Any, info: ValidationInfo) -> Agency:
        value = _text(value)
        if not value:
            raise _error("Required")
        agencies = _context(info)["agencies"]
        key = value.lower()
        if key not in agencies:
            raise _error(f"No agency with the short name or name {value!r}")
        if agencies[key] is None:
            raise _error(f"{value!r} matches more than one agency; use its full name")
        return cast(Agency, agencies[key])


def validate(raw: Iterable[tuple[int, Any]]) -> tuple[list[LegacyRow], list[RowError]]:
    """Every row checked; valid rows, and every error (row number and field)."""
    context = {"agencies": _agencies(), "today": timezone.localdate()}
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
        row_errors = [
            RowError(number, name, f"Unknown field; use {', '.join(COLUMNS)}")
            for name in sorted(str(k) for k in record if k is not None and k not in COLUMNS)
        ]
        if None in record:  # csv.DictReader puts surplus cells under None
            row_errors.append(
                RowError(number, "row", "More cells than there are columns in the header")
            )
        checked: LegacyRecord | None = None
        try:
            checked = LegacyRecord.model_validate(
                {k: v for k, v in record.items() if k in COLUMNS}, context=context
            )
        except ValidationError as exc:
            row_errors += [RowError(number, str(e["loc"][0]), e["msg"]) for e in exc.errors()]
        # A reference repeated in the file (checked even when the row has other errors).
        reference = _text(record.get("reference"))
        if reference and not any(e.field == "reference" for e in row_errors):
            if reference in first_seen:
                row_errors.append(
                    RowError(
                        number,
                        "reference",
                        f"{reference} is already on row {first_seen[reference]}",
                    )
                )
            else:
                first_seen[reference] = number
        errors.extend(row_errors)
        if row_errors or checked is None:
            continue
        rows.append(
            LegacyRow(
                row=number,
                reference=checked.reference,
                when_on=checked.date,
                area=checked.area,
                text=checked.text,
                legacy_grade=checked.grade.legacy,
                mapped_grade=checked.grade.grade,
                conditions=checked.conditions,
                agency=checked.agency,
                registrations=list(checked.registrations),
                phones=list(checked.phones),
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
