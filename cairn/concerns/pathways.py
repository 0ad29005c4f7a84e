"""'What can you do?': which next steps to recommend after a concern is screened, each
with its reason. Pure rules over plain data (the seed deck's list plus DOMAIN.md s.1).

The practitioner's answers come first; the text check of the narrative and the signs'
evidence (intelligence.checks, ADR 0019) is the net under a "no": when what they wrote
reads like someone in danger now, or like a crime disclosure, and the answer does not say
so, 999 or the crime report is recommended with the sentence quoted."""

from __future__ import annotations

from dataclasses import dataclass

CSE_INDICATORS = {"getting_into_cars", "older_boyfriend", "sexual_health", "asked_for_images"}
TRAFFICKING_INDICATORS = {
    "found_out_of_area",
    "unusual_travel",
    "drugs_or_slang",
    "multiple_phones",
    "carrying_weapons",
}
TRAFFICKING_TYPES = {"modern_slavery", "county_lines", "cce"}


@dataclass(frozen=True)
class PathwayFacts:
    immediate_danger: bool
    crime_disclosed: bool
    level: str
    exploitation_types: frozenset[str]
    indicator_codes: frozenset[str]
    mentions: int
    first_responder: bool
    # The text check of the narrative and sign evidence: the sentence that reads like a
    # crime disclosure, or like someone in danger now ("" when nothing does).
    text_crime: str = ""
    text_danger: str = ""
    text_families: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    code: str
    reason: str
    available: bool = True
    unavailable_reason: str = ""


def recommend(facts: PathwayFacts) -> list[Recommendation]:
    out: list[Recommendation] = []
    if facts.immediate_danger:
        out.append(Recommendation("emergency", "The child is in immediate danger: call 999 now."))
    elif facts.text_danger:
        out.append(
            Recommendation(
                "emergency",
                "What you wrote reads like someone may be in danger now: "
                f"\u201c{facts.text_danger}\u201d. If so, call 999 now.",
            )
        )
    if facts.crime_disclosed:
        out.append(
            Recommendation(
                "crime_report",
                "A crime was disclosed: report it as a crime (999, or 101 if not urgent). "
                "Never put a crime on a FIB form: it creates no crime record, so no investigation "
                "and no victim care.",
            )
        )
    elif facts.text_crime:
        reads_like = (
            f" (it reads like {', '.join(facts.text_families)})" if facts.text_families else ""
        )
        out.append(
            Recommendation(
                "crime_report",
                "What you wrote reads like a crime disclosure, though \u201ccrime disclosed\u201d "
                f"was not ticked{reads_like}: \u201c{facts.text_crime}\u201d. If someone "
                "described an offence, report it as a crime (999, or 101 if not urgent). Never put "
                "a crime on a FIB form: it creates no crime record, so no investigation and no "
                "victim care.",
            )
        )
    if facts.mentions:
        out.append(
            Recommendation(
                "fib",
                f"{facts.mentions} "
                + (
                    "person, vehicle, phone, account or place was"
                    if facts.mentions == 1
                    else "people, vehicles, phones, accounts or places were"
                )
                + " mentioned: "
                "share them as intelligence (intel only, not the crime).",
            )
        )
    cse_signs = facts.indicator_codes & CSE_INDICATORS
    if "cse" in facts.exploitation_types or cse_signs:
        why = (
            "CSE is suspected" if "cse" in facts.exploitation_types else "CSE indicators were seen"
        )
        out.append(Recommendation("ppu", f"{why}: the PPU / CSE co-ordinator must be told."))
    if (
        facts.level in ("moderate", "significant")
        or facts.immediate_danger
        or facts.crime_disclosed
        or facts.text_crime
    ):
        reason = (
            f"Risk level is {facts.level}: the child may need a statutory assessment"
            if facts.level in ("moderate", "significant")
            else "The child may have suffered, or be at risk of, significant harm"
        )
        out.append(Recommendation("mash", reason + " (MASH decides within one working day)."))
    trafficking = (facts.exploitation_types & TRAFFICKING_TYPES) or (
        facts.indicator_codes & TRAFFICKING_INDICATORS
    )
    if trafficking:
        out.append(
            Recommendation(
                "nrm",
                "Trafficking or modern slavery indicators (including county lines): consider an "
                "NRM referral. For a child no consent is needed; safeguard the child first.",
                available=facts.first_responder,
                unavailable_reason=""
                if facts.first_responder
                else "Only first-responder agencies can refer to the NRM: ask police or the "
                "Children's Trust to make it.",
            )
        )
    return out
