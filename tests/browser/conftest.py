"""Browser journeys: Playwright (sync API) driving Debian's /usr/bin/chromium against
pytest-django's `live_server`, with axe accessibility checks.

- Every test under tests/browser/ gets the `browser` and `slow` markers (`-m "not browser"`
  skips them, as does `-m "not slow"`, which `make test-fast` uses).
- No browser is ever downloaded: if /usr/bin/chromium is missing the tests are skipped,
  unless CAIRN_REQUIRE_BROWSER=1 (CI), when they fail.
- `live_server` serves static files through django.contrib.staticfiles' StaticFilesHandler
  (the finders, so no collectstatic is needed): pages load the real vendored CSS and JS, so
  axe checks colour contrast on the styled page.
- Playwright's sync API keeps an asyncio loop running in the main thread, which makes
  Django refuse ORM calls ("async unsafe") and breaks `async_to_sync`. The browser is
  therefore package-scoped: one Chromium for all the browser tests that run together on a
  worker, stopped (with DJANGO_ALLOW_ASYNC_UNSAFE unset again) before any other test runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped; apt-get install chromium"
)
BROWSER_TESTS = Path(__file__).resolve().parent
SIGN_IN_PATH = "/accounts/sign-in/"
# axe impacts that fail a page (WCAG 2.2 AA problems a user would hit).
FAILING_IMPACTS = frozenset({"serious", "critical"})
TIMEOUT_MS = 15_000


def _browser_required() -> bool:
    return os.environ.get("CAIRN_REQUIRE_BROWSER", "") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=MISSING_CHROMIUM)
    for item in items:
        if BROWSER_TESTS not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.slow)
        if not CHROMIUM.exists() and not _browser_required():
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium for the browser tests that run together on this worker."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{MISSING_CHROMIUM}. CAIRN_REQUIRE_BROWSER=1 is set, so this is a failure.",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    # `expect` waits 5 s by default, not the context's timeout: on a loaded CI machine the
    # API documentation page's script took longer than that to draw its operations.
    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as env:
        # Test code calls the ORM while Playwright's loop runs in this thread (see above).
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()


class PageProblems:
    """What a page did wrong while a test drove it: static files that failed to load,
    Content Security Policy violations and uncaught script errors."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def on_response(self, response: Any) -> None:
        if response.status >= 400 and "/static/" in response.url:
            self.items.append(f"HTTP {response.status} for {response.url}")

    def on_console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.items.append(f"CSP violation: {text}")

    def on_page_error(self, error: Any) -> None:
        self.items.append(f"Script error: {error}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Any, live_server: Any, page_problems: PageProblems) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page per test, aimed at the live server.
    Fails the test if a static file 404s, the CSP blocks something or a script throws."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    new_page.on("response", page_problems.on_response)
    new_page.on("console", page_problems.on_console)
    new_page.on("pageerror", page_problems.on_page_error)
    try:
        yield new_page
    finally:
        context.close()
    assert not page_problems.items, "The page had problems:\n" + "\n".join(page_problems.items)


def sign_in(page: Any, user: Any, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real sign-in form (axes, CSRF, session and all)."""
    if not page.url.endswith(SIGN_IN_PATH):
        page.goto(SIGN_IN_PATH)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: SIGN_IN_PATH not in url)
    # The header names whoever is signed in.
    name = user.get_full_name() or user.username
    header = page.locator(".cairn-header__user-name")
    assert header.inner_text().strip() == name, f"Not signed in as {name}"


@pytest.fixture
def login_as() -> Callable[..., None]:
    return sign_in


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", [])[:5]:
            target = ", ".join(str(t) for t in node.get("target", []))
            summary = re.sub(r"\s+", " ", node.get("failureSummary", "")).strip()
            lines.append(f"    at {target}: {summary}")
            lines.append(f"    html: {node.get('html', '')[:200]}")
    return "\n".join(lines)


# The narrowest screen a page must fit without scrolling sideways (WCAG 2.2 reflow, 1.4.10).
NARROWEST_PX = 320
SIDEWAYS_SCRIPT = """() => {
  const root = document.documentElement;
  if (!root || !document.body) return [];
  if (root.scrollWidth <= root.clientWidth) return [];
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 1 && !el.closest('.cairn-table-scroll')) {
      const inner = [...el.children].some(
        c => c.getBoundingClientRect().right > root.clientWidth + 1);
      const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
      if (!inner) wide.push(name + ' ' + Math.round(box.right) + 'px');
    }
    if (wide.length >= 5) break;
  }
  return wide.length ? wide : ['page ' + root.scrollWidth + 'px'];
}"""


def check_fits_narrow_screens(page: Any) -> None:
    """The page reflows to 320 px: nothing makes the whole page scroll sideways (wide tables
    scroll in their own region). Restores the viewport afterwards."""
    size = page.viewport_size
    page.wait_for_load_state()
    page.set_viewport_size({"width": NARROWEST_PX, "height": 640})
    try:
        wide = page.evaluate(SIDEWAYS_SCRIPT)
    finally:
        if size:
            page.set_viewport_size(size)
    assert not wide, f"{page.url} scrolls sideways at {NARROWEST_PX} px: {wide}"


def check_accessible(page: Any) -> None:
    """Run axe on the current page; fail on any serious or critical violation. Every page
    a journey checks must also fit a 320 px screen."""
    from axe_playwright_python.sync_playwright import Axe

    check_fits_narrow_screens(page)

    results = Axe().run(page)
    violations = [
        v for v in results.response.get("violations", []) if v.get("impact") in FAILING_IMPACTS
    ]
    assert not violations, (
        f"axe found {len(violations)} serious or critical accessibility problem(s) on "
        f"{page.url} ({page.title()}):\n{format_violations(violations)}"
    )


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    return check_accessible
