"""A real OpenID Provider for the single sign-on tests: panva/oidc-provider under Node
(provider.mjs), started per test module on a free port. Installs its npm packages (from
the committed package-lock.json) the first time. Without Node and npm the tests that need
it are skipped, as the browser tests are without Chromium (a newcomer's `make test` needs
only Python); CI sets CAIRN_REQUIRE_NODE=1, which turns the skip into a failure: single
sign-on must be tested against a real provider."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import requests

HERE = Path(__file__).resolve().parent
SECRET = "test-only-client-secret-0123456789abcdef"
SECRET_ENV = "CAIRN_TEST_OP_SECRET"

# Fictional staff of fictional agencies.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "op-sub-0001": {
        "email": "dana.fielding@northshire-police.example",
        "email_verified": True,
        "given_name": "Dana",
        "family_name": "Fielding",
        "preferred_username": "dana.fielding",
        "groups": ["grp-hub-analysts"],
    },
    "op-sub-0002": {
        "email": "sam.okafor@northshire-police.example",
        "given_name": "Sam",
        "family_name": "Okafor",
        "preferred_username": "sam.okafor",
        "groups": ["grp-practitioners"],
    },
}


@dataclass
class OpenIDProvider:
    issuer: str
    metadata: dict[str, Any]

    def provider_fields(self) -> dict[str, Any]:
        """The IdentityProvider fields for this provider, from its discovery document."""
        m = self.metadata
        return {
            "issuer": m["issuer"],
            "authorization_endpoint": m["authorization_endpoint"],
            "token_endpoint": m["token_endpoint"],
            "userinfo_endpoint": m["userinfo_endpoint"],
            "jwks_uri": m["jwks_uri"],
            "end_session_endpoint": m.get("end_session_endpoint", ""),
            "client_secret_env": SECRET_ENV,
            "scopes": "openid email profile groups",
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_node() -> str:
    """The path of `node`, or skip (fail under CAIRN_REQUIRE_NODE=1) without Node and npm."""
    import pytest

    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node
    message = "Node and npm not found: the single sign-on tests need them for a real provider"
    if os.environ.get("CAIRN_REQUIRE_NODE", "") == "1":
        pytest.fail(f"{message}; CAIRN_REQUIRE_NODE=1 is set, so this is a failure.")
    pytest.skip(message)
    return ""  # not reached: skip raises


def _install() -> None:
    """`npm ci` once; test workers running at the same time wait on a file lock."""
    installed = HERE / "node_modules" / "oidc-provider" / "package.json"
    if installed.exists():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed to install the test OpenID Provider (tests/oidc_op)"
    with open(HERE / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed.exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)  # noqa: S603


@contextmanager
def running_provider(
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] | None = None,
    id_token_ttl: int = 600,
) -> Iterator[OpenIDProvider]:
    node = require_node()
    _install()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "port": port,
        "issuer": issuer,
        "idTokenTtl": id_token_ttl,
        "accounts": ACCOUNTS,
        "clients": [
            {
                "client_id": client_id,
                "client_secret": SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris or [],
            }
            for client_id in ("cairn", "another-app")
        ],
    }
    proc = subprocess.Popen(  # noqa: S603
        [node, str(HERE / "provider.mjs")],
        env={**os.environ, "OP_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY"), f"The test OpenID Provider did not start: {line!r}"
        metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        yield OpenIDProvider(issuer=issuer, metadata=metadata)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in_at_provider(
    authorize_url: str,
    login: str,
    mfa: bool = False,
    browser: requests.Session | None = None,
    asked: list[bool] | None = None,
) -> str:
    """Drive the provider's sign-in page as a browser would; returns the URL it redirects
    the browser back to (Cairn's callback, with code and state, or an error). Pass the
    same `browser` to keep the provider's session between sign-ins; `asked` records
    whether the provider showed its sign-in page."""
    browser = browser or requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["location"])
            if "/interaction/" not in url and not url.startswith(authorize_url.split("/auth")[0]):
                return url
            continue
        assert response.status_code == 200, response.text[:500]
        if asked is not None:
            asked.append(True)
        # The provider's sign-in form: post the account and whether MFA was used.
        form = {"login": login}
        if mfa:
            form["mfa"] = "yes"
        response = browser.post(url, data=form, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), response.text[:500]
        url = urljoin(url, response.headers["location"])
        if not url.startswith(authorize_url.split("/auth")[0]):
            return url
    raise AssertionError("The provider never redirected back")


def callback_path(url: str) -> tuple[str, dict[str, str]]:
    parsed = urlparse(url)
    return parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()}
