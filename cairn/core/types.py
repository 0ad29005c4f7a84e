"""Types shared across apps. `Actor` is whoever a service, selector or access rule acts
for: a signed-in user (a page, or the API by session or token). It is the user model,
named by a type alias that imports nothing at run time, so any module (including one the
user model itself depends on) can annotate with it without an import cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from cairn.accounts.models import User

Actor: TypeAlias = "User"
