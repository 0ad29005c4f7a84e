"""Shared fixtures: agencies of each kind and a user for every role, so every endpoint
test can prove both the allowed and the denied case."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.api_auth import services as token_services
from cairn.concerns.catalogue import install
from cairn.concerns.models import Indicator
from cairn.pole import services as pole_services
from cairn.pole.models import Person
from cairn.sharing.models import SharingAgreement

from . import db_template, pg_flush
from .api.conftest import ApiClient
from .factories import AgencyFactory, SharingAgreementFactory, UserFactory

HUB_AGREEMENT = "Testshire Exploitation Hub information-sharing agreement"

# The cyclic garbage collector's default first threshold (700 allocations) sets it off
# thousands of times a second in a suite that makes millions of short-lived objects (ORM
# rows, querysets, template nodes). Collecting in larger batches cut the access matrix's
# CPU by about 7% (two roles, run side by side with the defaults), for about 150 MB more
# memory per worker. Cycles are still collected; no test depends on when.
gc.set_threshold(100_000, 50, 100)

# CI machines are small and shared: judge properties, not speed (no per-example deadline).
hypothesis_settings.register_profile("cairn", deadline=None)
hypothesis_settings.load_profile("cairn")

# Which agency each role's fixture user belongs to.
ROLE_AGENCY = {
    Role.PRACTITIONER: "trust",
    Role.FIB_OFFICER: "police",
    Role.PPU_COORDINATOR: "police",
    Role.MASH_SCREENER: "trust",
    Role.SOCIAL_WORKER: "trust",
    Role.ANALYST: "police",
    Role.HUB_CHAIR: "police",
    Role.IG_ADMIN: "trust",
    Role.SYSTEM_ADMIN: "trust",
}


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile` hands out the longest files first (tests/scheduling.py)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from .scheduling import LongestFileFirst

    return LongestFileFirst(config, log)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, django_db_blocker: Any
) -> Iterator[None]:
    """Migrate once per run, not once per xdist worker (tests/db_template.py)."""
    pg_flush.install()
    with db_template.shared_per_run(db_template.run_id(), django_db_blocker.unblock):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """The cache outlives a test's rolled-back transaction (rate-limit counters, the Hub
    dashboard's counts), and ids are reused after a rollback: start each test empty."""
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Data migrations load reference data (the indicator catalogue); a transactional test
    (live server) flushes every table afterwards, so put it back for the tests after it."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    if "live_server" not in request.fixturenames and "transactional_db" not in uses_db:
        request.getfixturevalue("db")
    if not Indicator.objects.exists():
        install(Indicator)


def module_transaction() -> Any:
    """The atomic block a module-scoped fixture wraps its data in, marked as the test
    case's own (Django's `_from_testcase`, as pytest-django marks each test's block): code
    inside it then sees the database as in production, where the code's own outermost
    block is the transaction (durable blocks; audit rows chained when that block ends,
    ADR 0029)."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # type: ignore[attr-defined]
    return atomic


@contextmanager
def loaded_for_module(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture whose data costs seconds to build (the demo hub, a bulk
    load): what it writes inside this block is built once for the module, in a transaction
    rolled back after the module's last test. Each test still runs in its own savepoint
    inside it, so no test sees another's writes and no other module sees any of them."""
    with django_db_blocker.unblock(), module_transaction():
        try:
            # A live-server test earlier in this worker flushed the catalogue, and the
            # function-scoped `_reference_data` runs only after a module fixture.
            if not Indicator.objects.exists():
                install(Indicator)
            yield
        finally:
            transaction.set_rollback(True)


def build_agencies() -> dict[str, Agency]:
    """The three test agencies, party to one Hub information-sharing agreement with one
    lawful basis (as a real Hub is), so a disclosure between them needs no basis chosen.
    Tests of the basis itself (cairn/sharing) withdraw it or add others."""
    found = {
        "police": AgencyFactory(
            name="Testshire Police",
            short_name="TP",
            kind=AgencyKind.POLICE,
            is_first_responder=True,
        ),
        "trust": AgencyFactory(
            name="Testshire Children's Trust",
            short_name="TCT",
            kind=AgencyKind.CHILDRENS_TRUST,
            is_first_responder=True,
        ),
        "school": AgencyFactory(
            name="Testshire Academy", short_name="TA", kind=AgencyKind.EDUCATION
        ),
    }
    if not SharingAgreement.objects.filter(title=HUB_AGREEMENT).exists():
        SharingAgreementFactory(title=HUB_AGREEMENT, parties=list(found.values()))
    return found


def build_user(
    agencies: dict[str, Agency],
    role: str = Role.PRACTITIONER,
    agency: str | None = None,
    **kwargs: Any,
) -> User:
    agency_key = agency or ROLE_AGENCY[Role(role)]
    username = kwargs.pop("username", f"{role}_{agency_key}")
    return UserFactory(username=username, role=role, agency=agencies[agency_key], **kwargs)


def build_users(agencies: dict[str, Agency]) -> dict[str, User]:
    """One user per role, in the agency that role usually sits in."""
    return {role.value: build_user(agencies, role) for role in Role}


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    """`build_agencies()` for one test (module-scoped data can call it directly)."""
    return build_agencies()


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> Callable[..., User]:
    def make(role: str = Role.PRACTITIONER, agency: str | None = None, **kwargs: Any) -> User:
        return build_user(agencies, role, agency, **kwargs)

    return make


@pytest.fixture
def users(agencies: dict[str, Agency]) -> dict[str, User]:
    """One user per role, in the agency that role usually sits in."""
    return build_users(agencies)


@pytest.fixture
def make_person(users: dict[str, User]) -> Callable[..., Person]:
    def make(actor: User | None = None, **kwargs: Any) -> Person:
        kwargs.setdefault("given_name", "Amber")
        kwargs.setdefault("family_name", "Testcase")
        kwargs.setdefault("category", "child")
        return pole_services.person_create(actor=actor or users["social_worker"], **kwargs)

    return make


@pytest.fixture
def token_for() -> Callable[..., str]:
    def make(user: User, name: str = "Test script", **kwargs: Any) -> str:
        return token_services.token_create(actor=user, name=name, **kwargs).secret

    return make


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[[User], ApiClient]:
    """`api_as(user)`: a client authenticated with a fresh token for `user`. A user whose
    role may not hold a token (system admin) is signed in with a session instead."""

    def make(user: User) -> ApiClient:
        if not user.has_perm("api.use"):
            return ApiClient(session_user=user)
        return ApiClient(token_for(user))

    return make
