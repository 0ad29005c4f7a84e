"""Role-to-permission map. One table says which roles hold which permission; rules
predicates expose it to Django's `user.has_perm`. Object scoping (which records) is
the access layer's job (cairn/pole/access.py), not this file's."""

from __future__ import annotations

from typing import Any

import rules

from cairn.core.types import Actor

from .roles import Role

R = Role
CASEWORK = {
    R.PRACTITIONER,
    R.FIB_OFFICER,
    R.PPU_COORDINATOR,
    R.MASH_SCREENER,
    R.SOCIAL_WORKER,
    R.ANALYST,
    R.HUB_CHAIR,
}

PERMISSIONS: dict[str, frozenset[Role]] = {
    # People, objects, locations and links (POLE).
    "pole.view_person": frozenset(CASEWORK),
    "pole.add_person": frozenset(CASEWORK),
    "pole.change_person": frozenset(CASEWORK - {R.ANALYST}),
    "pole.view_link": frozenset(CASEWORK),
    "pole.add_link": frozenset(CASEWORK),
    # Practitioners too: a school or health safeguarding lead decides to share what their
    # own agency holds (cairn/pole/access.py: can_share_person limits it to the owner).
    "pole.share_entity": frozenset(
        {
            R.PRACTITIONER,
            R.FIB_OFFICER,
            R.PPU_COORDINATOR,
            R.MASH_SCREENER,
            R.SOCIAL_WORKER,
            R.HUB_CHAIR,
        }
    ),
    # Identity matching, merges and the network (cairn/network): anyone adding people sees
    # possible matches among what they may see; the Hub-wide data roles review and merge
    # duplicates; analysts and FIB export networks (each export a logged disclosure).
    "network.match_person": frozenset(CASEWORK),
    "network.merge_person": frozenset(
        {R.ANALYST, R.FIB_OFFICER, R.MASH_SCREENER, R.PPU_COORDINATOR}
    ),
    "network.view_network": frozenset(CASEWORK - {R.PRACTITIONER}),
    "network.export_network": frozenset({R.ANALYST, R.FIB_OFFICER}),
    # Disruption (cairn/disruption): tactics, CAWNs, markers, plans. Which records is the
    # access layer's job (police-only tactics); police-only types are checked in services.
    "disruption.view_tactic": frozenset(CASEWORK),
    "disruption.add_tactic": frozenset(CASEWORK - {R.ANALYST}),
    "disruption.share_tactic": frozenset({R.FIB_OFFICER, R.PPU_COORDINATOR, R.HUB_CHAIR}),
    "disruption.manage_plan": frozenset({R.FIB_OFFICER, R.PPU_COORDINATOR, R.HUB_CHAIR}),
    # Concerns and screening.
    "concerns.add_concern": frozenset(CASEWORK),
    "concerns.view_concern": frozenset(CASEWORK),
    # Referrals (cairn/referrals): casework roles refer (the NRM only from first-responder
    # agencies, checked in services); which referrals is cairn/referrals/access.py's job;
    # MASH screeners record MASH decisions and strategy discussions.
    "referrals.view_referral": frozenset(CASEWORK),
    "referrals.add_referral": frozenset(CASEWORK - {R.ANALYST}),
    "referrals.decide_mash": frozenset({R.MASH_SCREENER}),
    # Intelligence (FIB). Any casework role may submit; the FIB grades, sanitises and
    # disseminates; only FIB officers see protected sources; analysts read sanitised intel.
    "intelligence.add_submission": frozenset(CASEWORK),
    "intelligence.view_submission": frozenset(CASEWORK),
    "intelligence.manage_fib": frozenset({R.FIB_OFFICER}),
    "intelligence.view_source": frozenset({R.FIB_OFFICER}),
    "intelligence.view_sanitised": frozenset({R.ANALYST}),
    # Crime recording: a FIB entry the FIB judged a crime goes to the PPU / CSE
    # co-ordinators' crime recording queue, where they record the crime reference.
    "intelligence.record_crime": frozenset({R.PPU_COORDINATOR}),
    # The Exploitation Hub (cairn/hub): the chair runs meetings; casework roles see the
    # meetings they attend and the actions they or their agency own (scoped in
    # cairn/hub/access.py); Hub-wide roles see the dashboard and problem profiles.
    "hub.manage_meeting": frozenset({R.HUB_CHAIR}),
    # The Hub's set-up (name, chair, terms of reference, thresholds, member agencies and
    # their representatives) is kept by the chair on the set-up pages; system admins too.
    "hub.manage_setup": frozenset({R.HUB_CHAIR, R.SYSTEM_ADMIN}),
    "hub.view_meeting": frozenset(CASEWORK),
    "hub.view_action": frozenset(CASEWORK),
    "hub.view_dashboard": frozenset(
        {R.HUB_CHAIR, R.ANALYST, R.PPU_COORDINATOR, R.FIB_OFFICER, R.MASH_SCREENER}
    ),
    "hub.view_problem_profile": frozenset(
        {R.HUB_CHAIR, R.ANALYST, R.PPU_COORDINATOR, R.FIB_OFFICER}
    ),
    "hub.view_missing": frozenset(CASEWORK),
    "hub.add_missing": frozenset(CASEWORK - {R.ANALYST}),
    # The audit log (DPA 2018 s.62) is for information governance only.
    "audit.view_auditevent": frozenset({R.IG_ADMIN}),
    "audit.export_auditevent": frozenset({R.IG_ADMIN}),
    # Information rights (cairn/rights, UK GDPR Art. 16/18, DPA 2018 s.46/s.47): IG logs
    # and tracks requests; the owning agency (checked in cairn/rights/access.py) sees the
    # requests about its records, corrects or refuses, and may restrict or lift. IG opens
    # a restricted record by direct link; nobody else but the owning agency does.
    "rights.manage_request": frozenset({R.IG_ADMIN}),
    "rights.view_request": frozenset({R.IG_ADMIN} | (CASEWORK - {R.ANALYST})),
    "rights.restrict_person": frozenset({R.IG_ADMIN} | (CASEWORK - {R.ANALYST})),
    "rights.view_restricted": frozenset({R.IG_ADMIN}),
    # Retention and disposal (cairn/retention): IG reviews its own agency's records when
    # they fall due under the agency's rules, keeps or disposes of them.
    "retention.review_record": frozenset({R.IG_ADMIN}),
    # Information-sharing agreements (cairn/sharing): anyone who discloses may read the
    # register (the form links to it when no agreement covers a share); IG keeps it and
    # reads every disclosure by its lawful basis.
    "sharing.view_agreement": frozenset(CASEWORK | {R.IG_ADMIN}),
    "sharing.manage_agreement": frozenset({R.IG_ADMIN}),
    "sharing.view_disclosures": frozenset({R.IG_ADMIN}),
    # An exceptional disclosure (no agreement covered it) is reviewed afterwards by the IG of
    # the agency that made it (cairn/sharing/access.py).
    "sharing.review_disclosure": frozenset({R.IG_ADMIN}),
    # The IG dashboard (cairn/governance): counts only, naming nobody.
    "governance.view_dashboard": frozenset({R.IG_ADMIN}),
    # Running the system.
    "accounts.manage_users": frozenset({R.SYSTEM_ADMIN}),
    # Background jobs: their status page, and "run now" (cairn/core/jobs.py).
    "core.view_jobs": frozenset({R.SYSTEM_ADMIN}),
    "core.run_job": frozenset({R.SYSTEM_ADMIN}),
    # A change granting police or intelligence access needs a second system admin.
    "accounts.approve_change": frozenset({R.SYSTEM_ADMIN}),
    **{
        f"accounts.{verb}_{model}": frozenset({R.SYSTEM_ADMIN})
        for verb in ("view", "add", "change")
        for model in ("agency", "team", "user")
    },
    # The Hub's set-up (members, chair, thresholds) is reference data for system admins.
    **{
        f"hub.{verb}_{model}": frozenset({R.SYSTEM_ADMIN})
        for verb in ("view", "add", "change")
        for model in ("hubsetup", "hubmember")
    },
    "api.use": frozenset(CASEWORK | {R.IG_ADMIN}),
}

# What each permission lets a user do, in plain words: a refusal says "You cannot <words>."
# (cairn/core/http.py `require`), never the internal name. Every permission has words
# (tests/accounts/test_permission_words.py).
PERMISSION_WORDS: dict[str, str] = {
    "pole.view_person": "look up people's records",
    "pole.add_person": "add people, vehicles, phones, accounts or places",
    "pole.change_person": "change people's records",
    "pole.view_link": "see the links between records",
    "pole.add_link": "link records together",
    "pole.share_entity": "share records with another agency",
    "network.match_person": "check for people who may already have a record",
    "network.merge_person": "merge or separate duplicate records",
    "network.view_network": "see a person's network",
    "network.export_network": "export a network",
    "disruption.view_tactic": "see disruption tactics",
    "disruption.add_tactic": "record or change disruption tactics",
    "disruption.share_tactic": "share disruption tactics with another agency",
    "disruption.manage_plan": "manage disruption plans",
    "concerns.add_concern": "record concerns",
    "concerns.view_concern": "see concerns",
    "referrals.view_referral": "see referrals",
    "referrals.add_referral": "make referrals",
    "referrals.decide_mash": "make MASH decisions",
    "intelligence.add_submission": "submit intelligence",
    "intelligence.view_submission": "see intelligence",
    "intelligence.manage_fib": "work on the Force Intelligence Bureau's queue",
    "intelligence.view_source": "see who the source of intelligence is",
    "intelligence.view_sanitised": "read sanitised intelligence",
    "intelligence.record_crime": "record crimes referred by the Force Intelligence Bureau",
    "hub.manage_meeting": "run Hub meetings",
    "hub.manage_setup": "change the Hub's set-up",
    "hub.view_meeting": "see Hub meetings",
    "hub.view_action": "see Hub actions",
    "hub.view_dashboard": "see the Hub dashboard",
    "hub.view_problem_profile": "see problem profiles",
    "hub.view_missing": "see missing episodes",
    "hub.add_missing": "record missing episodes",
    "audit.view_auditevent": "read the audit log",
    "audit.export_auditevent": "export the audit log",
    "rights.manage_request": "log and manage information rights requests",
    "rights.view_request": "see information rights requests",
    "rights.restrict_person": "restrict or lift the restriction on a record",
    "rights.view_restricted": "open restricted records",
    "retention.review_record": "review records for retention or disposal",
    "sharing.view_agreement": "see information-sharing agreements",
    "sharing.manage_agreement": "manage information-sharing agreements",
    "sharing.view_disclosures": "see disclosures by lawful basis",
    "sharing.review_disclosure": "review exceptional disclosures",
    "governance.view_dashboard": "see the information governance dashboard",
    "accounts.manage_users": "manage user accounts",
    "core.view_jobs": "see background jobs",
    "core.run_job": "run background jobs",
    "accounts.approve_change": "approve account changes",
    "accounts.view_agency": "see agencies",
    "accounts.add_agency": "add agencies",
    "accounts.change_agency": "change agencies",
    "accounts.view_team": "see teams",
    "accounts.add_team": "add teams",
    "accounts.change_team": "change teams",
    "accounts.view_user": "see user accounts",
    "accounts.add_user": "add user accounts",
    "accounts.change_user": "change user accounts",
    "hub.view_hubsetup": "see the Hub's set-up",
    "hub.add_hubsetup": "set up the Hub",
    "hub.change_hubsetup": "change the Hub's set-up",
    "hub.view_hubmember": "see the Hub's member agencies",
    "hub.add_hubmember": "add member agencies to the Hub",
    "hub.change_hubmember": "change the Hub's member agencies",
    "api.use": "use the API",
}


def refusal(permission: str) -> str:
    """The sentence a refusal shows for a missing permission: what the user cannot do, in
    plain words (a permission without words gets a general sentence, never its name)."""
    words = PERMISSION_WORDS.get(permission)
    if words is None:
        return "You do not have permission to do this."
    return f"You cannot {words}: your role does not allow it."


def roles_for(permission: str) -> frozenset[Role]:
    return PERMISSIONS.get(permission, frozenset())


def permissions_for(role: str) -> list[str]:
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)


def _has_role_in(roles: frozenset[Role]) -> Any:
    @rules.predicate
    def predicate(user: Actor) -> bool:
        return bool(
            user is not None
            and getattr(user, "is_authenticated", False)
            and user.is_active
            and user.role in roles
        )

    return predicate


for _name, _roles in PERMISSIONS.items():
    rules.add_perm(_name, _has_role_in(_roles))
