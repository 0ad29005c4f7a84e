"""A subject access bundle holds every category of personal data Cairn holds about the
requester (UK GDPR Art. 15(1), DPA 2018 s.45(1)(b)). The registry in cairn/rights/bundle.py
must decide, for each field of the person record and each model pointing at a person,
whether the bundle discloses it and under which builder, or why it is left out; and the
records a tester found missing are in the bundle as items the review flow handles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from cairn.accounts.models import User
from cairn.concerns.models import (
    Concern,
    ConcernStatus,
    Indicator,
    IndicatorObservation,
    RiskDecision,
)
from cairn.hub.models import Action
from cairn.pole import services as pole
from cairn.pole.models import Entity, EntityShare, Person
from cairn.rights import bundle, services
from cairn.rights.models import BundleItem, SubjectAccessRequest
from cairn.sharing.models import Disclosure, DisclosureKind, LawfulBasis


def test_every_person_field_is_disclosed_or_left_out_with_a_reason() -> None:
    for model, registry in ((Person, bundle.PERSON_FIELDS), (Entity, bundle.ENTITY_FIELDS)):
        for f in model._meta.concrete_fields:
            assert f.name in registry, (
                f"{model.__name__}.{f.name} is not covered: add it to the bundle "
                f"(cairn/rights/bundle.py) or say why it is left out"
            )
            label, why = registry[f.name]
            assert label or len(why) > 10, f"{model.__name__}.{f.name}: give the reason"
        stale = set(registry) - {f.name for f in model._meta.concrete_fields}
        assert not stale, f"{model.__name__} no longer has {stale}"


def _relations_to_people() -> set[str]:
    found = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (
                getattr(f, "concrete", False)
                and f.is_relation
                and f.related_model in (Person, Entity)
            ):
                found.add(f"{model._meta.label}.{f.name}")
    return found


def test_every_record_type_about_a_person_is_disclosed_or_left_out_with_a_reason() -> None:
    relations = _relations_to_people()
    missing = relations - set(bundle.RELATIONS) - set(bundle.LEFT_OUT)
    assert not missing, f"Not in the subject access bundle and no reason given: {missing}"
    assert not set(bundle.RELATIONS) & set(bundle.LEFT_OUT)
    builders = {b.__name__ for b in bundle.BUILDERS} | {"_person"}
    for key, builder in bundle.RELATIONS.items():
        assert key in relations, f"{key} no longer exists"
        assert builder.split()[0] in builders, f"{key}: no builder {builder}"


@pytest.fixture
def maya(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Maya",
        family_name="Fictionalson",
        date_of_birth=dt.date(2011, 6, 2),
        sen_disability="Education, health and care plan: autism",
        has_learning_disability=True,
        looked_after="care_order",
        interpreter_needed=True,
        first_language="Welsh",
        aliases=[("alias", "Mimi", "Fictionalson")],
    )


def _disclose_items(
    users: dict[str, User], person: Person, ig: User | None = None
) -> dict[str, list[BundleItem]]:
    ig = ig or users["ig_admin"]
    sar = services.sar_log(
        actor=ig,
        requester="Maya Fictionalson",
        requester_kind="subject",
        given_name="Maya",
        family_name="Fictionalson",
        date_of_birth=dt.date(2011, 6, 2),
        other_names="",
        received_on=timezone.localdate(),
    )
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[person.pk])
    out: dict[str, list[BundleItem]] = {}
    for item in SubjectAccessRequest.objects.get(pk=sar.pk).items.all():
        out.setdefault(item.record_type, []).append(item)
    return out


def test_bundle_holds_sen_care_status_aliases_risk_indicators_shares_and_actions(
    users: dict[str, User], agencies: dict[str, Any], maya: Person
) -> None:
    sw = users["social_worker"]
    concern = Concern.objects.create(
        child=maya,
        status=ConcernStatus.SUBMITTED,
        reporter=sw,
        reporter_agency=agencies["trust"],
        narrative="Seen with older youths at the station.",
        exploitation_types=["cce"],
    )
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    IndicatorObservation.objects.create(
        child=maya,
        indicator=indicator,
        concern=concern,
        observed_on=dt.date(2026, 5, 1),
        recorded_by=sw,
    )
    IndicatorObservation.objects.create(
        child=maya,
        indicator=indicator,
        observed_on=dt.date(2026, 5, 3),
        evidence="New trainers and a second phone",
        recorded_by=sw,
    )
    RiskDecision.objects.create(
        child=maya,
        suggested_level="moderate",
        level="significant",
        rationale="Escalating pattern",
        decided_by=sw,
    )
    disclosure = Disclosure.objects.create(
        kind=DisclosureKind.RECORD_SHARE,
        reference="P-1",
        from_agency=agencies["trust"],
        to_agency=agencies["school"],
        recipient=agencies["school"].name,
        lawful_basis=LawfulBasis.CA2004_S11,
        disclosed_by=sw,
    )
    EntityShare.objects.create(
        entity=maya.entity,
        agency=agencies["school"],
        shared_by=sw,
        reason="Designated safeguarding lead to support in school",
        disclosure=disclosure,
    )
    Action.objects.create(
        subject=maya.entity,
        description="Arrange a return-to-school meeting",
        owner=sw,
        owner_agency=agencies["trust"],
        due_on=dt.date(2026, 7, 1),
        created_by=sw,
    )
    items = _disclose_items(users, maya)
    person = items["person"][0].text
    assert "Education, health and care plan: autism" in person
    assert "Learning disability: Yes" in person
    assert "Care order" in person
    assert "Mimi Fictionalson (alias)" in person
    assert "Interpreter needed: Yes" in person
    assert "Recorded by: Testshire Children's Trust" in person
    assert "Child criminal exploitation (CCE)" in items["concern"][0].text
    assert indicator.label in items["concern"][0].text
    assert "New trainers" in items["indicator_observation"][0].text
    assert "Risk level: Significant" in items["risk_decision"][0].text
    share = items["share"][0]
    assert "Testshire Academy" in share.text and "Children Act 2004 s.11" in share.text
    assert share.recipients[0]["to"] == "Testshire Academy"
    assert share.agency == agencies["trust"]
    assert "return-to-school" in items["hub_action"][0].text


def test_links_carry_their_sources_and_a_police_only_source_stays_police_only(
    users: dict[str, User],
    agencies: dict[str, Any],
    maya: Person,
    make_user: Callable[..., User],
) -> None:
    sw, fib = users["social_worker"], users["fib_officer"]
    phone = pole.phone_create(actor=sw, number="07700 900123")
    pole.link_record(
        actor=sw,
        from_entity_id=maya.pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Number given by Maya at the review meeting",
    )
    pole.link_record(
        actor=fib,
        from_entity_id=maya.pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Cell-site analysis places the handset at the trap house",
        police_only=True,
    )
    # The Trust's bundle: the link with the Trust's source; nothing of the police's.
    items = _disclose_items(users, maya)
    assert "link_source" not in items
    assert "Cell-site" not in items["link"][0].text
    # The police's own request holds the police-only source as its own item.
    police_ig = make_user("ig_admin", "police", username="ig_police_links")
    items = _disclose_items(users, maya, police_ig)
    link = items["link"][0]
    assert not link.police_only
    assert "07700 900123" in link.text or "+447700900123" in link.text
    assert "Number given by Maya" in link.text and "Testshire Children's Trust" in link.text
    assert "Cell-site" not in link.text
    source = items["link_source"][0]
    assert source.police_only and source.agency == agencies["police"]
    assert "Cell-site analysis" in source.text
