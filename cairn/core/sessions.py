"""SESSION_ENGINE: Django's database sessions, except that renewing an unchanged session
(SESSION_SAVE_EVERY_REQUEST, the idle timeout) is skipped, with a warning, when the
database is read-only or not answering. The page the user asked for has been made by then;
failing it only because the expiry could not be pushed back turned every signed-in page
into "Bad Request (400)" during read-only maintenance. A session whose contents changed
(signing in or out, two-step verification) still fails, and the error handlers show the
read-only or "cannot reach its database" page (cairn.core.errors).

A renewal that would move the expiry by less than RENEW_AFTER, of a session whose contents
are exactly as loaded, is skipped altogether: every signed-in page otherwise paid a
transaction and an UPDATE of its session row for nothing. Contents are compared, not only
`modified`, because code changes nested values in place and relies on the save (the OpenID
Connect library keeps its sign-in states that way).
The idle timeout is then between SESSION_COOKIE_AGE - RENEW_AFTER and SESSION_COOKIE_AGE,
never longer."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError

from .outage import classify

logger = logging.getLogger(__name__)

# How stale a stored expiry may be before an unchanged session is written again.
RENEW_AFTER = dt.timedelta(seconds=60)


class SessionStore(DatabaseSessionStore):
    _load_failed = False
    _stored_expiry: dt.datetime | None = None
    _as_loaded: dict[str, Any] | None = None

    def _get_session_from_db(self) -> Any:
        # Django's own hook (django-stubs does not declare it); it is the one read of the row.
        found = super()._get_session_from_db()  # type: ignore[misc]
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def load(self) -> dict[str, Any]:
        """A load the database could not answer is not tried again in this request (the
        session middleware reads the session once more on the way out, which would wait
        out a second connect timeout), and a session that could not be read is never
        saved over."""
        try:
            data = super().load()
        except DatabaseError as exc:
            if classify(exc) is not None:
                self._load_failed = True
                self._session_cache: dict[str, Any] = {}
            raise
        self._as_loaded = copy.deepcopy(data)
        return data

    def save(self, must_create: bool = False) -> None:
        if self._load_failed:
            return
        if must_create or self.modified:
            super().save(must_create=must_create)
            return
        stored = self._stored_expiry
        if (
            stored is not None
            and self._as_loaded is not None
            and getattr(self, "_session_cache", None) == self._as_loaded
            and self.get_expiry_date() - stored < RENEW_AFTER
        ):
            return
        try:
            super().save(must_create=False)
        except UpdateError as exc:
            kind = classify(exc)
            if kind is None:
                raise
            # The session keeps its previous expiry; nothing else was to be saved.
            logger.warning("Session expiry not renewed: the database is %s.", kind.value)
