"""The roles a Hub user holds, and which agency kinds they belong to."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    FIB_OFFICER = "fib_officer", "FIB officer"
    PPU_COORDINATOR = "ppu_coordinator", "PPU / CSE co-ordinator"
    MASH_SCREENER = "mash_screener", "MASH screener"
    SOCIAL_WORKER = "social_worker", "Social worker"
    ANALYST = "analyst", "Analyst"
    HUB_CHAIR = "hub_chair", "Hub chair"
    IG_ADMIN = "ig_admin", "Information governance admin"
    SYSTEM_ADMIN = "system_admin", "System admin"


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police force"
    CHILDRENS_TRUST = "childrens_trust", "Children's Trust"
    EARLY_HELP = "early_help", "Early help"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary sector"


# Roles whose work spans the whole Hub caseload rather than their own agency's records.
HUB_WIDE_ROLES = frozenset(
    {
        Role.FIB_OFFICER,
        Role.PPU_COORDINATOR,
        Role.MASH_SCREENER,
        Role.ANALYST,
        Role.HUB_CHAIR,
    }
)
