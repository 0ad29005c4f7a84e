"""Access rules live only in access modules (ADR 0005): a role or police check written
anywhere else fails this test. It reads cairn/**/*.py with `ast` and flags
- reading `.is_police` (or `getattr(x, "is_police")`);
- comparing a `.role` with a role (`Role.X`, a `*_ROLES` set, a role's name);
- comparing with `AgencyKind.POLICE` or the string "police";
- calling `has_role(...)`.
Allowed: any `access.py` or `rules.py`, and cairn/accounts (which defines roles, agencies
and who may change them). Selecting users by role to notify them
(`User.objects.filter(role=...)`) is a query, not a check, and is not flagged.
ALLOWED lists the few other places, each with its reason; keep it short."""

from __future__ import annotations

import ast
from pathlib import Path

from cairn.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2] / "cairn"
ROLE_NAMES = {r.value for r in Role}

# (path relative to cairn/, line text fragment) -> reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("pole/services.py", "agency.is_police"): "a record's police_only follows the owning "
    "agency, and a police-only record is never shared outside the police (data integrity "
    "of the share, checked where the share is written)",
    ("pole/services.py", "actor.is_police"): "same rule, for the writer's own agency",
    ("intelligence/services.py", "agency.is_police"): "classifies a dissemination as going "
    "outside the police (a disclosure kind), not who may see it",
    ("audit/selectors.py", '"is_police"'): "IG remit of the audit viewer (to move into an "
    "audit access module)",
    ("notifications/selectors.py", "Role.SYSTEM_ADMIN"): "which undelivered messages a "
    "system admin must act on (to move into a notifications access module)",
    ("hub/services.py", "Role.HUB_CHAIR"): "validates the set-up: the chair named holds the "
    "chair role (data validation, not access)",
    ("hub/services.py", "hub_roles"): "validates the set-up: a representative uses the Hub",
}


def _is_role_ref(node: ast.AST) -> bool:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"Role", "R"}
    ):
        return True
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        if name.lower().endswith("roles"):
            return True
    if isinstance(node, ast.Constant) and node.value in ROLE_NAMES:
        return True
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return any(_is_role_ref(e) for e in node.elts)
    return False


def _is_police_ref(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "POLICE":
        return isinstance(node.value, ast.Name) and node.value.id == "AgencyKind"
    return isinstance(node, ast.Constant) and node.value == "police"


def _flags(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "is_police":
            lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name == "has_role" or (
                name == "getattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "is_police"
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            role_attr = any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides)
            if (role_attr and any(_is_role_ref(s) for s in sides)) or any(
                _is_police_ref(s) for s in sides
            ):
                lines.append(node.lineno)
    return lines


def _allowed_module(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (
        name in {"access.py", "rules.py"}
        or rel.startswith(("accounts/", "demo/"))
        or "/migrations/" in rel
        or name == "demo.py"  # seeds demo users with their roles
    )


def test_role_and_police_checks_only_in_access_modules() -> None:
    found = []
    used: set[tuple[str, str]] = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if _allowed_module(rel):
            continue
        source = path.read_text()
        text = source.splitlines()
        for line in _flags(ast.parse(source)):
            key = next(
                (k for k in ALLOWED if k[0] == rel and k[1] in text[line - 1]),
                None,
            )
            if key is None:
                found.append(f"cairn/{rel}:{line}: {text[line - 1].strip()}")
            else:
                used.add(key)
    assert not found, "Role or police checks outside access modules:\n" + "\n".join(found)
    assert not set(ALLOWED) - used, f"Stale ALLOWED entries: {set(ALLOWED) - used}"


def test_the_scan_catches_each_pattern() -> None:
    cases = [
        "if user.is_police: pass",
        "x = getattr(user, 'is_police', False)",
        "ok = user.role == Role.ANALYST",
        "ok = user.role in HUB_WIDE_ROLES",
        "ok = user.role != 'hub_chair'",
        "ok = agency.kind == AgencyKind.POLICE",
        "ok = agency.kind == 'police'",
        "ok = has_role(user, 'analyst')",
    ]
    for case in cases:
        assert _flags(ast.parse(case)), case
    assert not _flags(ast.parse("ok = subject.role == 'protected_child'"))
    assert not _flags(ast.parse("User.objects.filter(role=Role.ANALYST)"))
