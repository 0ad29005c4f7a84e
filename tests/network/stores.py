"""A small store of people for training Splink as `link_people` trains it on a Hub's store:
200 people with one in eight recorded twice (a slip in the first name, some moved house).
The tests add the pairs they are about and read how the trained model scores them."""

from __future__ import annotations

import datetime as dt
import random

from cairn.network.matching.splink_batch import PersonRow

GIVEN = ["Amara", "Bilal", "Cerys", "Dylan", "Esme", "Finn", "Gracie", "Harvey", "Isla"]
FAMILY = ["Testley", "Sampleton", "Examplewick", "Fictionby", "Mockridge", "Placeholme"]


def small_store(
    seed: int, *, adults: bool = False, sex_missing: bool = False, year_out: bool = False
) -> list[PersonRow]:
    """The same rows for the same seed and flags. `adults`: a third born from 1965, as the
    adults around the children are; `sex_missing`: some duplicates have no sex recorded;
    `year_out`: some duplicates have the year of birth one digit out."""
    rng = random.Random(seed)
    rows: list[PersonRow] = []
    for i in range(200):
        start = dt.date(1965, 1, 1) if adults and i % 3 == 0 else dt.date(2006, 1, 1)
        dob = start + dt.timedelta(days=rng.randint(0, 6000))
        rows.append(
            PersonRow(
                i + 1,
                rng.choice(GIVEN),
                rng.choice(FAMILY),
                dob,
                None,
                f"NX{i % 40} {i % 9}AB",
                rng.choice(["female", "male"]),
            )
        )
        if i % 8 == 0:
            first = rows[-1]
            dob = first.dob
            if year_out and i % 3 == 0 and dob is not None and dob.year % 10 < 9:
                dob = dob.replace(year=dob.year + 1)
            rows.append(
                PersonRow(
                    5000 + i,
                    first.given_name + "e",
                    first.family_name,
                    dob,
                    None,
                    first.postcode if i % 4 else f"NX{(i + 7) % 40} 1ZZ",
                    first.sex if i % 5 or not sex_missing else "",
                )
            )
    return rows
