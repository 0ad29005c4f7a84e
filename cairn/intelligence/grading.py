"""3x5x2 grading and the mapping from legacy 5x5x5 codes (see ADR 0010).

5x5x5 (before 2016): source A always reliable, B mostly reliable, C sometimes reliable,
D unreliable, E untested; intelligence 1 known to be true without reservation, 2 known
personally to the source but not to the officer, 3 not known personally to the source but
corroborated, 4 cannot be judged, 5 suspected to be false; handling 1-5 (1 may be shared
with prosecuting agencies; 2-5 restrict sharing). Cairn maps them to 3x5x2 conservatively
and always shows the legacy code beside the mapped grade."""

from __future__ import annotations

import re
from dataclasses import dataclass

LEGACY_SOURCE = {"A": "1", "B": "1", "C": "2", "D": "3", "E": "2"}
LEGACY_INTEL = {"1": "A", "2": "A", "3": "B", "4": "D", "5": "E"}
LEGACY_HANDLING_CONDITIONS = {
    "2": "Legacy handling code 2: share with UK non-prosecuting parties only.",
    "3": "Legacy handling code 3: share with non-EU law enforcement only on authority.",
    "4": "Legacy handling code 4: not to be shared outside the originating agency.",
    "5": "Legacy handling code 5: no further sharing without the originator's authority.",
}
LEGACY_PATTERN = re.compile(r"^\s*([A-Ea-e])\s*[/ -]?\s*([1-5])\s*[/ -]?\s*([1-5])\s*$")


@dataclass(frozen=True)
class Mapped:
    legacy: str
    source_grade: str
    intel_grade: str
    handling: str
    conditions: str

    @property
    def grade(self) -> str:
        return f"{self.source_grade}/{self.intel_grade}/{self.handling}"


def from_legacy(code: str) -> Mapped:
    """'B24' / 'B/2/4' / 'B 2 4' -> the 3x5x2 grade Cairn records. ValueError if invalid."""
    match = LEGACY_PATTERN.match(code or "")
    if match is None:
        raise ValueError("A 5x5x5 grade is a letter A-E and two digits 1-5, like B24")
    source, intel, handling = match.group(1).upper(), match.group(2), match.group(3)
    return Mapped(
        legacy=f"{source}{intel}{handling}",
        source_grade=LEGACY_SOURCE[source],
        intel_grade=LEGACY_INTEL[intel],
        handling="P" if handling == "1" else "C",
        conditions=LEGACY_HANDLING_CONDITIONS.get(handling, ""),
    )
