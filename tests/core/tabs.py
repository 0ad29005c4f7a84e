"""A page's form as a browser would send it, for tests that open a draft's step in two
tabs (two clients) and save from each: every field as drawn (text boxes, text areas,
ticked boxes, chosen options), so a field the test does not change posts back exactly
what the page showed."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse
from django.test import Client


class _FormParser(HTMLParser):
    """The fields of the first POST form carrying `fields_seen` (the step's form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self._form.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            # Browsers drop the newline after <textarea> and send CRLF line ends.
            text = "".join(self._text).removeprefix("\n").replace("\n", "\r\n")
            self._form.append((self._textarea, html.unescape(text)))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_on(page: str) -> dict[str, Any]:
    """The step form's fields on `page` (a field with several values as a list)."""
    parser = _FormParser()
    parser.feed(page)
    for form in parser.forms:
        if any(name == "fields_seen" for name, _ in form):
            out: dict[str, Any] = {}
            for name, value in form:
                if name in out:
                    out[name] = (
                        [*out[name], value]
                        if isinstance(out[name], list)
                        else [
                            out[name],
                            value,
                        ]
                    )
                else:
                    out[name] = value
            return out
    raise AssertionError("no step form carrying fields_seen on the page")


class Tab:
    """One browser tab: a page drawn once, then sent with some fields changed."""

    def __init__(self, user: Any, url: str) -> None:
        self.client = Client()
        self.client.force_login(user)
        self.url = url
        self.form = form_on(self.client.get(url).content.decode())

    def send(self, **changes: Any) -> HttpResponse:
        response = self.client.post(self.url, {**self.form, **changes})
        assert isinstance(response, HttpResponse)
        return response

    def redraw(self, response: HttpResponse) -> None:
        """The page shown in answer (the form again) is now what this tab has open."""
        self.form = form_on(response.content.decode())
