"""Regenerate the README screenshots in docs/screenshots/ from a throwaway demo hub.

    make screenshots        # or: uv run python scripts/screenshots.py

What it does, start to finish:

1. makes a temporary directory with a fresh SQLite database in it (the demo settings,
   `cairn.settings.demo`, pointed there through DATABASE_URL: the developer's own
   var/cairn-demo.sqlite3 is never opened), migrates it and loads `demo_data`;
2. picks the records to show (a child at significant risk whom the social worker can see,
   a person of concern with a mid-sized network that the analyst can see);
3. serves it with `manage.py runserver --noreload` on a free local port;
4. signs in through the real sign-in form as each demo user and saves one PNG per view
   with Debian's Chromium (/usr/bin/chromium, driven by Playwright; no browser is ever
   downloaded);
5. stops the server and deletes the temporary directory, even if something failed.

A page that answers with an error, a static file that fails to load or a script error
stops the run before anything misleading is saved. Everything shown is the synthetic
Northmoor demo data.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1200, "height": 900}
DEMO_PASSWORD = "cairn-demo-2026"  # noqa: S105  (the published demo password)
SIGN_IN_PATH = "/accounts/sign-in/"
TIMEOUT_MS = 20_000
SERVER_START_SECONDS = 60

# Runs inside `manage.py shell` against the throwaway database: read-only queries that
# choose which records the screenshots show, printed as one JSON line.
PICKER = """
import json
from django.contrib.auth import get_user_model
from django.db.models import Count
from cairn.concerns.models import RiskLevel
from cairn.network import graph
from cairn.pole.access import visible_people
from cairn.pole.models import PersonCategory

User = get_user_model()
sw = User.objects.get(username="sw.demo")
analyst = User.objects.get(username="analyst.demo")

children = (
    visible_people(sw)
    .filter(category=PersonCategory.CHILD)
    .exclude(family_name="")
    .annotate(decisions=Count("risk_decisions"))
    .filter(decisions__gte=2)
    .order_by("-decisions", "pk")
)
child = next(
    (c for c in children if c.risk_decisions.first().level == RiskLevel.SIGNIFICANT),
    children.first(),
)

best = None
for person in visible_people(analyst).filter(category=PersonCategory.PERSON_OF_CONCERN):
    size = len(graph.neighbourhood(analyst, person.entity_id, hops=2).nodes)
    # A chart that is readable at 1200 pixels: the largest network of at most 15 records.
    score = (size <= 15, size if size <= 15 else -size)
    if best is None or score > best[0]:
        best = (score, person)

print(json.dumps({
    "child": child.pk,
    "child_family_name": child.family_name,
    "person_of_concern": best[1].pk,
}))
"""


class PageProblems:
    """Errors a page ran into: failed responses, uncaught script errors."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def on_response(self, response: Any) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status} for {response.url}")

    def on_page_error(self, error: Any) -> None:
        self.items.append(f"Script error: {error}")

    def check(self, what: str) -> None:
        if self.items:
            raise RuntimeError(f"{what}: the page had problems:\n" + "\n".join(self.items))


def log(message: str) -> None:
    print(f"screenshots: {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command against the throwaway database; return its stdout."""
    result = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def demo_env(database: Path, base_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cairn.settings.demo",
            "DATABASE_URL": f"sqlite:///{database}",
            "CAIRN_BASE_URL": base_url,
            # Two-step verification is off outside production; make sure of it here.
            "CAIRN_REQUIRE_2FA": "false",
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def running_server(env: dict[str, str], port: int, logfile: Path) -> Iterator[str]:
    """`manage.py runserver` in a subprocess; stopped on the way out, whatever happened."""
    url = f"http://127.0.0.1:{port}"
    with logfile.open("w") as out:
        server = subprocess.Popen(  # noqa: S603  (fixed arguments, no shell)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(server, url + SIGN_IN_PATH, logfile)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log(f"server on port {port} stopped")


def wait_until_serving(server: subprocess.Popen[bytes], url: str, logfile: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runserver exited early:\n{logfile.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (local http)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"runserver did not answer within {SERVER_START_SECONDS}s")


@contextmanager
def signed_in(browser: Any, base_url: str, username: str) -> Iterator[tuple[Any, PageProblems]]:
    """A fresh browser context signed in as `username` through the real sign-in form."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = PageProblems()
    page.on("response", problems.on_response)
    page.on("pageerror", problems.on_page_error)
    try:
        page.goto(SIGN_IN_PATH)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: SIGN_IN_PATH not in url and "/two-step/" not in url)
        page.locator(".cairn-header__user-name").wait_for()
        problems.check(f"signing in as {username}")
        yield page, problems
    finally:
        context.close()


def visit(page: Any, path: str) -> None:
    response = page.goto(path)
    if response is None or response.status >= 400:
        status = response.status if response is not None else "no response"
        raise RuntimeError(f"GET {path} answered {status}")
    page.wait_for_load_state("networkidle")


def save(page: Any, problems: PageProblems, name: str) -> None:
    problems.check(name)
    # No focus ring or caret in the pictures.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(OUT / name), animations="disabled", caret="hide")
    log(f"saved docs/screenshots/{name}")


def take_screenshots(browser: Any, base_url: str, picks: dict[str, Any]) -> None:
    child, poc = picks["child"], picks["person_of_concern"]

    with signed_in(browser, base_url, "sw.demo") as (page, problems):
        visit(page, "/people/")
        page.get_by_label("Name or alias").fill(picks["child_family_name"])
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name=picks["child_family_name"]).first.wait_for()
        save(page, problems, "search.png")

        visit(page, f"/people/{child}/")
        page.get_by_role("heading", name="Risk picture").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        save(page, problems, "profile.png")

    with signed_in(browser, base_url, "sw.demo") as (page, problems):
        # Start a concern about the same child and show the signs step (step 3 of 7).
        visit(page, f"/concerns/new/?child={child}")
        page.get_by_role("button", name="Start now").click()
        page.wait_for_url("**/concerns/*/details/")
        visit(page, page.url.replace("/details/", "/indicators/"))
        page.locator("input[type=checkbox]").nth(0).check()
        page.locator("input[type=checkbox]").nth(2).check()
        page.mouse.move(0, 0)  # no hover highlight on the last box ticked
        save(page, problems, "concern.png")

    with signed_in(browser, base_url, "analyst.demo") as (page, problems):
        visit(page, f"/network/people/{poc}/")
        page.locator("#network-chart[data-ready='true'] canvas").first.wait_for()
        # Let the layout settle, then frame as much of the page above the chart as fits
        # with the whole chart in view.
        page.wait_for_timeout(500)
        page.evaluate(
            """() => {
                const y = window.scrollY;
                const chart = document.getElementById("network-chart").getBoundingClientRect();
                const need = chart.bottom + y + 20 - window.innerHeight;
                // The first block from the h1 down that can sit at the top, chart in view.
                const tops = [...document.querySelectorAll("h1, h1 ~ *")]
                    .map((el) => el.getBoundingClientRect().top + y - 20)
                    .filter((top) => top >= need);
                window.scrollTo(0, tops.length ? Math.min(...tops) : need);
            }"""
        )
        save(page, problems, "network.png")

    with signed_in(browser, base_url, "fib.demo") as (page, problems):
        visit(page, "/intelligence/fib/")
        page.get_by_test_id("queue").wait_for()
        save(page, problems, "fib-queue.png")

    with signed_in(browser, base_url, "ig.demo") as (page, problems):
        visit(page, "/audit/")
        page.get_by_test_id("audit-table").wait_for()
        # The filters fill the first screen: show the top of the log itself.
        page.locator("#results-heading").evaluate("h => h.scrollIntoView()")
        page.evaluate("window.scrollBy(0, -180)")
        save(page, problems, "audit.png")


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    if not CHROMIUM.exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="cairn-screenshots-"))
    try:
        port = free_port()
        env = demo_env(workdir / "demo.sqlite3", f"http://127.0.0.1:{port}")
        log(f"throwaway database in {workdir}")
        manage(env, "migrate", "--noinput")
        log("migrated; loading the demo hub")
        manage(env, "demo_data")
        picks = json.loads(manage(env, "shell", "-c", PICKER).strip().splitlines()[-1])
        log(f"showing child {picks['child']} and person of concern {picks['person_of_concern']}")
        with running_server(env, port, workdir / "runserver.log") as base_url:
            log(f"serving on {base_url}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    take_screenshots(browser, base_url, picks)
                finally:
                    browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        log(f"removed {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
