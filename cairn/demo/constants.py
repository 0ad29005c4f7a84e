"""The demo hub's fixed cast: the invented county, its agencies and teams, one sign-in per
role and the shared demo password. One module, so the loader, `demo_logins`, the tests
and the benchmarks agree."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from cairn.accounts.roles import AgencyKind, Role

# Every demo account shares this password. It is printed by `manage.py demo_logins` and
# must never exist on a real system: `demo_data` refuses to run under production settings.
DEMO_PASSWORD = "cairn-demo-2026"  # noqa: S105


def demo_url() -> str:
    """Where the demo is served: `make demo` sets CAIRN_BASE_URL from HOST and PORT."""

    return settings.CAIRN_BASE_URL.rstrip("/") + "/"


COUNTY = "Northmoor"
# Towns of the invented county. Postcode districts use the area "NX", which the Royal Mail
# does not use, so no demo address can be a real one.
TOWNS: tuple[tuple[str, str], ...] = (
    ("Kettlebridge", "NX1"),
    ("Ravensholt", "NX2"),
    ("Cresswick", "NX3"),
    ("Elmerby", "NX4"),
    ("Dunholt", "NX5"),
    ("Saltmarsh Row", "NX6"),
)


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    short_name: str
    kind: str
    is_first_responder: bool
    teams: tuple[str, ...]


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "police",
        "Northmoor Police",
        "NMP",
        AgencyKind.POLICE,
        True,
        (
            "Force Intelligence Bureau",
            "Public Protection Unit",
            "Hub Analysis",
            "Hub Chair",
            "Information Management",
        ),
    ),
    AgencySpec(
        "trust",
        "Northmoor Children's Trust",
        "NCT",
        AgencyKind.CHILDRENS_TRUST,
        True,
        ("Exploitation and Missing Team", "MASH", "Information Governance", "Digital Services"),
    ),
    AgencySpec(
        "early_help",
        "Northmoor Early Help Service",
        "NEH",
        AgencyKind.EARLY_HELP,
        False,
        ("Kettlebridge Family Hub",),
    ),
    AgencySpec(
        "health",
        "Northmoor Community Health NHS Trust",
        "NCH",
        AgencyKind.HEALTH,
        False,
        ("Safeguarding Children Team",),
    ),
    AgencySpec(
        "school",
        "Heatherfield Academy Trust",
        "HAT",
        AgencyKind.EDUCATION,
        False,
        ("Designated Safeguarding Leads",),
    ),
    AgencySpec(
        "youth_justice",
        "Northmoor Youth Justice Service",
        "NYJS",
        AgencyKind.YOUTH_JUSTICE,
        False,
        ("Case Management Team",),
    ),
    AgencySpec(
        "charity",
        "Wayfinder Young People's Project",
        "WYPP",
        AgencyKind.VOLUNTARY,
        False,
        ("Outreach Team",),
    ),
)
AGENCY_BY_KEY = {spec.key: spec for spec in AGENCIES}


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    role: str
    agency: str
    team: str
    first_name: str
    last_name: str
    job_title: str
    is_staff: bool = False


# One sign-in per role, then one practitioner in each partner agency so the demo shows
# what a partner can and cannot see.
DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec(
        "sw.demo",
        Role.SOCIAL_WORKER,
        "trust",
        "Exploitation and Missing Team",
        "Harriet",
        "Quayle",
        "Senior social worker",
    ),
    DemoUserSpec(
        "fib.demo",
        Role.FIB_OFFICER,
        "police",
        "Force Intelligence Bureau",
        "Tomasz",
        "Wrenfield",
        "Intelligence officer",
    ),
    DemoUserSpec(
        "ppu.demo",
        Role.PPU_COORDINATOR,
        "police",
        "Public Protection Unit",
        "Adaeze",
        "Pembridge",
        "Detective sergeant, CSE co-ordinator",
    ),
    DemoUserSpec(
        "mash.demo",
        Role.MASH_SCREENER,
        "trust",
        "MASH",
        "Imran",
        "Castleford-Shaw",
        "MASH screening officer",
    ),
    DemoUserSpec(
        "practitioner.demo",
        Role.PRACTITIONER,
        "trust",
        "Exploitation and Missing Team",
        "Megan",
        "Tolliver",
        "Family support worker",
    ),
    DemoUserSpec(
        "analyst.demo", Role.ANALYST, "police", "Hub Analysis", "Wei", "Ashdown", "Analyst"
    ),
    DemoUserSpec(
        "chair.demo",
        Role.HUB_CHAIR,
        "police",
        "Hub Chair",
        "Gareth",
        "Oyelaran",
        "Detective chief inspector, Hub chair",
    ),
    DemoUserSpec(
        "ig.demo",
        Role.IG_ADMIN,
        "trust",
        "Information Governance",
        "Roisin",
        "Latchford",
        "Information governance officer",
    ),
    # The force's own IG: retention of police records (MoPI) is the police's decision.
    DemoUserSpec(
        "igpolice.demo",
        Role.IG_ADMIN,
        "police",
        "Information Management",
        "Lowenna",
        "Treverrow",
        "Information management officer (MoPI reviewer)",
    ),
    DemoUserSpec(
        "admin.demo",
        Role.SYSTEM_ADMIN,
        "trust",
        "Digital Services",
        "Priya",
        "Hollinshead",
        "System administrator",
        is_staff=True,
    ),
    DemoUserSpec(
        "earlyhelp.demo",
        Role.PRACTITIONER,
        "early_help",
        "Kettlebridge Family Hub",
        "Callum",
        "Birtwhistle",
        "Early help practitioner",
    ),
    DemoUserSpec(
        "health.demo",
        Role.PRACTITIONER,
        "health",
        "Safeguarding Children Team",
        "Folake",
        "Renshaw",
        "Named nurse, safeguarding children",
    ),
    DemoUserSpec(
        "school.demo",
        Role.PRACTITIONER,
        "school",
        "Designated Safeguarding Leads",
        "Aoife",
        "Marchbank",
        "Designated safeguarding lead",
    ),
    DemoUserSpec(
        "yjs.demo",
        Role.PRACTITIONER,
        "youth_justice",
        "Case Management Team",
        "Kwabena",
        "Stirling-Hale",
        "Youth justice officer",
    ),
    DemoUserSpec(
        "charity.demo",
        Role.PRACTITIONER,
        "charity",
        "Outreach Team",
        "Zofia",
        "Pennock",
        "Outreach worker",
    ),
)
DEMO_USERNAMES = tuple(spec.username for spec in DEMO_USERS)
