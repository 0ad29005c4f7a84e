"""Invented-person building blocks: given and family names from the backgrounds common in
England (so search and matching are tested on the names a real hub sees), the nicknames
and spelling variants that make duplicate records, and invented street names.

Names are drawn independently of a record's category: no background is tied to being a
person of concern. A draw is a random combination, never a real person; the few
combinations that would name a famous person are refused (`is_refused`)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class NamePool:
    key: str
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    ethnicities: tuple[str, ...]


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


POOLS: tuple[NamePool, ...] = (
    NamePool(
        "british",
        0.55,
        words(
            "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Poppy Evie "
            "Ella Chloe Jessica Ellie Holly Megan Leah Lauren Rebecca Katherine Elizabeth "
            "Hannah Bethany Abigail Courtney Jade Kayleigh Tegan Summer Skye Millie Maisie "
            "Paige Shannon Amber Caitlin Charlotte Emily Lucy Molly Erin Demi Kelsey Jodie"
        ),
        words(
            "Oliver George Harry Noah Jack Leo Arthur Charlie Jacob Thomas Oscar James William "
            "Joshua Ethan Daniel Jason Liam Kyle Connor Callum Reece Jordan Bradley Lewis Ryan "
            "Nathan Dylan Tyler Kieran Luke Samuel Alfie Mason Riley Jake Benjamin Stephen "
            "Michael Dean Christopher Matthew Anthony Nicholas Alexander Shane Lee Wayne"
        ),
        words(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harris Lewis Hughes "
            "Turner Hill Moore Cooper Ward Morris King Watson Baker Harrison Morgan Shaw Marsh "
            "Fletcher Parker Bennett Pearson Whitaker Barlow Ashworth Holt Crossley Atkinson "
            "Dobson Hargreaves Ramsden Sutcliffe Greenwood Lister Naylor Firth Haigh Metcalfe "
            "Phillips Reid Thomson Davis Clark Stewart Campbell Macdonald Fraser Robertson "
            "Murray Ross Pritchard Llewellyn Bowen Griffiths Powell Rees Vaughan Price Lovell"
        ),
        ("white_british",) * 8 + ("mixed_other", "white_other"),
    ),
    NamePool(
        "irish",
        0.05,
        words("Aoife Niamh Ciara Siobhan Roisin Orla Saoirse Sinead Mairead Clodagh Bridget"),
        words("Cian Oisin Ciaran Declan Padraig Eoin Sean Conor Darragh Ronan Patrick"),
        words(
            "Murphy Kelly O'Brien Byrne Ryan O'Sullivan Walsh O'Neill Doyle McCarthy "
            "Gallagher Doherty Kennedy Lynch Quinn Brennan Flanagan Duffy Nolan Kavanagh"
        ),
        ("white_irish", "white_irish", "white_british", "white_gypsy_traveller"),
    ),
    NamePool(
        "south_asian",
        0.12,
        words(
            "Aisha Fatima Zainab Maryam Amira Hafsa Safiya Ayesha Noor Sana Nadia Priya "
            "Anjali Simran Jasleen Harleen Nisha Riya Tasnim Sumaya Farzana Aleena Inaya"
        ),
        words(
            "Mohammed Muhammad Ibrahim Yusuf Zayn Hamza Bilal Imran Adnan Faisal Tariq Arjun "
            "Rohan Aarav Vikram Harjit Gurpreet Jaspreet Sunil Ravi Rahim Shahid Kamran Ayaan"
        ),
        words(
            "Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Rashid Butt Malik Shah Qureshi "
            "Chaudhry Rahman Uddin Miah Islam Chowdhury Hossain Patel Singh Sharma Gill "
            "Sandhu Sidhu Kumar Mistry Parmar Chauhan Dhillon Bains Anwar Siddiqui"
        ),
        (
            "asian_pakistani",
            "asian_pakistani",
            "asian_bangladeshi",
            "asian_indian",
            "asian_indian",
            "asian_other",
            "mixed_white_asian",
        ),
    ),
    NamePool(
        "black_african_caribbean",
        0.10,
        words(
            "Adaeze Chiamaka Folake Ama Abena Efua Amara Zara Nia Imani Kemi Yetunde Hodan "
            "Ayaan Hibo Shanice Tianna Keisha Jada Precious Blessing Tiwa Naomi"
        ),
        words(
            "Chidi Emeka Tunde Kwame Kofi Kwabena Femi Segun Abdirahman Abdullahi Mustafa "
            "Jermaine Tyrone Marcus Andre Kemar Darnell Malik Tremaine Isaiah Elijah Kayden"
        ),
        words(
            "Okafor Adeyemi Okoro Mensah Boateng Asante Owusu Adebayo Oladipo Eze Nwosu "
            "Ogunleye Abdi Hassan Mohamud Warsame Osei Kamara Koroma Bangura Beckford Forbes "
            "Bailey Gordon Grant Henry Simpson Francis Edwards Richards"
        ),
        (
            "black_african",
            "black_african",
            "black_caribbean",
            "black_caribbean",
            "black_other",
            "mixed_white_black_caribbean",
            "mixed_white_black_african",
        ),
    ),
    NamePool(
        "east_asian",
        0.04,
        words("Mei Lin Jia Xin Wen Ying Linh Anh Thao Hoa Yan Qing"),
        words("Wei Jun Hao Kai Ming Minh Duc Tuan Bao Long Chen Jian"),
        words("Chen Wong Li Zhang Wang Liu Lam Cheung Ng Tang Nguyen Tran Pham Le Hoang"),
        ("asian_chinese", "asian_chinese", "asian_other", "asian_other"),
    ),
    NamePool(
        "eastern_european",
        0.09,
        words(
            "Zofia Oliwia Natalia Wiktoria Alicja Ioana Andreea Elena Marta Milena Julia "
            "Agnieszka Daria Gabriela"
        ),
        words(
            "Jakub Kacper Szymon Mateusz Filip Andrei Stefan Luka Matei Dawid Tomasz Piotr "
            "Marek Bogdan Vasile"
        ),
        words(
            "Nowak Kowalczyk Wozniak Mazur Krawczyk Dudek Pawlak Popescu Ionescu Horvath "
            "Balogh Novak Petrov Dumitru Lupu Sikora Wojcik Zielinski"
        ),
        ("white_other", "white_other", "white_other", "white_roma"),
    ),
    NamePool(
        "middle_eastern",
        0.05,
        words("Layla Yasmin Rania Elif Zeynep Dilan Hana Leyla Nour Mariam"),
        words("Omar Karim Youssef Emre Baran Ahmet Rami Samir Hassan Ali Khalid"),
        words("Haddad Nasser Khalil Mansour Saleh Yilmaz Kaya Demir Aziz Karim Sahin Celik Hamdan"),
        ("arab", "arab", "white_other", "other"),
    ),
)
POOL_WEIGHTS = tuple(pool.weight for pool in POOLS)

# Familiar forms: full name -> the short names people are known by.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Jason": ("Jay",),
    "Rebecca": ("Bex", "Becky"),
    "Katherine": ("Kate", "Katie"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Daniel": ("Danny", "Dan"),
    "Thomas": ("Tom", "Tommy"),
    "Michael": ("Mikey", "Mike"),
    "Samuel": ("Sam",),
    "Joshua": ("Josh",),
    "Nathan": ("Nate",),
    "Jessica": ("Jess",),
    "Abigail": ("Abbie", "Abby"),
    "Bethany": ("Beth",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Alexander": ("Alex", "Xander"),
    "Benjamin": ("Ben",),
    "James": ("Jamie", "Jim"),
    "William": ("Will", "Billy"),
    "Jacob": ("Jake",),
    "Callum": ("Cal",),
    "Olivia": ("Liv",),
    "Isabella": ("Bella", "Izzy"),
    "Christopher": ("Chris",),
    "Stephen": ("Steve",),
    "Anthony": ("Tony", "Ant"),
    "Matthew": ("Matt",),
    "Nicholas": ("Nick",),
    "Tyrone": ("Ty",),
    "Abdirahman": ("Abdi",),
    "Abdullahi": ("Abdi",),
    "Tremaine": ("Trey",),
    "Kieran": ("Kez",),
    "Charlotte": ("Charlie", "Lottie"),
    "Gabriela": ("Gabi",),
    "Alicja": ("Ala",),
    "Ibrahim": ("Ibby",),
    "Oluwafemi": ("Femi",),
    "Precious": ("Presh",),
}

# Spellings of the same name that a different clerk might type.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Smith", "Smyth"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed"),
    ("Stephen", "Steven"),
    ("Katherine", "Catherine", "Kathryn"),
    ("Macdonald", "McDonald"),
    ("Thompson", "Thomson"),
    ("Clarke", "Clark"),
    ("Reid", "Reed"),
    ("Phillips", "Philips"),
    ("Davies", "Davis"),
    ("Hussain", "Hussein"),
    ("Ahmed", "Ahmad"),
    ("Chowdhury", "Choudhury"),
    ("Aisha", "Ayesha", "Aysha"),
    ("Zainab", "Zaynab"),
    ("Yusuf", "Yousef"),
    ("Sean", "Shaun", "Shawn"),
    ("Kayleigh", "Kaylee", "Kayley"),
    ("Sophia", "Sofia"),
    ("Nowak", "Novak"),
    ("O'Neill", "O'Neil", "Oneill"),
    ("Gallagher", "Gallacher"),
    ("Jodie", "Jodi"),
    ("Kelsey", "Kelsie"),
    ("Leah", "Lea"),
    ("Jade", "Jayde"),
    ("Tyler", "Tylor"),
    ("Reece", "Rhys", "Reese"),
    ("Connor", "Conor"),
    ("Abigail", "Abigayle"),
    ("Chloe", "Chloë"),
    ("Zoe", "Zoë"),
    ("Mateusz", "Mateus"),
    ("Elif", "Elife"),
    ("Wojcik", "Wójcik"),
    ("Zielinski", "Zieliński"),
)
VARIANTS: dict[str, tuple[str, ...]] = {}
for _group in VARIANT_GROUPS:
    for _name in _group:
        VARIANTS[_name] = tuple(other for other in _group if other != _name)

# Combinations that name a well-known person: never generated.
REFUSED_FULL_NAMES = frozenset(
    {
        "harry kane",
        "harry styles",
        "james bond",
        "jack grealish",
        "tom daley",
        "daniel craig",
        "emma watson",
        "adele adkins",
        "george michael",
        "michael jackson",
        "james brown",
        "chris evans",
        "mo farah",
        "paul smith",
        "john lewis",
        "amir khan",
        "sadiq khan",
        "zayn malik",
        "ed sheeran",
        "lewis hamilton",
        "marcus rashford",
        "raheem sterling",
        "jack wilson",
        "james taylor",
        "tom jones",
        "elizabeth taylor",
        "william morris",
        "thomas cook",
        "liam gallagher",
        "noah gallagher",
        "samuel johnson",
        "david walliams",
    }
)


def is_refused(given: str, family: str) -> bool:
    return f"{given} {family}".lower() in REFUSED_FULL_NAMES


def pick_pool(rng: random.Random) -> NamePool:
    return rng.choices(POOLS, weights=POOL_WEIGHTS)[0]


def given_name_for(rng: random.Random, pool: NamePool, sex: str) -> str:
    """A given name; one in seven from another background (many families mix)."""
    source = pool if rng.random() < 0.85 else pick_pool(rng)
    names = source.female if sex == "female" else source.male
    return rng.choice(names)


def _zipf_cum_weights(count: int, exponent: float = 0.7) -> tuple[float, ...]:
    total, cum = 0.0, []
    for rank in range(1, count + 1):
        total += rank**-exponent
        cum.append(total)
    return tuple(cum)


# Earlier names in each list are drawn more often (a Zipf-like tail), so "Smith" is
# common and some surnames rare, as in a real index.
_FAMILY_CUM_WEIGHTS = {pool.key: _zipf_cum_weights(len(pool.family)) for pool in POOLS}


def family_name_for(rng: random.Random, pool: NamePool) -> str:
    return rng.choices(pool.family, cum_weights=_FAMILY_CUM_WEIGHTS[pool.key])[0]


def ethnicity_for(rng: random.Random, pool: NamePool) -> str:
    roll = rng.random()
    if roll < 0.08:
        return "not_known"
    if roll < 0.11:
        return "not_stated"
    return rng.choice(pool.ethnicities)


def person_name(rng: random.Random, sex: str, pool: NamePool | None = None) -> tuple[str, str]:
    pool = pool or pick_pool(rng)
    while True:
        given, family = given_name_for(rng, pool, sex), family_name_for(rng, pool)
        if not is_refused(given, family):
            return given, family


STREETS = words(
    "Tanner Cobblers Ropewalk Mill Foundry Weavers Chapel Quarry Beck Ferry Heron Kestrel "
    "Lapwing Curlew Bramble Hawthorn Rowan Alder Juniper Sorrel Thistle Fenwick Gorse Heather "
    "Larkspur Marram Osier Pennywort Reedbed Saltings Tidewater Wherry Drover Packhorse "
    "Lantern Beacon Shepherds Moorgate Highfold Lowfold Cinder Ironstone Limekiln Tollgate"
)
STREET_KINDS = words("Street Road Lane Close Way Terrace Avenue Grove Walk Court Rise")
