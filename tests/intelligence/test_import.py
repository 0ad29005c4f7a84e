"""`manage.py import_intelligence`: legacy 5x5x5 records brought in through the services,
all or nothing, idempotent by reference, FIB only, audited."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client

from cairn.accounts.models import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.intelligence import legacy_import, services
from cairn.intelligence.models import Status, Submission, SubmissionEntity
from cairn.pole.models import Phone, Vehicle

from ..factories import AgencyFactory

pytestmark = pytest.mark.django_db

HEADER = ["reference", "date", "area", "text", "grade", "conditions", "agency", "registrations"]
HEADER += ["phones"]
ROWS = [
    [
        "OLD-0001",
        "2022-03-14",
        "Example Road",
        "A grey Vauxhall Corsa, ZK21ABC, collects girls of school age from the hotel at 22:30.",
        "B24",
        "",
        "TP",
        "ZK21ABC",
        "",
    ],
    [
        "OLD-0002",
        "02/11/2023",
        "Testshire town centre",
        "The number 07700 900101 arranges deliveries from the flat above the takeaway.",
        "C32",
        "Share with the PPU only.",
        "TA",
        "",
        "07700 900101",
    ],
    [
        "OLD-0003",
        "2024-01-05",
        "Station car park",
        "Children are met by adults in a van, ZK21 ABC, after 21:00 on Fridays.",
        "A11",
        "",
        "Testshire Police",
        "ZK21 ABC",
        "07700 900101;07700 900102",
    ],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_intelligence", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def fib(users: dict[str, Any]) -> Any:
    return users["fib_officer"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "legacy.csv", ROWS)


def test_valid_import_creates_graded_sanitised_linked_entries(fib: Any, sample: Path) -> None:
    out, _ = run(sample, "--user", fib.username)
    assert "Read 3, imported 3, skipped 0 as already imported." in out
    by_ref = {s.external_reference: s for s in Submission.objects.all()}
    assert set(by_ref) == {"OLD-0001", "OLD-0002", "OLD-0003"}
    first, second, third = by_ref["OLD-0001"], by_ref["OLD-0002"], by_ref["OLD-0003"]
    assert first.status == Status.EVALUATED and first.is_sanitised
    assert (first.legacy_grade, first.grade) == ("B24", "1/A/C")
    assert first.handling_conditions.startswith("Legacy handling code 4")
    assert second.handling_conditions == "Share with the PPU only."  # given beats mapped
    assert (third.legacy_grade, third.grade, third.handling_conditions) == ("A11", "1/A/P", "")
    assert first.submitter_agency.short_name == "TP"
    assert second.submitter_agency.short_name == "TA"
    assert third.submitter_agency.name == "Testshire Police"
    assert second.when_on.isoformat() == "2023-11-02"
    assert first.where == "Example Road" and first.sanitised_text == first.what
    # Linked like the FIB's linking page: the same registration or number is one record,
    # so the entries correlate.
    assert Vehicle.objects.count() == 1 and Phone.objects.count() == 2
    vehicle = Vehicle.objects.get()
    assert set(
        SubmissionEntity.objects.filter(entity_id=vehicle.pk).values_list(
            "submission__external_reference", flat=True
        )
    ) == {"OLD-0001", "OLD-0003"}
    assert SubmissionEntity.objects.filter(submission=third).count() == 3


def test_mapping_and_reference_are_shown_on_the_record(
    fib: Any, sample: Path, users: dict[str, Any]
) -> None:
    run(sample, "--user", fib.username)
    submission = Submission.objects.get(external_reference="OLD-0001")
    client = Client()
    client.force_login(fib)
    body = client.get(f"/intelligence/{submission.pk}/").content.decode()
    assert "B24 (mapped to 1/A/C)" in body
    assert "OLD-0001" in body
    api = client.get(f"/api/v1/intelligence/submissions/{submission.pk}").json()
    assert api["external_reference"] == "OLD-0001" and api["legacy_grade"] == "B24"
    # The analyst reads the sanitised version and the grade, not the FIB's workflow.
    analyst = Client()
    analyst.force_login(users["analyst"])
    read = analyst.get(f"/api/v1/intelligence/submissions/{submission.pk}").json()
    assert read["legacy_grade"] == "B24" and read["external_reference"] is None


def test_reimport_skips_what_was_already_imported(fib: Any, sample: Path) -> None:
    run(sample, "--user", fib.username)
    write_csv(
        sample,
        [
            *ROWS,
            ["OLD-0004", "2024-02-01", "Park", "A red car seen.", "B22", "", "TP", "", ""],
        ],
    )
    out, _ = run(sample, "--user", fib.username)
    assert "Read 4, imported 1, skipped 3 as already imported." in out
    assert Submission.objects.count() == 4
    assert Submission.objects.filter(external_reference="OLD-0001").count() == 1


def test_a_bad_row_imports_nothing_and_every_error_has_its_row(fib: Any, tmp_path: Path) -> None:
    bad = [
        ROWS[0],
        [*ROWS[1][:4], "F99", *ROWS[1][5:]],  # row 3: grade
        ["OLD-0003", "2024-13-40", "", *ROWS[2][3:6], "NOPE", "ZK21ABC", "123"],  # row 4
        ROWS[0],  # row 5: the same reference again
    ]
    path = write_csv(tmp_path / "bad.csv", bad)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        call_command("import_intelligence", str(path), "--user", fib.username, stderr=err)
    assert "in 3 of 4 rows" in str(raised.value)
    lines = err.getvalue().splitlines()
    assert "Row 3, grade: A 5x5x5 grade is a letter A-E and two digits 1-5, like B24" in lines
    assert any(line.startswith("Row 4, date:") for line in lines)
    assert "Row 4, area: Required" in lines
    assert any(line.startswith("Row 4, agency:") for line in lines)
    assert any(line.startswith("Row 4, phones:") for line in lines)
    assert "Row 5, reference: OLD-0001 is already on row 2" in lines
    assert not any(line.startswith("Row 2") for line in lines)
    assert Submission.objects.count() == 0
    assert Vehicle.objects.count() == 0
    assert not AuditEvent.objects.filter(event__startswith="intel.").exists()


def test_conditions_on_handling_code_1_are_an_error_not_dropped(agencies: Any) -> None:
    _, errors = legacy_import.validate(
        [(2, dict(zip(HEADER, [*ROWS[2][:5], "Not for the family", *ROWS[2][6:]], strict=True)))]
    )
    assert [(e.row, e.field) for e in errors] == [(2, "conditions")]


def test_dry_run_validates_and_writes_nothing(fib: Any, sample: Path) -> None:
    out, _ = run(sample, "--user", fib.username, "--dry-run")
    assert "Row 2: OLD-0001 B24 -> 1/A/C" in out
    assert "Dry run: read 3, would import 3, would skip 0" in out
    assert Submission.objects.count() == 0
    assert not AuditEvent.objects.filter(event__startswith="intel.").exists()
    run(sample, "--user", fib.username)
    out, _ = run(sample, "--user", fib.username, "--dry-run")
    assert "would import 0, would skip 3" in out


@pytest.mark.parametrize("role", ["practitioner", "analyst", "ppu_coordinator", "system_admin"])
def test_users_without_the_fib_permission_are_refused(
    role: str, users: dict[str, Any], sample: Path
) -> None:
    with pytest.raises(CommandError, match="Refused"):
        run(sample, "--user", users[role].username)
    rows, _ = legacy_import.validate(legacy_import.read_rows(sample))
    with pytest.raises(PermissionDenied):
        services.legacy_import(actor=users[role], rows=rows, source="legacy.csv")
    assert Submission.objects.count() == 0


def test_unknown_user_and_unsupported_file_are_errors(fib: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No active user"):
        run(write_csv(tmp_path / "a.csv", ROWS), "--user", "nobody")
    other = tmp_path / "a.xlsx"
    other.write_text("x")
    with pytest.raises(CommandError, match=r"\.csv"):
        run(other, "--user", fib.username)


def test_every_record_is_audited_plus_one_summary_row(fib: Any, sample: Path) -> None:
    run(sample, "--user", fib.username)
    ids = {str(pk) for pk in Submission.objects.values_list("pk", flat=True)}
    for event in ("intel.imported", "intel.evaluated", "intel.sanitised"):
        rows = AuditEvent.objects.filter(event=event)
        assert {r.object_id for r in rows} == ids, event
        assert all(r.actor_id == fib.pk for r in rows)
    assert AuditEvent.objects.filter(event="intel.entity_linked").count() == 5
    first = Submission.objects.get(external_reference="OLD-0001")
    imported = AuditEvent.objects.get(event="intel.imported", object_id=str(first.pk))
    assert imported.details["legacy_grade"] == "B24"
    assert imported.details["external_reference"] == "OLD-0001"
    summary = AuditEvent.objects.get(event="intel.import_run")
    assert summary.details == {"file": "legacy.csv", "read": 3, "imported": 3, "skipped": 0}
    run(sample, "--user", fib.username)
    assert AuditEvent.objects.filter(event="intel.import_run").count() == 2
    assert AuditEvent.objects.filter(event="intel.imported").count() == 3


def test_json_lines_and_the_shipped_samples_import(fib: Any, tmp_path: Path) -> None:
    for short, name in (("NMP", "Northmoor Police"), ("NCT", "Northmoor Children's Trust")):
        AgencyFactory(short_name=short, name=name, kind=AgencyKind.POLICE)
    AgencyFactory(short_name="HAT", name="Heatherfield Academy Trust", kind=AgencyKind.EDUCATION)
    data = Path(legacy_import.__file__).parent / "data"
    out, _ = run(data / "legacy_intelligence_sample.csv", "--user", fib.username)
    assert "imported 5" in out
    out, _ = run(data / "legacy_intelligence_sample.jsonl", "--user", fib.username)
    assert "imported 2" in out
    path = tmp_path / "one.jsonl"
    path.write_text(
        json.dumps(
            {
                "reference": "J-1",
                "date": "2023-04-01",
                "area": "Park",
                "text": "A white van, ZK21ABC, waits near the park.",
                "grade": "b 2 2",
                "agency": "TP",
                "registrations": ["ZK21ABC"],
            }
        )
        + "\n\n"
    )
    run(path, "--user", fib.username)
    assert Submission.objects.get(external_reference="J-1").legacy_grade == "B22"


def test_each_field_reports_its_own_message(agencies: Any) -> None:
    base = dict(zip(HEADER, ROWS[0], strict=True))
    record = {
        **base,
        "reference": "R" * 61,
        "date": "01/01/2099",
        "area": "",
        "grade": "F99",
        "agency": "NOPE",
        "registrations": "ZK21ABC;!!",
        "phones": "123",
        "colour": "red",
    }
    _, errors = legacy_import.validate(
        [(2, record), (3, {"reference": "J-2", "text": "t" * 10_001})]
    )
    assert {str(e) for e in errors} == {
        "Row 2, colour: Unknown field; use " + ", ".join(legacy_import.COLUMNS),
        "Row 2, reference: Must be 60 characters or fewer",
        "Row 2, date: Must be today or in the past",
        "Row 2, area: Required",
        "Row 2, grade: A 5x5x5 grade is a letter A-E and two digits 1-5, like B24",
        "Row 2, agency: No agency with the short name or name 'NOPE'",
        "Row 2, registrations: '!!' is not a vehicle registration",
        "Row 2, phones: '123': Enter a phone number with the right number of digits.",
        "Row 3, date: Required",
        "Row 3, area: Required",
        "Row 3, text: Must be 10,000 characters or fewer",
        "Row 3, grade: Required",
        "Row 3, agency: Required",
    }
