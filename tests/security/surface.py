"""The surface the access matrix proves: every web URL pattern (from Django's resolver) and
every API operation (from the OpenAPI document), with the path parameters each needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from cairn.api import api

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Endpoint:
    key: str  # "GET pole:person-detail" (web) or "GET /api/v1/people/{person_id}" (API)
    method: str
    path: str  # a template: "/people/{person_id}/"
    params: tuple[str, ...]  # path parameters, in order
    api: bool


def _walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            name = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), name)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else str(p.name), p.callback


def _template(route: str) -> tuple[str, tuple[str, ...]]:
    params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), params


def methods(callback: Any) -> tuple[str, ...]:
    """The methods a view declares (Django's require_http_methods family, or a class-based
    view's http_method_names); a view that declares none is a page, proved with GET."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        declared = [m.upper() for m in view_class.http_method_names if m not in ("options", "head")]
        return tuple(m for m in ("GET", "POST") if m in declared)
    fn, seen = callback, set()
    while fn is not None and id(fn) not in seen:
        seen.add(id(fn))
        code, cells = getattr(fn, "__code__", None), getattr(fn, "__closure__", None) or ()
        if code is not None and "request_method_list" in code.co_freevars:
            listed = cells[code.co_freevars.index("request_method_list")].cell_contents
            return tuple(m for m in ("GET", "POST") if m in listed)
        fn = getattr(fn, "__wrapped__", None)
    return ("GET",)


def web_endpoints() -> list[Endpoint]:
    """Every URL pattern outside Django's admin (its own permission system, proved by
    Django) and outside the API's operations (listed from the OpenAPI document), once per
    method it accepts."""
    out = []
    for route, name, callback in _walk(get_resolver().url_patterns, "", ""):
        if route.startswith("admin/"):
            continue
        if name.startswith("api:") and callback.__module__.startswith("ninja.operation"):
            continue
        path, params = _template(route)
        for method in methods(callback):
            out.append(Endpoint(f"{method} {name}", method, path, params, api=False))
    return out


def api_endpoints() -> list[Endpoint]:
    return list(_api_endpoints())


@cache
def _api_endpoints() -> tuple[Endpoint, ...]:
    """Built once per process: the OpenAPI document takes about half a second of CPU to
    generate and does not change while the tests run (the matrix asks for it per role)."""
    out = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, op in operations.items():
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            out.append(Endpoint(f"{method.upper()} {path}", method.upper(), path, params, True))
    return tuple(out)
