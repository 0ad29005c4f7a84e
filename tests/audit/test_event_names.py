"""Every audit event name the code passes to the auditor is registered, and every
registered name is passed somewhere (or reserved below with a reason), read from the
source with `ast`; and each app registers its own events in its `audit_events.py`.

An event reaches the auditor as a string literal: `event="..."` to `record`,
`record_list` or `record_system`, or positionally to a helper whose `event: str`
parameter is forwarded (`_audit(actor, "tactic.created", ...)`). A non-literal must be
one the scan can read: the helper's own parameter, a local assigned only literals, or a
module-level dict of literals; anything else fails, so no event name is ever built at
run time where a reader cannot find it."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps

import cairn
from cairn.audit import registry

CAIRN = Path(cairn.__file__).parent
RECORDERS = {"record", "record_list", "record_system"}

# Registered but recorded by no code yet; kept so the names, their meaning and the audit
# viewer's event filter stay as they were.
RESERVED = {
    "auth.locked_out": (
        "registered with the sign-in events for django-axes lockouts; axes keeps its own "
        "lockout records and a locked-out attempt is recorded as auth.sign_in_failed"
    ),
    "link.ended": (
        "no service ends a link yet: a link's end date comes from its sources "
        "(link.created, link.source_added)"
    ),
}


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(CAIRN.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _event_param(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.arg | None:
    a = fn.args
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        if arg.arg == "event":
            return arg
    return None


def _is_str(annotation: ast.expr | None) -> bool:
    return annotation is not None and ast.unparse(annotation) == "str"


@dataclass
class Scan:
    passed: dict[str, list[str]] = field(default_factory=dict)  # name -> where
    unreadable: list[str] = field(default_factory=list)

    def add(self, name: str, where: str) -> None:
        if name:  # "" means "no event" in a helper's local, guarded before recording
            self.passed.setdefault(name, []).append(where)


def _helpers(modules: list[tuple[Path, ast.Module]]) -> dict[str, int | None]:
    """Functions taking `event: str`, by name, with its position (None: keyword-only)."""
    found: dict[str, int | None] = {}
    for _path, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                param = _event_param(node)
                if param is None or not _is_str(param.annotation):
                    continue
                positional = [*node.args.posonlyargs, *node.args.args]
                found[node.name] = positional.index(param) if param in positional else None
    return found


def _literals(value: ast.expr) -> list[str] | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.IfExp):
        body, orelse = _literals(value.body), _literals(value.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _resolve(
    value: ast.expr, fn: ast.AST | None, module_dicts: dict[str, ast.Dict]
) -> list[str] | None:
    """The names a non-literal event argument can hold, or None if the scan can't tell.
    A parameter of the enclosing function is forwarded: its callers are scanned."""
    found = _literals(value)
    if found is not None:
        return found
    if isinstance(value, ast.Name) and isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
        a = fn.args
        if value.id in {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]}:
            return []
        assigned: list[str] = []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == value.id for t in node.targets
            ):
                names = _literals(node.value)
                if names is None:
                    return None
                assigned += names
        return assigned or None
    if (
        isinstance(value, ast.Subscript)
        and isinstance(value.value, ast.Name)
        and value.value.id in module_dicts
    ):
        out: list[str] = []
        for item in module_dicts[value.value.id].values:
            names = _literals(item)
            if names is None:
                return None
            out += names
        return out
    return None


@functools.cache
def scan() -> Scan:
    modules = list(_modules())
    helpers = _helpers(modules)
    result = Scan()
    for path, tree in modules:
        rel = path.relative_to(CAIRN.parent)
        if path.name == "audit_events.py":
            continue
        module_dicts = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        enclosing: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    enclosing[inner] = node  # innermost wins: ast.walk goes outer first
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # a default value: `event: str = "hub.meeting_viewed"`
                a = node.args
                positional = [*a.posonlyargs, *a.args]
                defaults = dict(
                    zip(positional[len(positional) - len(a.defaults) :], a.defaults, strict=True)
                )
                defaults.update(
                    (arg, d)
                    for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
                    if d is not None
                )
                for arg, default in defaults.items():
                    if arg.arg == "event" and _is_str(arg.annotation):
                        for name in _literals(default) or []:
                            result.add(name, where)
            if not isinstance(node, ast.Call):
                continue
            called = _call_name(node)
            recording = called in RECORDERS or called in helpers
            candidates = [kw.value for kw in node.keywords if kw.arg == "event"]
            position = helpers.get(called) if called else None
            if position is not None and len(node.args) > position:
                candidates.append(node.args[position])
            for value in candidates:
                if not recording:
                    # `event="..."` elsewhere (a query of the log): a literal must be a name
                    for name in _literals(value) or []:
                        result.add(name, where)
                    continue
                names = _resolve(value, enclosing.get(node), module_dicts)
                if names is None:
                    result.unreadable.append(f"{where}: {ast.unparse(value)}")
                for name in names or []:
                    result.add(name, where)
    return result


def test_every_event_passed_to_the_auditor_can_be_read_from_the_source() -> None:
    assert scan().unreadable == []


def test_every_event_passed_to_the_auditor_is_registered() -> None:
    passed = scan().passed
    unregistered = {name: where for name, where in passed.items() if name not in registry.EVENTS}
    assert unregistered == {}


def test_every_registered_event_is_recorded_somewhere_or_reserved() -> None:
    passed = scan().passed
    unused = sorted(set(registry.EVENTS) - set(passed) - set(RESERVED))
    assert unused == [], "register only events the code records, or reserve them with a reason"
    assert sorted(set(RESERVED) - set(registry.EVENTS)) == []
    assert sorted(set(RESERVED) & set(passed)) == [], "a reserved event is now recorded"


def test_the_scan_finds_events_passed_each_way() -> None:
    passed = scan().passed
    assert "cairn/audit/middleware.py" in passed["access.refused"][0]  # event="..."
    assert any("disruption" in w for w in passed["tactic.created"])  # positional to a helper
    assert any("hub/selectors.py" in w for w in passed["hub.meeting_viewed"])  # a default
    assert "referral.withdrawn" in passed  # a module-level dict of events
    assert "referral.declined" in passed  # a local assigned literals


def test_each_app_registers_its_own_events_in_its_audit_events_module() -> None:
    """`register` is called only from an app's `audit_events.py`, which its AppConfig
    imports in ready()."""
    callers = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _call_name(node) == "register"
                and path.name != "audit_events.py"
                and isinstance(node.func, ast.Name)
                and any(
                    isinstance(i, ast.ImportFrom)
                    and i.module in {"cairn.audit.registry", "registry"}
                    and "register" in {a.name for a in i.names}
                    for i in tree.body
                )
            ):
                callers.append(str(path.relative_to(CAIRN.parent)))
    assert callers == []
    for config in apps.get_app_configs():
        if not config.name.startswith("cairn."):
            continue
        module = Path(config.path) / "audit_events.py"
        if module.exists():
            ready = Path(config.path, "apps.py").read_text()
            assert "audit_events" in ready, f"{config.name}: import audit_events in ready()"
