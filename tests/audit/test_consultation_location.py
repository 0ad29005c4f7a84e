"""Audit rows are written where the data is read or changed, never in a view or an API
module (ADR 0004, "Where audit rows are written"): a consultation in the access function
or selector both channels call (`view_*`, `consult_*`), a write's row in its service.
Then the web page and the API endpoint for the same read write the same row from the
same line, and neither can forget it.

This test reads every views/api module under cairn/ with `ast` and flags any call of
the auditor (`audit.record(...)`, `record_list`, `record_system`, or those names
imported from cairn.audit.services). ALLOWED lists exceptions, each with its reason;
keep it empty."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "cairn"
AUDIT_FUNCTIONS = {"record", "record_list", "record_system"}

# (path relative to cairn/, function name called) -> reason.
ALLOWED: dict[tuple[str, str], str] = {}


def _is_channel_module(rel: str) -> bool:
    """Views and API modules: views.py, api.py, views_*.py, api_*.py, or any module in a
    views/ or api/ package (should one be split later)."""
    *folders, file = rel.split("/")
    name = file.removesuffix(".py")
    return (
        any(f in {"views", "api"} for f in folders)
        or name in {"views", "api"}
        or name.startswith(("views_", "api_"))
    )


def _audit_names(tree: ast.AST, *, in_audit_app: bool) -> tuple[set[str], set[str]]:
    """Names bound to the audit services module, and auditor functions imported by name.
    `from . import services` is the auditor only inside cairn/audit (elsewhere it is the
    app's own services)."""
    modules: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            own = node.level > 0 and in_audit_app
            for alias in node.names:
                bound = alias.asname or alias.name
                if alias.name == "services" and (source == "cairn.audit" or (own and not source)):
                    modules.add(bound)
                elif alias.name in AUDIT_FUNCTIONS and (
                    source == "cairn.audit.services" or (own and source == "services")
                ):
                    functions.add(bound)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "cairn.audit.services":
                    modules.add(alias.asname or alias.name)
    return modules, functions


def _flags(source: str, *, in_audit_app: bool = False) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    modules, functions = _audit_names(tree, in_audit_app=in_audit_app)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in AUDIT_FUNCTIONS
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            found.append((node.lineno, func.attr))
        elif isinstance(func, ast.Name) and func.id in functions:
            found.append((node.lineno, func.id))
    return found


def test_no_audit_rows_written_in_views_or_api_modules() -> None:
    found = []
    used: set[tuple[str, str]] = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not _is_channel_module(rel):
            continue
        source = path.read_text()
        for line, name in _flags(source, in_audit_app=rel.startswith("audit/")):
            if (rel, name) in ALLOWED:
                used.add((rel, name))
                continue
            found.append(f"cairn/{rel}:{line}: {source.splitlines()[line - 1].strip()}")
    assert not found, (
        "Audit rows written in a view or API module (move the row into the access function, "
        "selector or service both channels call):\n" + "\n".join(found)
    )
    assert not set(ALLOWED) - used, f"Stale ALLOWED entries: {set(ALLOWED) - used}"


def test_the_scan_sees_the_channel_modules() -> None:
    for rel in ["pole/views.py", "pole/api.py", "api.py", "api_auth/views.py"]:
        assert _is_channel_module(rel), rel
    for rel in ["hub/views/meetings.py", "hub/views_meetings.py", "hub/api_people.py"]:
        assert _is_channel_module(rel), rel
    for rel in ["pole/selectors.py", "pole/access.py", "api_auth/auth.py", "hub/services.py"]:
        assert not _is_channel_module(rel), rel


def test_the_scan_catches_each_way_of_calling_the_auditor() -> None:
    cases = [
        "from cairn.audit import services as audit\naudit.record(actor=u, event='x')",
        "from cairn.audit import services as audit\naudit.record_list(actor=u, event='x')",
        "from cairn.audit import services\nservices.record_system(event='x')",
        "from cairn.audit.services import record\nrecord(actor=u, event='x')",
        "from cairn.audit.services import record_list as rl\nrl(actor=u, event='x')",
        "import cairn.audit.services as a\na.record(actor=u, event='x')",
    ]
    for case in cases:
        assert _flags(case), case
    assert _flags("from . import services as audit\naudit.record(actor=u)", in_audit_app=True)
    # An app's own services (a write service named record_...) and selectors are fine.
    assert not _flags("from . import services\nservices.record(actor=u)")
    assert not _flags("from . import selectors\nselectors.consult_pairs(u, page)")
