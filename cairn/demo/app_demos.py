"""Each capability app may ship demo records in `cairn/<app>/demo.py` as
`load_demo(*, seed)`. They run after the hub's people exist, in an order that lets later
apps build on earlier ones (the Hub's agenda reads concerns, referrals and missing episodes)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.apps import apps

ORDER = [
    "cairn.concerns",
    "cairn.intelligence",
    "cairn.referrals",
    "cairn.disruption",
    "cairn.missing",
    "cairn.hub",
    "cairn.network",
]


def app_demo_loaders() -> list[tuple[str, Callable[..., None]]]:
    names = [c.name for c in apps.get_app_configs() if c.name.startswith("cairn.")]
    ordered = [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER)
    loaders = []
    for name in ordered:
        if name == "cairn.demo":
            continue
        try:
            module = import_module(f"{name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.demo":
                raise
            continue
        loader = getattr(module, "load_demo", None)
        if callable(loader):
            loaders.append((name, loader))
    return loaders


def load_app_demos(*, seed: int, report: Callable[[str], None] = lambda _msg: None) -> None:
    for name, loader in app_demo_loaders():
        loader(seed=seed)
        report(f"  demo records loaded for {name.split('.')[-1]}")
