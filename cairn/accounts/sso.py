"""Single sign-on with each agency's OpenID Connect provider (ADR 0020).

mozilla-django-oidc runs the protocol (state, nonce and PKCE in the session, the code
exchange, the provider's signing keys); this module makes it per agency and strict:
- the provider is the one the user chose on the sign-in page (a Hub has several);
- an ID token must carry this client as its audience, the provider as its issuer, a live
  `exp`, and the nonce of this very sign-in, signed with an asymmetric algorithm the
  provider publishes (the library checks only the signature and the nonce);
- a user is found by (provider, `sub`), never by email, which a provider may reassign;
- the first sign-in makes an inactive account and a change request that a system admin
  approves through the usual two-admin pages (services.change_request_approve); the role
  comes from the provider's groups only where the agency's provider is set to allow it;
- the provider's MFA (`amr`/`acr`) stands for Cairn's second step only where configured.
Every refusal raises `SsoRefused` with words for the user; the view audits it."""

from __future__ import annotations

import os
import re
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.notifications import services as notifications

from . import services
from .backends import RoleMapPermissionsOnly, user_with_agency
from .models import AccountChangeRequest, ChangeRequestStatus, ExternalIdentity, IdentityProvider
from .roles import Role

SESSION_PROVIDER = "cairn_sso_provider"
# Set when the provider's MFA claim stands for Cairn's second step (TwoStepMiddleware).
SESSION_PROVIDER_MFA = "cairn_sso_mfa"
# The provider's end-session origin, allowed as a form-action (SsoSignOutCspMiddleware).
SESSION_LOGOUT_ORIGIN = "cairn_sso_logout_origin"
# When this sign-in was started: with prompt=login, the provider's auth_time must be later.
SESSION_STARTED_AT = "cairn_sso_started_at"
# The outcome of a refused sign-in, for the page the callback redirects to (a refresh of
# that page must not replay the callback).
SESSION_REFUSAL = "cairn_sso_refusal"
# Anonymous refusals audited per address and minute; beyond it they are counted, and the
# next audited refusal carries the count (junk callbacks must not flood the audit log).
REFUSALS_AUDITED_PER_MINUTE = 10
# Asymmetric only: an HS256 token would be checked with the client secret, which a
# provider's other clients may share.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
PENDING = "pending"
INACTIVE = "inactive"


class SsoRefused(Exception):
    """A sign-in refused: `reason` is for the audit log, the message for the user. Not a
    SuspiciousOperation, which the library would swallow without its reason."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def enabled_providers() -> list[IdentityProvider]:
    """The sign-in page's buttons. The page must still load with the database down (ADR
    0018: it then says Cairn cannot reach its database), so a failed read gives none."""
    try:
        return list(IdentityProvider.objects.filter(is_enabled=True).select_related("agency"))
    except DatabaseError:
        return []


def provider_for(slug: str | None) -> IdentityProvider | None:
    if not slug:
        return None
    found = IdentityProvider.objects.select_related("agency").filter(slug=slug, is_enabled=True)
    return found.first()


def _settings_for(provider: IdentityProvider) -> dict[str, Any]:
    """The mozilla-django-oidc settings for one provider; the rest are Cairn's, fixed."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": provider.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": provider.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": provider.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": provider.jwks_uri,
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso-callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_STORE_ID_TOKEN": bool(provider.end_session_endpoint),
        "OIDC_TIMEOUT": 10,
        "OIDC_CREATE_USER": True,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {"prompt": "login"} if provider.reauthenticate else {},
    }


def client_secret(provider: IdentityProvider) -> str:
    secret = os.environ.get(provider.client_secret_env, "")
    if not secret:
        raise ImproperlyConfigured(
            f"Set the environment variable {provider.client_secret_env} to the client secret "
            f"of identity provider {provider.slug!r}."
        )
    return str(secret)


def mapped_role(provider: IdentityProvider, claims: dict[str, Any]) -> str | None:
    """The Cairn role the provider's groups give, where the provider may set roles. Groups
    that map to two different roles give none: an admin decides."""
    if not provider.role_from_groups:
        return None
    groups = claims.get(provider.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    roles = {provider.group_roles.get(str(g)) for g in groups} - {None}
    roles &= set(Role.values)
    return roles.pop() if len(roles) == 1 else None


def provider_mfa(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    """Whether the provider says this sign-in used MFA, in the claims it is trusted for."""
    if not provider.mfa_satisfies_two_step:
        return False
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(map(str, amr)) & set(provider.mfa_amr_values or []):
        return True
    return bool(claims.get("acr")) and claims.get("acr") in (provider.mfa_acr_values or [])


def _unique_username(claims: dict[str, Any], provider: IdentityProvider) -> str:
    User = get_user_model()
    raw = str(claims.get("preferred_username") or claims.get("email") or "").split("@")[0]
    base = re.sub(r"[^a-zA-Z0-9.@+_-]", "", raw)[:100] or f"{provider.slug}-user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def account_request(*, provider: IdentityProvider, claims: dict[str, Any]) -> Actor:
    """The first sign-in of (provider, sub): an inactive account in the provider's agency and
    a change request to activate it, for a system admin to approve. Two first sign-ins at
    once make one account (the unique identity decides)."""
    User = get_user_model()
    user = User(
        username=_unique_username(claims, provider),
        email=str(claims.get("email") or "")[:254],
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        agency=provider.agency,
        role=mapped_role(provider, claims) or Role.PRACTITIONER,
        is_active=False,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            ExternalIdentity.objects.create(
                provider=provider,
                subject=claims["sub"],
                user=user,
                last_sign_in_at=timezone.now(),
                **claimed(provider, claims),
            )
    except IntegrityError:
        return (
            ExternalIdentity.objects.select_related("user")
            .get(provider=provider, subject=claims["sub"])
            .user
        )
    held = services.field_values(user, services.ACCESS_FIELDS)
    grants = {f"first sign-in through {provider.name}"} | services.sensitive_access(
        {**held, "is_active": True}
    )
    change = AccountChangeRequest.objects.create(
        user=user,
        requested_by=user,
        before=held,
        changes={"is_active": True},
        grants=sorted(grants),
    )
    audit.record(
        actor=user,
        event="accounts.sso_account_requested",
        obj=change,
        justification=f"First sign-in through {provider.name}: waits for a system admin"[:500],
        details={
            "provider": provider.slug,
            "username": user.get_username(),
            "request": change.pk,
            "role": user.role,
            "role_from_groups": user.role != Role.PRACTITIONER,
        },
    )
    # Someone is waiting at the door: tell the system admins (the inbox names nobody).

    notifications.notify(
        recipients=User.objects.filter(is_active=True, role=Role.SYSTEM_ADMIN),
        kind="account.pending",
        title=f"A new account from {provider.agency} is waiting for approval",
        url=reverse("accounts:change-request", args=[change.pk]),
        obj=change,
    )
    return user


def claimed(provider: IdentityProvider, claims: dict[str, Any]) -> dict[str, Any]:
    """What the provider says about the person, kept on the identity for the approver."""
    groups = claims.get(provider.groups_claim) or []
    if not isinstance(groups, list):
        groups = [groups]
    return {
        "email": str(claims.get("email") or "")[:254],
        "groups": [str(g)[:200] for g in groups][:50],
    }


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def account_state(user: Actor) -> str:
    """Why an account found at sign-in is not active: waiting for approval, or not active."""
    waiting = AccountChangeRequest.objects.filter(
        user=user, status=ChangeRequestStatus.PENDING, changes__is_active=True
    ).exists()
    return PENDING if waiting else INACTIVE


class OIDCBackend(RoleMapPermissionsOnly, OIDCAuthenticationBackend):
    """Authenticates the callback of the provider chosen in this session; ignores every
    other call (password sign-in passes no nonce). Permissions come from the role map
    alone, as for password sign-in (cairn/accounts/backends.py)."""

    def get_user(self, user_id: Any) -> Any:
        return user_with_agency(user_id)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None
        self._settings: dict[str, Any] = {}

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr in self._settings:
            return self._settings[attr]
        return import_from_settings(attr, *args)

    def use(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self._settings = _settings_for(provider)
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = client_secret(provider)
        self.OIDC_RP_SIGN_ALGO = "RS256"  # selects the JWKS path; _verify_jws decides the alg
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Actor | None:
        if request is None or "nonce" not in kwargs:
            return None
        provider = provider_for(request.session.get(SESSION_PROVIDER))
        if provider is None:
            raise SsoRefused("Start signing in again from the sign-in page.", "no provider chosen")
        self.use(provider)
        try:
            return super().authenticate(request, **kwargs)
        except SsoRefused:
            raise
        except requests.RequestException as exc:
            raise SsoRefused(
                f"{provider.name} could not be reached or refused the sign-in. Try again.",
                f"provider request failed: {type(exc).__name__}",
            ) from exc
        except SuspiciousOperation as exc:
            raise SsoRefused(
                "The sign-in could not be verified. Start again from the sign-in page.",
                str(exc)[:200],
            ) from exc

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        assert self.provider is not None
        alg = str(jwt.get_unverified_header(payload).get("alg"))  # checked in verify_token
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=getattr(settings, "CAIRN_SSO_CLOCK_LEEWAY", 60),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SsoRefused("The sign-in took too long. Start again.", "token expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise SsoRefused(
                "The sign-in token was issued for another application.", "wrong audience"
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise SsoRefused(
                "The sign-in token came from another provider.", "wrong issuer"
            ) from exc
        except jwt.InvalidSignatureError as exc:
            raise SsoRefused(
                "The sign-in token's signature did not verify.", "bad signature"
            ) from exc
        except jwt.PyJWTError as exc:
            raise SsoRefused(
                "The sign-in token was not valid.", f"invalid token: {type(exc).__name__}"
            ) from exc
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.provider.client_id:
            raise SsoRefused("The sign-in token was issued for another application.", "azp")
        return claims

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        # The algorithm first: an unsigned or HS256 token never reaches key lookup.
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as exc:
            raise SsoRefused("The sign-in token was unreadable.", "malformed token") from exc
        if alg not in ALLOWED_ALGORITHMS:
            raise SsoRefused("The sign-in token was not signed as expected.", f"algorithm {alg}")
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except SsoRefused:
            raise
        except SuspiciousOperation as exc:
            if "Nonce" in str(exc):
                raise SsoRefused(
                    "This sign-in was already used or was not started here. Start again.",
                    "nonce mismatch (replayed or foreign token)",
                ) from exc
            raise SsoRefused("The sign-in token could not be verified.", str(exc)[:200]) from exc
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        info = dict(super().get_userinfo(access_token, id_token, payload))
        if info.get("sub") != payload.get("sub"):
            raise SsoRefused("The provider's answers did not agree.", "userinfo sub differs")
        # The ID token's claims (amr, acr, iss) were verified; userinfo adds the profile.
        claims = {**info, **payload}
        self._require_fresh_sign_in(claims)
        self.request.cairn_sso_claims = claims  # for the view
        return claims

    def _require_fresh_sign_in(self, claims: dict[str, Any]) -> None:
        """With prompt=login the provider must have signed the person in during this
        sign-in; an older auth_time means a left-open provider session was reused."""
        assert self.provider is not None
        started = self.request.session.get(SESSION_STARTED_AT)
        auth_time = claims.get("auth_time")
        if not self.provider.reauthenticate or started is None or auth_time is None:
            return
        leeway = getattr(settings, "CAIRN_SSO_CLOCK_LEEWAY", 60)
        if not isinstance(auth_time, int | float) or auth_time < float(started) - leeway:
            raise SsoRefused(
                f"{self.provider.name} did not ask you to sign in again. Start again, and "
                "sign in at the provider when asked.",
                "auth_time before this sign-in (prompt=login not honoured)",
            )

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return isinstance(claims.get("sub"), str) and bool(claims["sub"])

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(
            external_identities__provider=self.provider,
            external_identities__subject=claims["sub"],
        )

    def create_user(self, claims: dict[str, Any]) -> Actor:
        assert self.provider is not None
        return account_request(provider=self.provider, claims=claims)

    def update_user(self, user: Actor, claims: dict[str, Any]) -> Actor:
        assert self.provider is not None
        ExternalIdentity.objects.filter(provider=self.provider, subject=claims["sub"]).update(
            last_sign_in_at=timezone.now(), **claimed(self.provider, claims)
        )
        role = mapped_role(self.provider, claims)
        waiting = AccountChangeRequest.objects.filter(
            user=user, status=ChangeRequestStatus.PENDING, changes__role=role
        ).exists()
        if user.is_active and role is not None and role != user.role and not waiting:
            # A lower role applies at once (a leaver's groups shrink); a role granting police
            # or intelligence data waits for a second admin like any other change.
            user.role = role
            services.user_save(actor=user, user=user, created=False)
            user.refresh_from_db()
        return user


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the chosen provider (state, nonce and PKCE in the session)."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self._settings: dict[str, Any] = {}

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr in self._settings:
            return self._settings[attr]
        return import_from_settings(attr, *args)

    def start(self, request: HttpRequest, provider: IdentityProvider) -> Any:
        self._settings = _settings_for(provider)
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        request.session[SESSION_PROVIDER] = provider.slug
        request.session[SESSION_STARTED_AT] = time.time()
        return super().get(request)


def end_session_url(request: HttpRequest, signed_out_url: str) -> str | None:
    """Where to send the browser to end the provider's session too, where it supports it."""
    provider = provider_for(request.session.get(SESSION_PROVIDER))
    id_token = request.session.get("oidc_id_token")
    if provider is None or not provider.end_session_endpoint or not id_token:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(signed_out_url),
            "client_id": provider.client_id,
        }
    )
    return f"{provider.end_session_endpoint}?{query}"


def _anonymous_refusals_to_report(request: HttpRequest) -> int | None:
    """None when this address has had its share of audited refusals this minute (the
    refusal is counted instead); otherwise how many went unaudited before it."""
    if not getattr(settings, "CAIRN_THROTTLE_ENABLED", True):
        return 0  # rate limits off (the test settings)
    window = int(time.time() // 60)
    key = f"cairn:sso-refusals:{client_address(request)}"
    seen = cache.get(f"{key}:{window}", 0)
    cache.set(f"{key}:{window}", seen + 1, 120)
    if seen >= REFUSALS_AUDITED_PER_MINUTE:
        try:
            cache.incr(f"{key}:unreported")
        except ValueError:
            cache.set(f"{key}:unreported", 1, None)
        return None
    unreported = int(cache.get(f"{key}:unreported", 0))
    if unreported:
        cache.delete(f"{key}:unreported")
    return unreported


def record_refusal(
    request: HttpRequest, reason: str, user: Actor | None = None, subject: str = ""
) -> None:
    provider = request.session.get(SESSION_PROVIDER, "")
    details: dict[str, Any] = {
        "provider": str(provider)[:40],
        "reason": reason[:200],
        "address": client_address(request),
    }
    if subject:
        details["subject"] = subject[:255]
    if user is not None:
        audit.record(
            actor=user,
            event="auth.sso_refused",
            obj=user,
            justification="Sign-in refused",
            details=details,
        )
    else:
        unreported = _anonymous_refusals_to_report(request)
        if unreported is None:
            return
        if unreported:
            details["unaudited_refusals_before"] = unreported
        audit.record_system(
            event="auth.sso_refused", justification="Sign-in refused", details=details
        )


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back. Success signs in (and notes the provider's MFA where
    it counts); every refusal is audited with its reason and shown in plain words."""

    refused: SsoRefused | None = None
    user: Actor | None = None

    def get(self, request: HttpRequest) -> Any:
        self.user = None
        state = request.GET.get("state")
        if "code" in request.GET and state not in request.session.get("oidc_states", {}):
            # A code whose state this session did not start, or already used: a replay.
            self.refused = SsoRefused(
                "This sign-in was already used or was not started here. Start again from "
                "the sign-in page.",
                "unknown or used state (replayed callback)",
            )
            return self.login_failure()
        provider = provider_for(request.session.get(SESSION_PROVIDER))
        issuers = request.GET.getlist("iss")
        if issuers and (provider is None or issuers != [provider.issuer]):
            # RFC 9207: a response naming another issuer (or two) is a mix-up attempt.
            self.refused = SsoRefused(
                "The sign-in came back from a different identity provider. Start again.",
                "callback iss is not the chosen provider's issuer",
            )
            return self.login_failure()
        if request.GET.get("error"):
            error = re.sub(r"[^a-z_]", "", str(request.GET["error"]))[:40]
            self.refused = SsoRefused(
                "The identity provider did not sign you in. Try again, or ask your agency's "
                "system administrator.",
                f"provider error: {error}",
            )
            # Unlike the library, never sign out a signed-in user here: a link to this
            # address with ?error= would otherwise sign anyone out.
            states = request.session.get("oidc_states", {})
            if state in states:
                del states[state]
                request.session.modified = True
            return self.login_failure()
        try:
            return super().get(request)
        except SsoRefused as exc:
            self.refused = exc
        except SuspiciousOperation:
            # The library's own refusal: a state this session did not start or already used.
            self.refused = SsoRefused(
                "This sign-in was already used or was not started here. Start again from "
                "the sign-in page.",
                "unknown or used state (replayed callback)",
            )
        return self.login_failure()

    def login_failure(self) -> Any:
        # Post/redirect/get: the outcome is shown at its own address, so a refresh shows
        # it again instead of replaying the (now used) callback.
        request = self.request
        user = getattr(self, "user", None)
        subject = str(getattr(request, "cairn_sso_claims", {}).get("sub", ""))
        if user is not None and not user.is_active:
            state = account_state(user)
            record_refusal(request, f"account {state}", user, subject=subject)
            outcome = {"state": state, "user_name": user.get_full_name() or user.get_username()}
        else:
            refused = self.refused or SsoRefused(
                "The sign-in did not complete. Start again from the sign-in page.",
                "callback without a code",
            )
            record_refusal(request, refused.reason, subject=subject)
            outcome = {"message": refused.message}
        request.session[SESSION_REFUSAL] = outcome
        return redirect("accounts:sso-refused")

    def login_success(self) -> Any:
        response = super().login_success()
        request = self.request
        request.session.pop(SESSION_REFUSAL, None)
        provider = provider_for(request.session.get(SESSION_PROVIDER))
        claims = getattr(request, "cairn_sso_claims", {})
        mfa = provider is not None and provider_mfa(provider, claims)
        if mfa:
            request.session[SESSION_PROVIDER_MFA] = True
        if provider is not None and provider.end_session_endpoint:
            parts = urlsplit(provider.end_session_endpoint)
            request.session[SESSION_LOGOUT_ORIGIN] = f"{parts.scheme}://{parts.netloc}"
        assert self.user is not None  # the parent signs a user in before calling this
        audit.record(
            actor=self.user,
            event="auth.sso_signed_in",
            obj=self.user,
            justification=f"Signed in through {provider.name if provider else 'a provider'}"[:500],
            details={
                "provider": provider.slug if provider else "",
                "provider_mfa": mfa,
                "subject": str(claims.get("sub", ""))[:255],
                "address": client_address(request),
            },
        )
        return response


@require_GET
def sso_refused(request: HttpRequest) -> HttpResponse:
    """Why the last sign-in through a provider did not sign the person in."""
    outcome = request.session.get(SESSION_REFUSAL)
    if not isinstance(outcome, dict):
        return redirect("accounts:login")
    return render(request, "accounts/sso_refused.html", outcome, status=403)
