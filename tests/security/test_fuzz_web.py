"""Fuzzing the web forms with every role: every page the URL resolver knows is opened
with real ids from a seeded Hub, every form on it is found and submitted with values
Hypothesis generates (lone surrogates sent as raw bytes, control characters, huge numbers,
odd dates, very long text, and the form's own options), and no answer may be a server
error. Bounded and derandomised so it runs in seconds in CI; the counts it reaches are in
docs/security-testing.md.

Run with CAIRN_FUZZ_EXAMPLES=20 (or more) for a deeper, slower search."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairn.accounts.roles import Role

from .seed import Hub

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CAIRN_FUZZ_EXAMPLES", "1"))
# Not crawled: the admin (Django's own), the JSON API (fuzzed with schemathesis), static
# files, and pages that end the session under test.
SKIP = re.compile(r"^/(admin|api/v1|static)/|sign-out|logout")
# Values for <str:...> path parameters, by name.
STR_PARAMS = {
    "kind": ["person", "vehicle", "phone", "online_account", "location"],
    "step": ["child", "details", "indicators", "mentions", "check"],
    "tactic_type": ["drugs_warrant", "closure_order", "enforcement_visit", "immigration_check"],
    "fmt": ["anx", "graphml", "csv"],
    "action": ["acknowledge", "accept", "decline", "withdraw"],
}
ID_ALIASES = {"child_id": "person_id", "item_id": "meeting_item_id"}
STATS: Counter[str] = Counter()

# What an attacker types: control characters, lone surrogates, huge and negative numbers,
# dates that do not exist or overflow, very long text.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "A\x0bB\x1f",
        "\ud800",
        "x\udfffy",
        str(2**70),
        "-1",
        "0",
        "1e309",
        "NaN",
        "0001-01-01",
        "9999-12-31T23:59:59",
        "31/02/2024",
        "²",
        "x" * 20_000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
    ]
)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> candidate values


class FormParser(HTMLParser):
    """The POST forms on a page, with each field's value and options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(action=a.get("action", ""), method=a.get("method", "get"))
            self.forms.append(self._current)
            return
        if self._current is None or not a.get("name"):
            if tag == "option" and self._current is not None and self._select:
                self._current.fields[self._select].append(a.get("value", ""))
            return
        name = a["name"]
        values = self._current.fields.setdefault(name, [])
        if tag == "input":
            values.append(a.get("value", "on" if a.get("type") in ("checkbox", "radio") else ""))
        elif tag == "textarea":
            values.append("")
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _routes(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    """Every route the resolver knows, as a string with its <converter:name> parts."""
    out: list[str] = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            out.append(route)
    return out


def _urls(route: str, hub: Hub) -> list[str]:
    """`route` filled in with real ids (and each value of a <str:...> parameter)."""
    urls = ["/" + route.lstrip("^").rstrip("$")]
    for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        filled = []
        for url in urls:
            if conv == "str":
                choices = STR_PARAMS.get(name, ["x"])
            else:
                choices = [str(i) for i in hub.ids.get(ID_ALIASES.get(name, name), [1])[:2]]
            token = f"<{conv}:{name}>" if conv else f"<{name}>"
            filled += [url.replace(token, c, 1) for c in choices]
        urls = filled
    return [u for u in urls if "(" not in u and "\\" not in u]


HUGE = str(2**70)
# Query parameters pages read ids and numbers from.
QUERY_IDS = ("child", "person", "entity", "concern", "location", "kind", "page", "subject")


def _hostile_urls(route: str) -> list[str]:
    """`route` with every id 2**70, and a page asked for huge ids in its query string."""
    url = "/" + route.lstrip("^").rstrip("$")
    url = re.sub(r"<(?!str:)(?:\w+:)?\w+>", HUGE, url)
    url = re.sub(r"<str:(\w+)>", lambda m: STR_PARAMS.get(m.group(1), ["x"])[0], url)
    if "(" in url or "\\" in url:
        return []
    return [url, url + "?" + "&".join(f"{name}={HUGE}" for name in QUERY_IDS)]


def _encode(data: dict[str, list[str]]) -> bytes:
    """A form body with surrogates sent as the raw bytes a hostile client would send."""
    pairs = []
    for name, values in data.items():
        for value in values:
            raw = value.encode("utf-8", "surrogatepass")
            pairs.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}")
    return "&".join(pairs).encode("ascii")


def _values_for(options: list[str]) -> st.SearchStrategy[list[str]]:
    own = [o for o in options if o] or [""]
    one = st.one_of(st.sampled_from(own), NASTY, st.text(max_size=30))
    return st.lists(one, min_size=1, max_size=2)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_page_or_form_gives_any_role_a_server_error(role: str, seeded: Hub) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(seeded.users[role])
    started = time.monotonic()
    failures: list[str] = []
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}

    for route in _routes():
        for url in _hostile_urls(route):
            if SKIP.search(url):
                continue
            response = client.get(url)
            STATS["hostile pages"] += 1
            STATS[f"{response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                failures.append(f"GET {url} -> {response.status_code}")
        for url in _urls(route, seeded):
            if SKIP.search(url):
                continue
            response = client.get(url)
            STATS["pages"] += 1
            STATS[f"{response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                failures.append(f"GET {url} -> {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                if form.method.lower() != "post":
                    continue
                action = urlsplit(urljoin(url, form.action or url))
                target = action.path + (f"?{action.query}" if action.query else "")
                if SKIP.search(target):
                    continue
                forms.setdefault((target, tuple(sorted(form.fields))), form)

    for (target, _), form in sorted(forms.items()):
        _fuzz_form(client, target, form, failures)
    STATS["forms"] += len(forms)
    print(f"\n{role}: {dict(STATS)} in {time.monotonic() - started:.1f}s")
    assert not failures, "\n".join(sorted(set(failures))[:30])


def _fuzz_form(client: Client, target: str, form: Form, failures: list[str]) -> None:
    names = [n for n in form.fields if n != "csrfmiddlewaretoken"]
    strategy = st.fixed_dictionaries({n: _values_for(form.fields[n]) for n in names})

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def submit(data: dict[str, list[str]]) -> None:
        response = client.post(
            target, _encode(data), content_type="application/x-www-form-urlencoded"
        )
        STATS["form posts"] += 1
        STATS[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            failures.append(f"POST {target} {sorted(data)} -> {response.status_code}")

    submit()
