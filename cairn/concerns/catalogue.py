"""The indicator catalogue, version 1: the eight signs in the seed deck and the wider
SERAF-style and Home Office county-lines lists (DOMAIN.md s.3). Data migrations load it by
code, so a later version adds, retires or re-weights entries without losing history.
Weights are prompts for a suggestion, not a validated score (DOMAIN.md: risk tools are
only moderately predictive); the practitioner decides the level."""

from __future__ import annotations

from typing import Any

VERSION = 1

CSE, CCE, CL, ONLINE, MDS, OTHER = "cse", "cce", "county_lines", "online", "modern_slavery", "other"
ALL = [CSE, CCE, CL, ONLINE, MDS]

V, M, S, C, OL = "vulnerability", "moderate", "significant", "county_lines_cce", "online"


def _i(
    code: str,
    label: str,
    category: str,
    weight: int,
    types: list[str],
    guidance: str,
    seed: bool = False,
) -> dict[str, Any]:
    return {
        "code": code,
        "label": label,
        "category": category,
        "weight": weight,
        "exploitation_types": types,
        "guidance": guidance,
        "from_seed_deck": seed,
    }


INDICATORS: list[dict[str, Any]] = [
    # The eight signs of CSE in the seed deck.
    _i(
        "change_peer_group",
        "Change in peer group",
        M,
        2,
        [CSE, CCE],
        "New, often older friends; dropping old friends. Note who, and since when.",
        True,
    ),
    _i(
        "getting_into_cars",
        "Getting into cars with unknown adults ('cruising')",
        S,
        4,
        [CSE, CCE],
        "Record registrations, make, model, colour, times and places.",
        True,
    ),
    _i(
        "unknown_adults",
        "Associating with unknown adults from outside the family's contacts",
        S,
        4,
        [CSE, CCE],
        "Full names and nicknames if known; where and when seen together.",
        True,
    ),
    _i(
        "peers_involved",
        "Associating with other children thought to be involved in exploitation",
        M,
        3,
        [CSE, CCE, CL],
        "Name the other children if known; they may need a concern too.",
        True,
    ),
    _i(
        "exploitation_locations",
        "Seen in places known to be used for exploitation",
        S,
        4,
        [CSE, CCE, CL],
        "Name the place (address, hotel, takeaway, park) and the date.",
        True,
    ),
    _i(
        "unexplained_items",
        "Unexplained items, money or wealth",
        S,
        4,
        [CSE, CCE, CL],
        "New phones, clothes, jewellery, cash or credit the child cannot explain.",
        True,
    ),
    _i(
        "transport_without_means",
        "Using transport without the means to pay",
        M,
        3,
        [CSE, CCE, CL],
        "Taxis, trains or lifts the child could not afford.",
        True,
    ),
    _i(
        "frequent_missing",
        "Frequent episodes of running away or going missing",
        S,
        4,
        ALL,
        "Each missing episode should have a return home interview within 72 hours.",
        True,
    ),
    # Vulnerabilities: background that makes a child more open to exploitation.
    _i(
        "prior_abuse",
        "Neglect or previous abuse",
        V,
        1,
        ALL,
        "Known history only; cite the source.",
    ),
    _i("family_breakdown", "Family breakdown", V, 1, ALL, ""),
    _i("family_domestic_abuse", "Domestic abuse in the family", V, 1, ALL, ""),
    _i("family_substance_misuse", "Substance misuse in the family", V, 1, ALL, ""),
    _i("family_mental_health", "Mental ill-health in the family", V, 1, ALL, ""),
    _i("low_self_esteem", "Low self-esteem", V, 1, ALL, ""),
    _i("unsuitable_accommodation", "Unsuitable or unstable accommodation", V, 1, ALL, ""),
    _i("isolation", "Isolated from family and friends", V, 1, ALL, ""),
    _i("no_trusted_adult", "No trusted adult", V, 1, ALL, ""),
    _i(
        "looked_after",
        "Looked after by the local authority",
        V,
        1,
        ALL,
        "Children in care are over-represented among exploited children.",
    ),
    _i(
        "learning_disability",
        "Learning disability",
        V,
        1,
        ALL,
        "Local rules may forbid a level of 'none' when any indicator is present.",
    ),
    # Moderate indicators.
    _i("staying_out_late", "Staying out late", M, 2, ALL, "Times and places if known."),
    _i("unknown_callers", "Unknown callers, visitors or contacts", M, 2, [CSE, CCE, CL], ""),
    _i("concerning_phone_use", "Concerning phone or online use", M, 2, [CSE, ONLINE], ""),
    _i(
        "self_harm", "Self-harm", M, 2, ALL, "Make sure the child is safe and health services know."
    ),
    _i("school_absence", "Exclusion or absence from school", M, 2, ALL, ""),
    _i(
        "disclosure_withdrawn",
        "Disclosure followed by withdrawal",
        M,
        2,
        ALL,
        "A withdrawn disclosure is still information: record what was said.",
    ),
    _i(
        "sexual_health", "Sexual health concerns (for example an STI or pregnancy)", M, 2, [CSE], ""
    ),
    _i("substance_misuse", "Drug or alcohol misuse", M, 2, [CSE, CCE, CL], ""),
    # Significant indicators.
    _i("missing_overnight", "Missing overnight", S, 4, ALL, "Also record a missing episode."),
    _i(
        "older_boyfriend",
        "Older 'boyfriend' or controlling adult",
        S,
        4,
        [CSE],
        "Record the boyfriend-model stage if you can tell it.",
    ),
    _i(
        "unexplained_injuries",
        "Unexplained injuries",
        S,
        4,
        ALL,
        "If the child discloses how, that may be a crime: report it, do not put it on a FIB form.",
    ),
    # County lines and criminal exploitation.
    _i("found_out_of_area", "Found out of area", C, 4, [CCE, CL, MDS], "Where, when, with whom."),
    _i("unusual_travel", "Unusual train tickets or travel", C, 3, [CCE, CL], ""),
    _i("multiple_phones", "Multiple phones or SIM cards", C, 3, [CCE, CL], "Record the numbers."),
    _i("drugs_or_slang", "Drug slang, drugs or paraphernalia", C, 3, [CCE, CL], ""),
    _i("carrying_weapons", "Carrying weapons", C, 4, [CCE, CL], "Immediate danger? Call 999."),
    _i("decline_at_school", "Sudden decline at school", C, 2, [CCE, CL, CSE], ""),
    # Online.
    _i(
        "online_unknown_adults",
        "Contact online with unknown adults",
        OL,
        3,
        [ONLINE, CSE],
        "Record platforms and handles.",
    ),
    _i("secretive_online", "Secretive about online activity or new accounts", OL, 2, [ONLINE], ""),
    _i(
        "asked_for_images",
        "Asked to share images of themselves",
        OL,
        3,
        [ONLINE, CSE],
        "Do not view or copy images; tell police.",
    ),
    _i("online_gifts", "Gifts or credit received through games or apps", OL, 3, [ONLINE, CSE], ""),
]


def install(indicator_model: Any, version: int = VERSION) -> None:
    """Create or update every entry by code (used by the data migration, and by tests after
    a transactional test has flushed the tables)."""
    for order, item in enumerate(INDICATORS):
        indicator_model.objects.update_or_create(
            code=item["code"],
            defaults={
                **{k: v for k, v in item.items() if k != "code"},
                "catalogue_version": version,
                "sort_order": order,
                "active": True,
            },
        )
