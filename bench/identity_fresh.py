"""Identity matching on a second, independently written synthetic data set, with known truth.

A fresh blind check beside `bench/identity_independent.py`: the people, names, households
and the ways agencies record them differently are this file's own, written without reading
the matcher's rules, the demo generators or the other benchmark's generator. Only that
benchmark's database loading, query running and scoring are reused (imported), so the two
report the same metrics. Everything is fictional: names are common UK names of many
backgrounds, postcodes are in invented QQ/QJ/QV/QX areas, and nobody is real.

Extra weight on what a safeguarding Hub meets: twins and siblings in one household (same
surname, address, same or close date of birth), a father and son of the same name, a child
whose surname changed when a parent remarried (school has one surname, police the other),
hyphenated surnames recorded in part, initials ("J Smith"), names romanised differently
(Mohammed / Muhammad / Mohamed; Nguyễn / Nguyen; Zhang Wei in either order; Chen / Chan),
placeholder and estimated dates of birth (01/01/1900; 1 January of an assessed year),
children moving between a children's home and family addresses, and many people at one
hostel or asylum-hotel postcode.

    uv run python bench/identity_fresh.py --people 30000 \\
      --out bench/results/identity-fresh-30k.json          # build the database, then score
    uv run python bench/identity_fresh.py --people 30000 --reuse \\
      --out bench/results/identity-fresh-30k-rerun.json    # score again on the same database

The database is `cairn_idfresh_<people>_<seed>` on 127.0.0.1:5432 (user postgres;
`--db-url` to change). `--reuse` keeps it (and the truth file
`bench/data/identity-fresh-<people>-<seed>-truth.csv`) when both exist and only runs the
queries, so another version of the matcher can be scored on the same data in seconds.

Queries (as a Hub-wide police analyst, excluding the query record itself):
- existing (`--queries` / 2): one of the person's non-reference records; half drawn
  uniformly, half spread across the hard groups (twins, step-families, hostels, ...);
  right when the top candidate >= 6.0 is one of that person's records;
- new (`--queries` / 2): a person with a single record; right when nothing reaches 6.0;
- hard_new (`--hard-queries`): single-record people with a look-alike in the store (twin,
  close-in-age sibling, father/son of one name, step-family, hostel / asylum hotel /
  children's home resident, placeholder date of birth, common name, initial only);
  right when nothing reaches 6.0.
Metrics are the other benchmark's (`summarise`): precision / recall / F1 at 6.0, best F1
over -5..15, blocking recall, new-person false matches >= 6.0 by group, recall by variation.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench import identity_independent as shared  # noqa: E402  (loading, querying, scoring)

TODAY = shared.REFERENCE_DAY  # the loader fixes ages against this day

# --------------------------------------------------------------------------------------
# Names, by background. First entries are drawn more often (Zipf-like), so namesakes occur.
# --------------------------------------------------------------------------------------


def _s(text: str) -> list[str]:
    return [w.replace("_", " ") for w in text.split()]


CULTURES: dict[str, dict[str, Any]] = {
    "white_british": {
        "weight": 46,
        "ethnicity": "white_british",
        "male": _s(
            "Jack Oliver Harry George Thomas James William Charlie Noah Jacob Alfie Joshua "
            "Oscar Leo Freddie Archie Ethan Samuel Daniel Joseph Alexander Lewis Callum Liam "
            "Kyle Connor Jamie Ryan Dylan Tyler Riley Mason Logan Luke Jake Aaron Nathan "
            "Bradley Reece Jordan Kieran Michael David John Paul Mark Stephen Andrew "
            "Christopher Richard Robert Peter Gary Darren Lee Craig Dean Wayne Shane Edward"
        ),
        "female": _s(
            "Olivia Amelia Emily Isla Ava Sophie Grace Mia Poppy Ella Lily Evie Isabella "
            "Ruby Freya Chloe Jessica Charlotte Daisy Phoebe Millie Holly Amber Megan Lauren "
            "Hannah Bethany Courtney Chelsea Jade Kayleigh Leanne Stacey Gemma Emma Sarah "
            "Rachel Laura Rebecca Claire Michelle Lisa Karen Julie Tracey Donna Susan "
            "Elizabeth Katherine Margaret Victoria Zoë Leah Tia Skye Samantha Jennifer"
        ),
        "family": _s(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harris Lewis Hughes "
            "Edwards Turner Hill Moore Cooper Ward Morris King Watson Harrison Morgan Baker "
            "Young Allen Mitchell Bell Kelly Parker Cook Bailey Collins Price Fletcher Shaw "
            "Marshall Pearson Holmes Atkinson Barker Dixon Rowe Fox Birch Hobson Pickering "
            "Sutcliffe Ashworth Whitehead Barraclough Greenwood MacDonald McKenzie"
        ),
    },
    "irish_traveller": {
        "weight": 3,
        "ethnicity": "white_gypsy_traveller",
        "male": _s("Patrick John Michael Martin Thomas Christopher Edward Jimmy Dan Bernard"),
        "female": _s("Bridget Mary Margaret Kathleen Siobhán Nora Ellen Winnie Josie Caitlin"),
        "family": _s("O'Brien McDonagh Ward Connors Doherty Maughan Joyce Quinn O'Reilly Delaney"),
    },
    "polish": {
        "weight": 4,
        "ethnicity": "white_other",
        "male": _s(
            "Jakub Kacper Szymon Filip Łukasz Paweł Michał Wojciech Krzysztof Piotr Tomasz "
            "Mateusz Bartosz Dawid"
        ),
        "female": _s(
            "Zuzanna Julia Wiktoria Natalia Maja Małgorzata Katarzyna Agnieszka Joanna "
            "Aleksandra Magdalena Oliwia"
        ),
        "family": _s(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
            "Szymański Woźniak Dąbrowski Mazur Krawczyk"
        ),
    },
    "romanian": {
        "weight": 3,
        "ethnicity": "white_other",
        "male": _s("Andrei Alexandru Ionuț Mihai Ștefan Florin Gheorghe Cristian Marius Vlad"),
        "female": _s("Maria Elena Ioana Andreea Alexandra Ana-Maria Bianca Denisa Raluca"),
        "family": _s("Popescu Ionescu Popa Radu Dumitru Stan Stoica Rusu Munteanu Lăcătuș"),
    },
    "roma": {
        "weight": 1,
        "ethnicity": "white_roma",
        "male": _s("Dávid Roman Marek Jozef Patrik Tomáš Lukáš Dominik"),
        "female": _s("Monika Veronika Simona Nikola Andrea Denisa Klaudia"),
        "family": _s("Horváth Gábor Kováč Lakatos Balog Oláh Daniel Rigo"),
    },
    "pakistani": {
        "weight": 7,
        "ethnicity": "asian_pakistani",
        "male": _s(
            "Muhammad Ali Ibrahim Yusuf Hamza Bilal Zain Imran Asif Tariq Adnan Faisal Usman "
            "Ahmed Hassan Hussain Omar Abdullah Ayaan Zakariya"
        ),
        "female": _s(
            "Aisha Fatima Zainab Maryam Amina Hira Sana Nadia Samina Rukhsana Iqra Anaya "
            "Khadija Noor Aleena"
        ),
        "family": _s(
            "Khan Hussain Ahmed Ali Mahmood Iqbal Akhtar Shah Butt Malik Rashid Chaudhry "
            "Mirza Raza Javed"
        ),
    },
    "bangladeshi": {
        "weight": 3,
        "ethnicity": "asian_bangladeshi",
        "male": _s("Mohammed Abdul Rahim Shahid Jamal Rakib Sayem Tanvir Ibrahim Ayaan"),
        "female": _s("Fatima Nusrat Taslima Shirin Jannat Tahmina Sumaiya Ayesha Maryam"),
        "family": _s("Rahman Uddin Miah Islam Hossain Ahmed Choudhury Ali Begum Khatun"),
    },
    "indian": {
        "weight": 4,
        "ethnicity": "asian_indian",
        "male": _s(
            "Arjun Rohan Aarav Vikram Rajesh Sanjay Harpreet Gurpreet Jaspreet Amrit Ravi Deepak"
        ),
        "female": _s("Priya Anjali Kiran Simran Navneet Pooja Sunita Asha Harleen Meera"),
        "family": _s("Patel Singh Sharma Gill Sandhu Sidhu Mistry Shah Parmar Chauhan Kaur"),
    },
    "somali": {
        "weight": 3,
        "ethnicity": "black_african",
        "male": _s("Mohamed Abdi Abdirahman Ahmed Hassan Omar Yusuf Liban Abdullahi Mahad"),
        "female": _s("Hodan Amina Faduma Hawa Ayan Sahra Maryan Ifrah Hibo Khadija"),
        "family": _s(
            "Mohamed Ali Abdi Hassan Omar Farah Warsame Jama Osman Yusuf Ahmed Nur Ismail Egal"
        ),
    },
    "nigerian": {
        "weight": 3,
        "ethnicity": "black_african",
        "male": _s(
            "Oluwaseun Chinedu Emeka Tunde Ayodele Ikechukwu Olusegun David Daniel Samuel "
            "Emmanuel Tobi"
        ),
        "female": _s(
            "Chioma Ngozi Funmilayo Adaeze Blessing Precious Favour Esther Oluwatoyin Temitope"
        ),
        "family": _s("Okafor Adeyemi Okonkwo Adebayo Eze Olawale Nwosu Bello Ogunleye Obi Balogun"),
    },
    "ghanaian": {
        "weight": 1.5,
        "ethnicity": "black_african",
        "male": _s("Kwame Kofi Kwabena Kojo Yaw Kwesi Nana"),
        "female": _s("Ama Akosua Abena Efua Adwoa Afia Esi"),
        "family": _s("Mensah Asante Owusu Boateng Osei Appiah Agyeman Darko"),
    },
    "caribbean": {
        "weight": 3,
        "ethnicity": "black_caribbean",
        "male": _s("Jermaine Marcus Tyrone Andre Kemar Delroy Leon Dwayne Jaden Kai Isaiah"),
        "female": _s("Shanice Tanisha Keisha Aaliyah Jada Monique Tianna Nia Imani"),
        "family": _s(
            "Campbell Francis Bennett Grant Brown Williams Reid Thompson Henry Clarke Morgan"
        ),
    },
    "chinese": {
        "weight": 2.5,
        "ethnicity": "asian_chinese",
        "male": _s("Wei Hao Lei Yang Jun Ming Haoran Yuxuan Zihao Jian"),
        "female": _s("Jing Xin Yan Hui Li Xinyi Yutong Jiahui Siyu Mei"),
        "family": _s("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Lin"),
    },
    "vietnamese": {
        "weight": 1.5,
        "ethnicity": "asian_other",
        "male": _s("Văn_Minh Văn_Hùng Đức_Anh Minh_Tuấn Quốc_Bảo Văn_Long Thành_Đạt Văn_Nam"),
        "female": _s("Thị_Lan Thị_Hoa Thị_Mai Ngọc_Anh Thu_Trang Thị_Hương Bảo_Ngọc Thị_Linh"),
        "family": _s("Nguyễn Nguyễn Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ"),
    },
    "arab": {
        "weight": 2.5,
        "ethnicity": "arab",
        "male": _s("Mohammad Ahmad Omar Khaled Yousef Mustafa Abdullah Ibrahim Hamza Ali"),
        "female": _s("Fatima Aya Rahaf Lana Noor Maryam Hala Rania Aisha"),
        "family": _s(
            "Al-Hassan Al-Ali Haddad Khalil Saleh Hamdan Abdallah Mahmoud Osman Elamin Ibrahim"
        ),
    },
    "kurdish": {
        "weight": 1.5,
        "ethnicity": "other",
        "male": _s("Rebwar Karwan Dilshad Aram Hawre Shvan Hemin Rekan Mohammed Ahmed"),
        "female": _s("Shilan Nasrin Rozhan Dilan Avin Hana Shno"),
        "family": _s("Ahmed Mohammed Rasul Hama Karim Aziz Qadir Salih Omer"),
    },
    "eritrean": {
        "weight": 1.5,
        "ethnicity": "black_african",
        "male": _s("Yonas Dawit Tesfay Mehari Filmon Semere Biniam Robel Yohannes"),
        "female": _s("Helen Senait Selam Rahel Hiwet Luwam Yordanos Eden"),
        "family": _s(
            "Tesfamariam Haile Gebremedhin Tekle Kidane Berhane Mebrahtu Habte Woldemichael"
        ),
    },
    "afghan": {
        "weight": 1.5,
        "ethnicity": "asian_other",
        "male": _s("Mohammad Ahmad Ali Abdul Naveed Farid Jawad Rahmatullah Sayed Hamid"),
        "female": _s("Zahra Maryam Fereshta Parwana Mursal Shabnam Nazanin"),
        "family": _s("Ahmadi Rahimi Hakimi Noori Karimi Sultani Hussaini Stanikzai Safi"),
    },
    "albanian": {
        "weight": 1.5,
        "ethnicity": "white_other",
        "male": _s("Arben Ermal Klodian Besnik Dritan Endri Erion Kristian"),
        "female": _s("Elira Arta Blerta Klea Anjeza Ardita Xhesika"),
        "family": _s("Hoxha Shehu Dervishi Krasniqi Berisha Gashi Leka Kola"),
    },
}
CULTURE_NAMES = list(CULTURES)
CULTURE_WEIGHTS = [CULTURES[c]["weight"] for c in CULTURE_NAMES]
ASYLUM_CULTURES = ["eritrean", "afghan", "kurdish", "arab", "somali", "albanian", "vietnamese"]

# Spellings of one name as different agencies romanise it (first = a common form).
ROMANISED = [
    "Mohammed Muhammad Mohammad Muhammed Mohamed Mohamad Mohammod Mahamed",
    "Ahmed Ahmad Ahmet",
    "Hussain Hussein Husain Hossain Hussien",
    "Hassan Hasan Xasan",
    "Abdullah Abdallah Abdulla",
    "Abdullahi Abdilahi Cabdullahi",
    "Abdirahman Abdurahman Abdulrahman Abdul_Rahman",
    "Yusuf Yousef Youssef Yusef Yousuf",
    "Ibrahim Ebrahim Ibraheem",
    "Omar Umar Omer",
    "Osman Usman Uthman",
    "Mustafa Mustapha Mostafa",
    "Khaled Khalid",
    "Aisha Ayesha Aysha Aishah",
    "Fatima Fatimah Fatuma Faatima",
    "Maryam Mariam Maryan",
    "Zainab Zaynab Zeinab",
    "Khadija Khadijah Kadija",
    "Amina Aminah Ameena",
    "Noor Nur Nour",
    "Faduma Fadumo Fatuma",
    "Sahra Zahra Zahrah",
    "Chaudhry Chaudhary Choudhury Chowdhury",
    "Choudhury Chowdhury Chaudhury",
    "Rahman Rehman",
    "Miah Mia",
    "Hossain Hussain Hosain",
    "Gebremedhin Ghebremedhin Gebremedhn",
    "Tesfamariam Tesfamaryam",
    "Yohannes Yohanes Johannes",
    "Rahmatullah Rahmatulla Rahmat_Ullah",
    "Mohammad Mohammed Muhammad Mohamad",
    "Mohamed Mohammed Mohamud Maxamed",
    "Ahmad Ahmed",
    "Ahmadi Ahmady",
    "Hussaini Husaini Hosseini",
]
ROMANISED_OF: dict[str, list[str]] = {}
for _line in ROMANISED:
    _forms = _s(_line)
    ROMANISED_OF.setdefault(_forms[0], [f for f in _forms[1:] if f != _forms[0]])

# Chinese surnames as mainland pinyin and as Hong Kong / older Cantonese romanisation.
CANTONESE = {
    "Chen": "Chan",
    "Li": "Lee",
    "Huang": "Wong",
    "Wang": "Wong",
    "Zhang": "Cheung",
    "Liu": "Lau",
    "Zhou": "Chow",
    "Lin": "Lam",
    "Wu": "Ng",
    "Yang": "Yeung",
    "Xu": "Tsui",
}

# Short and familiar forms used as a recorded first name.
SHORT_FORMS = {
    "William": ["Will", "Billy", "Liam"],
    "Thomas": ["Tom", "Tommy"],
    "James": ["Jim", "Jamie", "Jimmy"],
    "Alexander": ["Alex", "Xander"],
    "Joseph": ["Joe", "Joey"],
    "Samuel": ["Sam", "Sammy"],
    "Daniel": ["Dan", "Danny"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Michael": ["Mike", "Mick", "Mikey"],
    "Christopher": ["Chris", "Kit"],
    "Richard": ["Rich", "Ricky"],
    "Robert": ["Rob", "Bob", "Bobby"],
    "Andrew": ["Andy", "Drew"],
    "Stephen": ["Steve", "Stevie"],
    "Jacob": ["Jake"],
    "Nathan": ["Nate"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"],
    "Katherine": ["Kate", "Katie", "Kathy"],
    "Margaret": ["Maggie", "Peggy", "Meg"],
    "Rebecca": ["Becky", "Becca"],
    "Victoria": ["Vicky", "Tori"],
    "Jessica": ["Jess", "Jessie"],
    "Charlotte": ["Lottie", "Charlie"],
    "Isabella": ["Bella", "Izzy"],
    "Amelia": ["Millie", "Mia"],
    "Olivia": ["Liv", "Livvy"],
    "Bethany": ["Beth"],
    "Samantha": ["Sam", "Sammie"],
    "Jennifer": ["Jen", "Jenny"],
    "Susan": ["Sue", "Susie"],
    "Patrick": ["Paddy", "Pat"],
    "Bridget": ["Biddy", "Bridie"],
    "Kathleen": ["Kath", "Kathy"],
    "Wojciech": ["Wojtek"],
    "Małgorzata": ["Gosia"],
    "Katarzyna": ["Kasia"],
    "Aleksandra": ["Ola"],
    "Oluwaseun": ["Seun"],
    "Oluwatoyin": ["Toyin"],
    "Temitope": ["Tope"],
    "Chinedu": ["Nedu"],
    "Ayodele": ["Ayo"],
    "Olusegun": ["Segun"],
    "Funmilayo": ["Funmi"],
    "Ikechukwu": ["Ike"],
    "Abdullah": ["Abdul"],
}

# Twins whose names were chosen to go together.
TWIN_PAIRS = {
    "male": [
        ("Hassan", "Hussain"),
        ("Jack", "Jake"),
        ("Harry", "Henry"),
        ("Leo", "Luca"),
        ("Aidan", "Ethan"),
        ("Kyle", "Kian"),
        ("Ayaan", "Rayyan"),
        ("Tyler", "Taylor"),
        ("Jayden", "Jaden"),
        ("Oscar", "Otis"),
    ],
    "female": [
        ("Ella", "Emma"),
        ("Ruby", "Rosie"),
        ("Mia", "Maya"),
        ("Lily", "Lola"),
        ("Amelia", "Amelie"),
        ("Aisha", "Ayesha"),
        ("Hana", "Hiba"),
        ("Leah", "Lexi"),
        ("Jasmine", "Jessica"),
        ("Isla", "Ivy"),
    ],
}

POLISH_FEMININE = {"ski": "ska", "cki": "cka", "dzki": "dzka"}

POSTCODE_AREAS = ["QQ", "QJ", "QV", "QX"]  # no such areas exist
UNIT = "ABDEFGHJLNPQRSTUWXYZ"
KEYS = "qwertyuiop asdfghjkl zxcvbnm"


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def pick(rng: random.Random, items: list[str], skew: float = 0.9) -> str:
    """Earlier entries more often (weight 1 / rank**skew)."""
    weights = [1 / (i + 1) ** skew for i in range(len(items))]
    return rng.choices(items, weights)[0]


def plain(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d").replace("Ł", "L").replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slip(rng: random.Random, word: str) -> str:
    """One keying error inside a word: neighbouring key, dropped, doubled or swapped letter."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        c = word[i].lower()
        row = next((r for r in KEYS.split() if c in r), "")
        if row:
            j = row.index(c)
            near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
            return word[:i] + rng.choice(near) + word[i + 1 :]
        return word[:i] + word[i + 1 :]
    if kind < 0.55:
        return word[:i] + word[i + 1 :]
    if kind < 0.8:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def years_before(day: dt.date, years: float, rng: random.Random) -> dt.date:
    return day - dt.timedelta(days=int(years * 365.25) + rng.randrange(0, 365))


def age(born: dt.date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


# --------------------------------------------------------------------------------------
# People and records (attribute names match what the shared loader and scorer read)
# --------------------------------------------------------------------------------------


@dataclass
class Person:
    idx: int
    household: int
    culture: str
    sex: str
    given: str
    family: str
    dob: dt.date
    ethnicity: str
    postcode: str
    role: str  # parent, child, adult, hostel, asylum, care
    twin_of: int | None = None
    twin_similar: bool = False
    hostel: bool = False
    setting: str = ""  # hostel / asylum_hotel / childrens_home
    other_family: str = ""  # stepfather's or married surname, recorded by some agencies
    family_postcode: str = ""  # a child in care: the family home
    dob_placeholder: bool = False  # true date unknown: an assessed 1 January
    junior_of: int | None = None
    records: list[Rec] = field(default_factory=list)


@dataclass
class Rec:
    idx: int
    person: Person
    given: str
    family: str
    sex: str
    dob: dt.date | None
    estimated_age: int | None
    postcode: str
    query_postcode: str
    tags: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    pk: int | None = None


class World:
    def __init__(self, target_records: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.records: list[Rec] = []
        self.households = 0
        self._postcodes: set[str] = set()
        self.settings: dict[str, list[str]] = {}
        self._build_settings()
        while len(self.records) < target_records:
            self._household()

    # -- places ------------------------------------------------------------------------
    def postcode(self) -> str:
        rng = self.rng
        while True:
            pc = (
                f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 19)} "
                f"{rng.randint(0, 9)}{rng.choice(UNIT)}{rng.choice(UNIT)}"
            )
            if pc not in self._postcodes:
                self._postcodes.add(pc)
                return pc

    def _build_settings(self) -> None:
        # postcode -> remaining residents to place; filled as households are made
        self.settings = {
            "hostel": [self.postcode() for _ in range(4)],
            "asylum_hotel": [self.postcode() for _ in range(3)],
            "childrens_home": [self.postcode() for _ in range(8)],
        }

    # -- people ------------------------------------------------------------------------
    def _new_person(self, **kw: Any) -> Person:
        p = Person(idx=len(self.people), **kw)
        self.people.append(p)
        return p

    def _name(self, culture: str, sex: str) -> str:
        return pick(self.rng, CULTURES[culture][sex])

    def _family_name(self, culture: str, sex: str) -> str:
        name = pick(self.rng, CULTURES[culture]["family"], 0.8)
        if culture == "polish" and sex == "female":
            for end, fem in POLISH_FEMININE.items():
                if name.endswith(end):
                    return name[: -len(end)] + fem
        if culture in ("indian",) and name == "Kaur" and sex == "male":
            return "Singh"
        if (
            culture in ("pakistani", "bangladeshi")
            and sex == "male"
            and name
            in (
                "Begum",
                "Khatun",
            )
        ):
            return "Ahmed"
        return name

    def _household(self) -> None:
        rng = self.rng
        hh = self.households
        self.households += 1
        r = rng.random()
        if r < 0.58:
            self._family(hh)
        elif r < 0.86:
            culture = rng.choices(CULTURE_NAMES, CULTURE_WEIGHTS)[0]
            sex = rng.choice(["female", "male"])
            p = self._new_person(
                household=hh,
                culture=culture,
                sex=sex,
                given=self._name(culture, sex),
                family=self._family_name(culture, sex),
                dob=years_before(TODAY, rng.uniform(18, 80), rng),
                ethnicity=CULTURES[culture]["ethnicity"],
                postcode=self.postcode() if rng.random() < 0.9 else "",
                role="adult",
            )
            if sex == "female" and 22 <= age(p.dob) <= 60 and rng.random() < 0.15:
                p.other_family = self._family_name(culture, "female")
            self._records(p)
        elif r < 0.95:
            self._resident(hh, "hostel")
        else:
            self._resident(hh, "asylum_hotel")

    def _resident(self, hh: int, setting: str) -> None:
        rng = self.rng
        if setting == "asylum_hotel":
            culture = rng.choice(ASYLUM_CULTURES)
            sex = "male" if rng.random() < 0.8 else "female"
            years = rng.uniform(16, 40)
        else:
            culture = rng.choices(CULTURE_NAMES, CULTURE_WEIGHTS)[0]
            sex = "male" if rng.random() < 0.75 else "female"
            years = rng.uniform(18, 65)
        dob = years_before(TODAY, years, rng)
        placeholder = setting == "asylum_hotel" and rng.random() < 0.45
        if placeholder:
            dob = dt.date(dob.year, 1, 1)
        p = self._new_person(
            household=hh,
            culture=culture,
            sex=sex,
            given=self._name(culture, sex),
            family=self._family_name(culture, sex),
            dob=dob,
            ethnicity=CULTURES[culture]["ethnicity"],
            postcode=pick(rng, self.settings[setting], 0.5),
            role="asylum" if setting == "asylum_hotel" else "hostel",
            hostel=True,
            setting=setting,
            dob_placeholder=placeholder,
        )
        self._records(p)

    def _family(self, hh: int) -> None:
        rng = self.rng
        culture = rng.choices(CULTURE_NAMES, CULTURE_WEIGHTS)[0]
        info = CULTURES[culture]
        home = self.postcode()
        mother_age = rng.uniform(22, 52)
        mother_dob = years_before(TODAY, mother_age, rng)
        # the father's culture is sometimes another one (mixed families)
        f_culture = culture
        if rng.random() < 0.12:
            f_culture = rng.choices(CULTURE_NAMES, CULTURE_WEIGHTS)[0]
        father_family = self._family_name(f_culture, "male")
        mother_family = father_family
        married = rng.random() < 0.6
        if not married or f_culture != culture:
            mother_family = self._family_name(culture, "female")
        if culture == "polish" and f_culture == "polish" and married:
            mother_family = self._feminine(father_family)
        if culture in ("somali", "eritrean", "kurdish", "afghan"):
            mother_family = self._family_name(culture, "female")  # names do not change
        mother = self._new_person(
            household=hh,
            culture=culture,
            sex="female",
            given=self._name(culture, "female"),
            family=mother_family,
            dob=mother_dob,
            ethnicity=info["ethnicity"],
            postcode=home,
            role="parent",
        )
        if married and mother_family == father_family and rng.random() < 0.5:
            mother.other_family = self._family_name(culture, "female")  # maiden name
        father: Person | None = None
        remarried = rng.random() < 0.12
        father_present = rng.random() < (0.35 if remarried else 0.7)
        father_given = self._name(f_culture, "male")
        if father_present:
            father = self._new_person(
                household=hh,
                culture=f_culture,
                sex="male",
                given=father_given,
                family=father_family,
                dob=mother_dob - dt.timedelta(days=rng.randint(-700, 2500)),
                ethnicity=CULTURES[f_culture]["ethnicity"],
                postcode=home,
                role="parent",
            )
        # children's surname: father's, hyphenated, or the mother's
        hyphen = (not married or f_culture != culture) and rng.random() < 0.35
        if hyphen and father_family != mother_family:
            parts = [father_family, mother_family]
            if rng.random() < 0.4:
                parts.reverse()
            child_family = "-".join(parts)
        elif not married and rng.random() < 0.3:
            child_family = mother_family
        else:
            child_family = father_family
        if culture == "somali" and f_culture == "somali":
            child_family = father_given  # a Somali child's surname is the father's name
        stepfather_family = self._family_name(culture, "male") if remarried else ""
        n_children = rng.choices([0, 1, 2, 3, 4, 5], [14, 26, 30, 17, 8, 5])[0]
        born = mother_dob + dt.timedelta(days=int(365.25 * rng.uniform(18, 26)))
        kids: list[Person] = []
        i = 0
        while i < n_children and born < TODAY - dt.timedelta(days=30):
            sex = rng.choice(["female", "male"])
            twins = rng.random() < 0.06
            names = self._child_names(culture, sex, twins, kids, father, father_given)
            first = None
            for k, given in enumerate(names):
                ksex = sex
                if twins and k == 1 and rng.random() < 0.35 and not self._similar(names):
                    ksex = "male" if sex == "female" else "female"
                    given = self._name(culture, ksex)
                fam = child_family
                if culture in ("polish",) and ksex == "female":
                    fam = self._feminine(fam)
                kid = self._new_person(
                    household=hh,
                    culture=culture,
                    sex=ksex,
                    given=given,
                    family=fam,
                    dob=born,
                    ethnicity=info["ethnicity"] if f_culture == culture else "mixed_other",
                    postcode=home,
                    role="child",
                )
                if father is not None and given == father.given and ksex == "male":
                    kid.junior_of = father.idx
                if first is not None:
                    kid.twin_of = first.idx
                    first.twin_of = kid.idx
                    kid.twin_similar = first.twin_similar = self._similar([first.given, kid.given])
                first = first or kid
                if remarried and stepfather_family:
                    kid.other_family = stepfather_family
                kids.append(kid)
            i += 1
            gap = 300 if rng.random() < 0.08 else rng.randint(420, 2400)  # some a year apart
            born = born + dt.timedelta(days=gap)
        if remarried:
            step = self._new_person(
                household=hh,
                culture=culture,
                sex="male",
                given=self._name(culture, "male"),
                family=stepfather_family,
                dob=mother_dob - dt.timedelta(days=rng.randint(-900, 3000)),
                ethnicity=info["ethnicity"],
                postcode=home,
                role="parent",
            )
            mother.other_family = stepfather_family
            self._records(step)
        # some older children are in a children's home
        for kid in kids:
            if 10 <= age(kid.dob) <= 17 and rng.random() < 0.07:
                kid.family_postcode = home
                kid.postcode = pick(rng, self.settings["childrens_home"], 0.3)
                kid.setting = "childrens_home"
                kid.role = "care"
                kid.hostel = True
        for p in [mother, *([father] if father else []), *kids]:
            self._records(p)

    def _feminine(self, name: str) -> str:
        for end, fem in POLISH_FEMININE.items():
            if name.endswith(end):
                return name[: -len(end)] + fem
        return name

    @staticmethod
    def _similar(names: list[str]) -> bool:
        a, b = names[0], names[-1]
        return len(names) == 2 and (a[0] == b[0] or a[-2:] == b[-2:])

    def _child_names(
        self,
        culture: str,
        sex: str,
        twins: bool,
        kids: list[Person],
        father: Person | None,
        father_given: str,
    ) -> list[str]:
        rng = self.rng
        taken = {k.given for k in kids}
        if twins and rng.random() < 0.45:
            a, b = rng.choice(TWIN_PAIRS[sex])
            return [a, b] if rng.random() < 0.5 else [b, a]
        out: list[str] = []
        junior_ok = culture in ("white_british", "irish_traveller", "caribbean", "nigerian")
        for _ in range(2 if twins else 1):
            if (
                sex == "male"
                and junior_ok
                and father is not None
                and father_given not in taken
                and rng.random() < 0.12
            ):
                name = father_given
            else:
                name = self._name(culture, sex)
                for _ in range(5):
                    if name not in taken:
                        break
                    name = self._name(culture, sex)
            taken.add(name)
            out.append(name)
        return out

    # -- records -----------------------------------------------------------------------
    def _records(self, p: Person) -> None:
        rng = self.rng
        if p.role in ("care", "asylum"):
            n = rng.choices([1, 2, 3, 4], [20, 35, 30, 15])[0]
        elif p.hostel or p.other_family or "-" in p.family or p.twin_of is not None:
            n = rng.choices([1, 2, 3, 4], [40, 32, 18, 10])[0]
        else:
            n = rng.choices([1, 2, 3, 4], [56, 27, 12, 5])[0]
        p.records.append(self._reference(p, single=n == 1))
        for _ in range(n - 1):
            p.records.append(self._variant(p))

    def _add(self, p: Person, **kw: Any) -> Rec:
        rec = Rec(idx=len(self.records), person=p, **kw)
        self.records.append(rec)
        return rec

    def _reference(self, p: Person, single: bool) -> Rec:
        """The first record: as the person gives their name, with a few gaps."""
        rng = self.rng
        tags: list[str] = []
        given, family, dob = p.given, p.family, p.dob
        sex = p.sex
        postcode = p.postcode
        estimated: int | None = None
        if p.other_family and p.role == "child" and rng.random() < 0.5:
            family = p.other_family  # this agency has the stepfather's surname
            tags.append("ref_stepfather_surname")
        if p.family_postcode and rng.random() < 0.5:
            postcode = p.family_postcode
            tags.append("ref_family_address")
        if rng.random() < 0.05:
            dob = None
            tags.append("ref_dob_missing")
            if rng.random() < 0.5:
                estimated = max(0, age(p.dob) + rng.randint(-2, 2))
        if postcode and rng.random() < 0.07:
            postcode = ""
            tags.append("ref_postcode_missing")
        if rng.random() < 0.03:
            sex = "unknown"
            tags.append("ref_sex_unknown")
        if single and rng.random() < 0.04:
            given = given[0]
            tags.append("ref_given_initial")
        return self._add(
            p,
            given=given,
            family=family,
            sex=sex,
            dob=dob,
            estimated_age=estimated,
            postcode=postcode,
            query_postcode=postcode,
            tags=tags,
        )

    def _variant(self, p: Person) -> Rec:
        """Another agency's record of the same person."""
        rng = self.rng
        given, family, dob, sex = p.given, p.family, p.dob, p.sex
        postcode = p.postcode
        estimated: int | None = None
        aliases: list[tuple[str, str, str]] = []
        tags: list[str] = []

        def maybe(prob: float, tag: str) -> bool:
            if rng.random() < prob:
                tags.append(tag)
                return True
            return False

        # -- who the person is: the hard cases ------------------------------------
        ref = p.records[0]
        if p.other_family and p.role in ("child", "care"):
            # school has one surname, police the other (relative to the first record)
            ref_family = p.other_family if ref.family == p.other_family else p.family
            other = p.family if ref_family == p.other_family else p.other_family
            family = ref_family
            if maybe(0.55, "surname_changed_after_remarriage"):
                family = other
                if rng.random() < 0.3:
                    aliases.append(("previous", given, ref_family))
                    tags.append("previous_name_alias_held")
            elif maybe(0.1, "surname_both_hyphenated"):
                family = f"{p.family}-{p.other_family}"
        elif p.other_family and p.sex == "female" and maybe(0.4, "surname_married_or_maiden"):
            family = p.other_family
            if rng.random() < 0.3:
                aliases.append(("previous", given, p.family))
                tags.append("previous_name_alias_held")
        if "-" in family and family == p.family:
            parts = family.split("-")
            r = rng.random()
            if r < 0.25:
                family = parts[0]
                tags.append("hyphenated_first_part_only")
            elif r < 0.45:
                family = parts[-1]
                tags.append("hyphenated_second_part_only")
            elif r < 0.55:
                family = " ".join(parts)
                tags.append("hyphen_as_space")
            elif r < 0.62:
                family = "".join(parts)
                tags.append("hyphen_dropped")
        if given in ROMANISED_OF and maybe(0.5, "given_romanised_differently"):
            given = rng.choice(ROMANISED_OF[given]).replace("_", " ")
        if family in ROMANISED_OF and maybe(0.35, "family_romanised_differently"):
            family = rng.choice(ROMANISED_OF[family]).replace("_", " ")
        if p.culture == "chinese" and family in CANTONESE and maybe(0.15, "family_cantonese"):
            family = CANTONESE[family]
        polish_f = p.culture == "polish" and p.sex == "female"
        if polish_f and family != self._masc(family) and maybe(0.25, "surname_masculine_form"):
            family = self._masc(family)
        if p.culture == "vietnamese" and " " in given and maybe(0.3, "middle_name_dropped"):
            given = given.split()[-1]
        accented = given != plain(given) or family != plain(family)
        if accented and maybe(0.6, "accents_dropped"):
            given, family = plain(given), plain(family)
        if "'" in family and maybe(0.5, "apostrophe_dropped"):
            family = family.replace("'", "" if rng.random() < 0.6 else " ")
        if family.startswith("Al-") and maybe(0.5, "al_prefix_changed"):
            family = rng.choice(["Al " + family[3:], "Al" + family[3:].lower(), family[3:]])
        order_prob = {"chinese": 0.3, "vietnamese": 0.3, "eritrean": 0.15, "afghan": 0.1}
        if maybe(order_prob.get(p.culture, 0.01), "name_order_swapped"):
            if p.culture == "vietnamese" and " " in given:
                given, family = f"{family} {given.rsplit(' ', 1)[0]}", given.rsplit(" ", 1)[1]
            else:
                given, family = family, given
        if p.family_postcode:
            # children's home or family home (relative to the first record)
            postcode = ref.postcode or p.postcode
            if maybe(0.55, "moved_childrens_home_and_family"):
                postcode = p.family_postcode if postcode == p.postcode else p.postcode
        if p.dob_placeholder:
            r = rng.random()
            if r < 0.35:
                dob = dt.date(p.dob.year + rng.choice([-1, 1]), 1, 1)
                tags.append("assessed_dob_year_differs")
            elif r < 0.55:
                dob = years_before(TODAY, age(p.dob) + 0.5, rng)
                tags.append("assessed_dob_vs_claimed")

        # -- ordinary recording differences --------------------------------------
        if given in SHORT_FORMS and maybe(0.3, "given_short_form"):
            given = rng.choice(SHORT_FORMS[given])
        elif maybe(0.04, "given_initial_only"):
            given = given[0]
        elif maybe(0.06, "given_typo"):
            given = slip(rng, given)
        elif maybe(0.02, "second_given_name_added"):
            given = f"{given} {self._name(p.culture, p.sex)}"
        if maybe(0.06, "family_typo"):
            family = slip(rng, family)
        if dob is not None and not p.dob_placeholder:
            r = rng.random()
            if r < 0.03 and dob.day <= 12 and dob.day != dob.month:
                dob = safe_date(dob.year, dob.day, dob.month) or dob
                tags.append("dob_day_month_swapped")
            elif r < 0.07:
                dob = self._dob_digit(dob)
                tags.append("dob_one_digit_wrong")
            elif r < 0.09:
                dob = dt.date(1900, 1, 1)
                tags.append("dob_placeholder_1900")
            elif r < 0.11:
                dob = dt.date(dob.year, 1, 1)
                tags.append("dob_estimated_1_january")
            elif r < 0.125:
                dob = safe_date(dob.year + rng.choice([-1, 1]), dob.month, dob.day) or dob
                tags.append("dob_year_off_by_one")
            elif r < 0.185:
                dob = None
                tags.append("dob_missing")
                if rng.random() < 0.5:
                    estimated = max(0, age(p.dob) + rng.randint(-3, 3))
        if not p.family_postcode:
            move_prob = 0.3 if p.hostel else 0.1
            if postcode and maybe(move_prob, "moved_address"):
                postcode = self.postcode()
        if postcode and maybe(0.1, "no_address_held"):
            postcode = ""
        query_postcode = postcode
        if postcode and maybe(0.08, "postcode_format"):
            query_postcode = rng.choice([postcode.replace(" ", ""), postcode.lower()])
        elif postcode and maybe(0.03, "postcode_typo"):
            i = rng.choice([-1, -2])
            letters = [c for c in UNIT if c != postcode[i]]
            q = list(postcode)
            q[i] = rng.choice(letters)
            query_postcode = "".join(q)
        if maybe(0.04, "sex_not_recorded"):
            sex = "unknown"
        elif maybe(0.01, "sex_recorded_wrongly"):
            sex = "male" if sex == "female" else "female"
        return self._add(
            p,
            given=given,
            family=family,
            sex=sex,
            dob=dob,
            estimated_age=estimated,
            postcode=postcode,
            query_postcode=query_postcode,
            tags=tags or ["exact_copy"],
            aliases=aliases,
        )

    @staticmethod
    def _masc(name: str) -> str:
        for end, fem in POLISH_FEMININE.items():
            if name.endswith(fem):
                return name[: -len(fem)] + end
        return name

    def _dob_digit(self, dob: dt.date) -> dt.date:
        rng = self.rng
        for _ in range(10):
            part = rng.choice(["day", "month", "year"])
            if part == "day":
                d = dob.day + rng.choice([-10, -1, 1, 10])
                out = safe_date(dob.year, dob.month, d)
            elif part == "month":
                out = safe_date(dob.year, dob.month + rng.choice([-1, 1]), dob.day)
            else:
                out = safe_date(dob.year + rng.choice([-10, -1, 1, 10]), dob.month, dob.day)
            if out and out <= TODAY:
                return out
        return dob


# --------------------------------------------------------------------------------------
# Hard groups and query choice
# --------------------------------------------------------------------------------------


def canonical_given(name: str) -> str:
    for base, forms in ROMANISED_OF.items():
        if name == base or name in (f.replace("_", " ") for f in forms):
            return base
    return plain(name)


class Groups:
    def __init__(self, world: World) -> None:
        self.by_idx = {p.idx: p for p in world.people}
        self.household: dict[int, list[Person]] = defaultdict(list)
        for p in world.people:
            self.household[p.household].append(p)
        self.at_postcode = Counter(p.postcode for p in world.people if p.postcode)
        self.names = Counter((canonical_given(p.given), plain(p.family)) for p in world.people)
        self.initials = Counter((p.given[0], plain(p.family)) for p in world.people)
        self.junior_fathers = {p.junior_of for p in world.people if p.junior_of is not None}
        self.placeholder_names = Counter(
            (canonical_given(p.given), p.dob) for p in world.people if p.dob_placeholder
        )

    def of(self, p: Person) -> list[str]:
        g: list[str] = []
        if p.twin_of is not None:
            g.append("twin")
            if p.twin_similar:
                g.append("twin_similar_names")
        siblings = [
            s
            for s in self.household[p.household]
            if s.idx != p.idx and s.role in ("child", "care") and p.role in ("child", "care")
        ]
        if any(s.idx != p.twin_of and abs((s.dob - p.dob).days) <= 730 for s in siblings):
            g.append("sibling_close_dob")
        elif siblings and p.twin_of is None:
            g.append("sibling")
        if p.junior_of is not None or p.idx in self.junior_fathers:
            g.append("father_son_same_name")
        if p.other_family and p.role in ("child", "care"):
            g.append("step_family_surname")
        if "-" in p.family:
            g.append("hyphenated_surname")
        if p.setting and self.at_postcode[p.postcode] > 1:
            g.append(p.setting)
        if p.dob_placeholder:
            g.append("placeholder_dob")
        if canonical_given(p.given) in ROMANISED_OF or p.culture in ("chinese", "vietnamese"):
            g.append("romanised_name")
        if self.names[(canonical_given(p.given), plain(p.family))] >= 4:
            g.append("common_name")
        if len(p.records[0].given) == 1 and self.initials[(p.given[0], plain(p.family))] > 1:
            g.append("initial_only")
        return g


HARD_NEW_QUOTAS = {
    "twin": 0.18,
    "twin_similar_names": 0.08,
    "sibling_close_dob": 0.10,
    "sibling": 0.06,
    "father_son_same_name": 0.08,
    "step_family_surname": 0.07,
    "hostel": 0.07,
    "asylum_hotel": 0.08,
    "childrens_home": 0.05,
    "placeholder_dob": 0.07,
    "common_name": 0.08,
    "initial_only": 0.04,
    "hyphenated_surname": 0.04,
}
HARD_EXISTING = [
    "twin",
    "sibling_close_dob",
    "father_son_same_name",
    "step_family_surname",
    "hyphenated_surname",
    "hostel",
    "asylum_hotel",
    "childrens_home",
    "placeholder_dob",
    "romanised_name",
    "common_name",
]


def choose_queries(world: World, n: int, hard: int, seed: int) -> list[tuple[str, list[str], Rec]]:
    rng = random.Random(seed * 31 + 5)
    groups = Groups(world)
    multi = [p for p in world.people if len(p.records) >= 2]
    single = [p for p in world.people if len(p.records) == 1]
    g_of = {p.idx: groups.of(p) for p in world.people}
    out: list[tuple[str, list[str], Rec]] = []
    # existing: half uniform, half spread over the hard groups
    n_existing = n // 2
    uniform = rng.sample(multi, min(n_existing // 2, len(multi)))
    taken = {p.idx for p in uniform}
    per_group = (n_existing - len(uniform)) // len(HARD_EXISTING)
    hard_existing: list[Person] = []
    for g in HARD_EXISTING:
        pool = [p for p in multi if g in g_of[p.idx] and p.idx not in taken]
        for p in rng.sample(pool, min(per_group, len(pool))):
            taken.add(p.idx)
            hard_existing.append(p)
    short = n_existing - len(uniform) - len(hard_existing)
    rest = [p for p in multi if p.idx not in taken]
    hard_existing += rng.sample(rest, min(max(short, 0), len(rest)))
    for p in uniform + hard_existing:
        out.append(("existing", g_of[p.idx], rng.choice(p.records[1:])))
    # hard new-person queries
    used: set[int] = set()
    for g, share in HARD_NEW_QUOTAS.items():
        pool = [p for p in single if g in g_of[p.idx] and p.idx not in used]
        for p in rng.sample(pool, min(int(hard * share), len(pool))):
            used.add(p.idx)
            out.append(("hard_new", g_of[p.idx], p.records[0]))
    rest_single = [p for p in single if p.idx not in used]
    for p in rng.sample(rest_single, min(n - n_existing, len(rest_single))):
        out.append(("new", g_of[p.idx], p.records[0]))
    return out


# --------------------------------------------------------------------------------------
# Truth file and run
# --------------------------------------------------------------------------------------

TRUTH_COLUMNS = [
    *("person_id", "record", "identity", "household", "role", "setting", "twin_of"),
    *("given", "family", "sex", "dob", "estimated_age", "postcode", "tags"),
]


def write_truth(world: World, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(TRUTH_COLUMNS)
        for r in world.records:
            p = r.person
            w.writerow(
                [
                    *(r.pk, r.idx, p.idx, p.household, p.role, p.setting, p.twin_of or ""),
                    *(r.given, r.family, r.sex, r.dob or "", r.estimated_age or ""),
                    *(r.postcode, ";".join(r.tags)),
                ]
            )


def attach_pks(world: World, path: Path) -> None:
    """Give each regenerated record its database id; refuse if the data differ."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if len(rows) != len(world.records):
        raise SystemExit(f"{path}: {len(rows)} records, generator made {len(world.records)}")
    for row in rows:
        r = world.records[int(row["record"])]
        if (row["given"], row["family"], row["postcode"]) != (r.given, r.family, r.postcode):
            raise SystemExit(f"{path}: record {r.idx} differs from the generator's; rebuild")
        r.pk = int(row["person_id"])


def describe_world(world: World) -> dict[str, Any]:
    groups = Groups(world)
    group_counts: Counter[str] = Counter()
    for p in world.people:
        group_counts.update(groups.of(p))
    tag_counts: Counter[str] = Counter()
    for p in world.people:
        for r in p.records[1:]:
            tag_counts.update(r.tags)
    return {
        "people_by_role": dict(Counter(p.role for p in world.people)),
        "people_by_culture": dict(Counter(p.culture for p in world.people).most_common()),
        "people_in_hard_groups": dict(group_counts.most_common()),
        "variant_records_by_tag": dict(tag_counts.most_common()),
        "largest_shared_postcodes": Counter(
            p.postcode for p in world.people if p.setting
        ).most_common(6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=30000, help="Person rows in the store")
    parser.add_argument("--queries", type=int, default=2000, help="half existing, half new")
    parser.add_argument("--hard-queries", type=int, default=600, help="look-alike new people")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--warmup", type=int, default=50, help="untimed queries first")
    parser.add_argument("--db-url", default="")
    parser.add_argument("--reuse", action="store_true", help="keep the built database")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    url = args.db_url or (
        f"postgres://postgres@127.0.0.1:5432/cairn_idfresh_{args.people}_{args.seed}"
    )
    os.environ["BENCH_DATABASE_URL"] = url
    truth_path = ROOT / "bench" / "data" / f"identity-fresh-{args.people}-{args.seed}-truth.csv"
    started = time.perf_counter()
    t0 = time.perf_counter()
    world = World(args.people, args.seed)
    generate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    kept = shared.prepare_database(url, args.reuse and truth_path.exists())
    migrate_s = time.perf_counter() - t0

    import django

    django.setup()
    load_s = 0.0
    if kept:
        attach_pks(world, truth_path)
    else:
        load_s = shared.load(world, args.seed)  # type: ignore[arg-type]
        write_truth(world, truth_path)
    queries = choose_queries(world, args.queries, args.hard_queries, args.seed)
    t0 = time.perf_counter()
    outcomes = shared.run_queries(world, queries, args.warmup)  # type: ignore[arg-type]
    query_s = time.perf_counter() - t0
    result = {
        "bench": "identity_fresh",
        "people": len(world.records),
        "identities": len(world.people),
        "identities_with_several_records": sum(len(p.records) > 1 for p in world.people),
        "households": world.households,
        "seed": args.seed,
        "database": url.rsplit("/", 1)[1],
        "reused_database": kept,
        "seconds": {
            "generate": round(generate_s, 1),
            "create_and_migrate": round(migrate_s, 1),
            "load": round(load_s, 1),
            "queries": round(query_s, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "load_average": os.getloadavg(),
        "world": describe_world(world),
        "summary": shared.summarise(outcomes),
    }
    shared.print_report(result)
    print(f"\nseconds: {result['seconds']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
