"""Reading the store into rows for batch linkage (a system job: every person record)."""

from __future__ import annotations

from collections.abc import Iterator

from cairn.pole.models import Link, NameKind, PersonName

from .online import HOME_LINKS
from .splink_batch import PersonRow


def person_rows(chunk: int = 20_000) -> Iterator[PersonRow]:
    homes: dict[int, str] = {}
    for person_id, postcode in (
        Link.objects.filter(link_type__in=HOME_LINKS, ended_on__isnull=True)
        .exclude(to_entity__location__postcode="")
        .order_by("from_entity_id", "-started_on", "-pk")
        .values_list("from_entity_id", "to_entity__location__postcode")
        .iterator(chunk_size=chunk)
    ):
        homes.setdefault(person_id, postcode)
    names = (
        PersonName.objects.filter(kind=NameKind.PRIMARY)
        .order_by("person_id")
        .values_list(
            "person_id",
            "given_name",
            "family_name",
            "person__date_of_birth",
            "person__estimated_age",
            "person__estimated_age_on",
            "person__sex",
        )
    )
    for pid, given, family, dob, est_age, est_on, sex in names.iterator(chunk_size=chunk):
        year = est_on.year - est_age if dob is None and est_age is not None and est_on else None
        yield PersonRow(pid, given, family, dob, year, homes.get(pid, ""), sex)
