"""The back link sits in a "Back" navigation landmark before <main> (axe "region"), and a
page without one gets no empty landmark (outside tester)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client


def render(body: str, **context: object) -> str:
    return Template(body).render(Context(context))


def test_a_back_link_is_wrapped_in_a_back_navigation_landmark() -> None:
    html = render(
        '{% back_link_landmark %}<a href="/x/" class="govuk-back-link">Back</a>'
        "{% endback_link_landmark %}"
    )
    assert html == (
        '<nav class="cairn-back-nav" aria-label="Back">'
        '<a href="/x/" class="govuk-back-link">Back</a></nav>'
    )


def test_no_back_link_no_landmark() -> None:
    body = (
        '{% back_link_landmark %} {% if show %}<a href="/x/" class="govuk-back-link">Back</a>'
        "{% endif %} {% endback_link_landmark %}"
    )
    assert render(body, show=False) == ""
    assert "<nav" in render(body, show=True)


@pytest.mark.django_db
def test_a_page_without_a_back_link_has_no_back_landmark(client: Client) -> None:
    page = client.get("/accounts/sign-in/").content.decode()
    assert 'class="govuk-back-link"' not in page
    assert 'aria-label="Back"' not in page
