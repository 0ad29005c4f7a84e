"""factory_boy factories shared by every test module. Names are clearly fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from cairn.accounts.models import Agency, Team, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.sharing.models import LawfulBasis, SharingAgreement

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testshire Agency {n}")
    short_name = factory.Sequence(lambda n: f"TA{n}")
    kind = AgencyKind.CHILDRENS_TRUST


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PRACTITIONER

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class SharingAgreementFactory(factory.django.DjangoModelFactory):
    """An active agreement in force since last year; pass `parties=[...]`."""

    class Meta:
        model = SharingAgreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Testshire sharing agreement {n}")
    purposes = "Safeguarding children at risk of exploitation."
    bases = factory.LazyFunction(lambda: [LawfulBasis.CA2004_S11.value])
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    review_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))

    @factory.post_generation
    def parties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.parties.set(extracted)
