"""Identity matching on independent synthetic data, with known truth.

Written without reading the matcher's rules or the demo duplicate generator: the people,
the ways their records differ between agencies, and the hard negatives are this file's
own. Everything is invented (names are drawn from common UK first names and surnames of
many backgrounds; postcodes are in fictional ZZ/ZY/ZX/ZW areas; nobody is real).

    uv run python bench/identity_independent.py --people 20000 --queries 2000 \\
      --out bench/results/identity-independent-20k.json

Builds a fresh PostgreSQL database (default `cairn_idbench_<people>` on 127.0.0.1:5432,
user postgres; `--db-url` to change, `--reuse` to keep one built with the same
`--people` and `--seed`), migrates it, loads `--people` Person rows with
`cairn.demo.bulk.BulkWriter` (then sets every address's postcode to this file's own),
and writes the truth (person id -> identity, household, variations) to
`bench/data/identity-independent-<people>-<seed>-truth.csv`.

Then asks `match_person` as a Hub-wide police analyst, excluding the query record itself:
- existing-person queries (`--queries` / 2): a record whose person has another record;
  right when the top candidate with weight >= 6.0 is one of that person's records;
- new-person queries (`--queries` / 2): a record whose person has no other record;
  right when nothing reaches 6.0;
- hard new-person queries (`--hard-queries`): twins and siblings whose household is in
  the store, residents of a shared hostel / children's home postcode, and namesakes of
  common names; right when nothing reaches 6.0.
Reports precision / recall / F1 at 6.0 (a wrong top candidate >= 6.0 on any query is a
false positive), the best F1 over thresholds -5..15, blocking recall (true person
anywhere in the candidates), false matches per hard-negative group, wall p50/p95 per
query, and recall per kind of variation.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

REVIEW = 6.0
REFERENCE_DAY = dt.date(2026, 12, 1)  # ages are fixed against this day (determinism)
THRESHOLDS = [x / 2 for x in range(-10, 31)]  # -5.0 .. 15.0

# --------------------------------------------------------------------------------------
# Names. Lists are in rough order of frequency; draws are Zipf-weighted by position so
# the first few names are common (many "Jack Smith"s, many "Mohammed Ali"s).
# --------------------------------------------------------------------------------------


def _w(text: str) -> list[str]:
    return text.split()


CULTURES: dict[str, dict[str, Any]] = {
    "english": {
        "weight": 46,
        "ethnicity": ["white_british"],
        "male": _w(
            "Jack Oliver Harry George Charlie Thomas James William Jacob Noah Alfie Joshua "
            "Daniel Leo Oscar Ethan Samuel Joseph Henry Archie Lewis Callum Dylan Mason "
            "Riley Kyle Liam Connor Ryan Jordan Bradley Kieran Tyler Reece Dean Nathan "
            "Matthew Christopher Michael Robert Richard David Paul Mark Stephen Anthony "
            "Benjamin Alexander Jonathan Luke Jake Aiden Jayden Sean Philip Lee Craig Wayne"
        ),
        "female": _w(
            "Olivia Amelia Isla Ava Emily Sophie Grace Mia Poppy Ella Lily Jessica Evie "
            "Isabella Chloe Charlotte Ruby Freya Millie Holly Daisy Leah Megan Lauren "
            "Bethany Shannon Paige Courtney Jade Chelsea Rebecca Samantha Katie Zoe "
            "Hannah Abigail Elizabeth Victoria Jennifer Nicola Danielle Stephanie Kayleigh "
            "Ashleigh Caitlin Alexis Kimberley Isabelle Jasmine Tia Keira Summer Lexi"
        ),
        "family": _w(
            "Smith Jones Williams Brown Taylor Davies Evans Wilson Thomas Johnson Roberts "
            "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
            "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark "
            "Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
            "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey "
            "Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson "
            "Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason "
            "Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd "
            "Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Pearson Brookes"
        ),
    },
    "pakistani": {
        "weight": 9,
        "ethnicity": ["asian_pakistani"],
        "male": _w(
            "Mohammed Muhammad Ali Ibrahim Yusuf Adam Ayaan Hamza Zayn Bilal Imran Usman "
            "Abdullah Hassan Haris Omar Zain Arslan Faisal Tariq Kamran Shahid Asif Naveed"
        ),
        "female": _w(
            "Maryam Aisha Fatima Zainab Hafsa Amina Khadija Hania Iqra Sana Noor Ayesha "
            "Mahnoor Alisha Anaya Samina Nazia Shazia Rukhsana Saima Bushra Mehwish"
        ),
        "family": _w(
            "Khan Hussain Ali Ahmed Mahmood Iqbal Akhtar Rashid Shah Butt Malik Bibi Riaz "
            "Aslam Javed Mirza Qureshi Sheikh Chaudhry Raja Yousaf Saleem Nawaz Anwar"
        ),
    },
    "bangladeshi": {
        "weight": 4,
        "ethnicity": ["asian_bangladeshi"],
        "male": _w(
            "Mohammed Abdul Ayaan Rayyan Mahfuz Shahid Nazrul Rahim Jamal Sabbir Tanvir "
            "Sayeed Ashraf Kamal Rubel Shamim Ibrahim Yusuf"
        ),
        "female": _w(
            "Fatima Ayesha Sumaiya Tasnim Nusrat Ruksana Shirin Jannat Farhana Sadia Nadia "
            "Taslima Shamima Habiba Rumana Afia"
        ),
        "family": _w(
            "Begum Miah Rahman Uddin Islam Ahmed Hossain Chowdhury Khatun Ali Alam Haque "
            "Hoque Karim Akter Sarkar Talukder Bhuiyan"
        ),
    },
    "indian": {
        "weight": 4,
        "ethnicity": ["asian_indian"],
        "male": _w(
            "Arjun Aarav Rohan Harpreet Gurpreet Jaspreet Manpreet Rajesh Sanjay Vikram "
            "Amit Anil Deepak Kiran Harjit Sukhdev Ravi Nikhil Dev Karan"
        ),
        "female": _w(
            "Priya Anjali Simran Harpreet Jaspreet Navdeep Kiran Pooja Neha Sunita Rani "
            "Amrit Manjit Kavita Divya Shreya Meera Asha"
        ),
        "family": _w(
            "Patel Singh Kaur Sharma Shah Mistry Gill Sandhu Sidhu Dhillon Bains Kumar "
            "Parmar Chauhan Joshi Desai Mehta Sohal Johal Virdee"
        ),
    },
    "polish": {
        "weight": 5,
        "ethnicity": ["white_other"],
        "male": _w(
            "Jakub Kacper Szymon Filip Mateusz Bartosz Michał Wojciech Piotr Tomasz Krzysztof "
            "Łukasz Paweł Kamil Dawid Marcin Adrian Patryk Oskar Aleksander"
        ),
        "female": _w(
            "Zuzanna Julia Maja Zofia Hanna Lena Aleksandra Natalia Wiktoria Oliwia "
            "Katarzyna Agnieszka Małgorzata Magdalena Joanna Anna Karolina Weronika"
        ),
        "family": _w(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
            "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk "
            "Piotrowski Grabowski Nowakowski Pawłowski"
        ),
    },
    "romanian": {
        "weight": 3,
        "ethnicity": ["white_other", "white_roma"],
        "male": _w(
            "Andrei Alexandru Ionuț Mihai Ștefan Gabriel Florin Daniel Cristian Adrian "
            "Marius Gheorghe Vasile Constantin Bogdan Răzvan Ion Nicolae"
        ),
        "female": _w(
            "Maria Elena Ioana Andreea Alexandra Ana Gabriela Mihaela Florentina Ramona "
            "Denisa Bianca Roxana Daniela Larisa Ștefania Georgiana Claudia"
        ),
        "family": _w(
            "Popescu Ionescu Popa Stan Dumitru Stoica Gheorghe Munteanu Constantin Rusu "
            "Lungu Moldovan Matei Ciobanu Radu Lăcătuș Mihai Dinu Ene Bălan"
        ),
    },
    "somali_eritrean": {
        "weight": 4,
        "ethnicity": ["black_african"],
        "male": _w(
            "Mohamed Abdirahman Abdullahi Ahmed Abdi Hassan Yusuf Ismail Omar Mustafe "
            "Abdiaziz Liban Bashir Khalid Dawit Yonas Tesfaye Samuel Senait Filmon Habtom"
        ),
        "female": _w(
            "Fadumo Hodan Amina Sagal Ifrah Hibo Nimco Ayaan Khadra Asha Ladan Deeqa "
            "Hamdi Saida Ruth Helen Selam Mebrat Yordanos Luwam Semhar"
        ),
        "family": _w(
            "Mohamed Ali Hassan Abdi Ahmed Omar Osman Yusuf Farah Ibrahim Warsame Jama "
            "Hersi Aden Nur Egal Tesfay Gebremedhin Haile Tekle Berhane Kidane"
        ),
    },
    "west_african": {
        "weight": 4,
        "ethnicity": ["black_african"],
        "male": _w(
            "David Daniel Samuel Emmanuel Oluwaseun Oluwatobi Oluwafemi Chukwuemeka "
            "Adebayo Kwame Kofi Kwabena Chidi Tunde Ifeanyi Ayodele Joshua Precious Favour"
        ),
        "female": _w(
            "Grace Blessing Esther Favour Precious Olufunmilayo Oluwadamilola Adaeze "
            "Chiamaka Ngozi Abena Akosua Ama Folake Temitope Ruth Deborah Comfort"
        ),
        "family": _w(
            "Okafor Adeyemi Okonkwo Mensah Boateng Owusu Adebayo Oluwole Asante Nwosu "
            "Eze Ogunleye Bello Afolabi Osei Adjei Akinola Balogun Obi Oyelaran"
        ),
    },
    "caribbean": {
        "weight": 4,
        "ethnicity": ["black_caribbean", "mixed_white_black_caribbean"],
        "male": _w(
            "Tyrone Jermaine Marcus Leon Andre Kemar Dwayne Nathaniel Isaiah Malachi "
            "Jaden Tyrell Kai Jahmal Renaldo Delroy Winston Shane Romario Devon"
        ),
        "female": _w(
            "Shanice Tiana Aaliyah Jada Kiara Chantelle Latoya Shantelle Nia Imani "
            "Keisha Tanisha Monique Precious Destiny Sasha Jolene Marcia"
        ),
        "family": _w(
            "Campbell Brown Williams Thomas Clarke Johnson Grant Francis Henry Bailey "
            "Reid Gordon Morgan Stewart Robinson Lewis Richards Samuels Wright Thompson"
        ),
    },
    "irish_traveller": {
        "weight": 3,
        "ethnicity": ["white_gypsy_traveller", "white_irish"],
        "male": _w(
            "John Patrick Michael Martin Thomas James Christopher Joseph Edward William "
            "Francis Bernard Sean Kieran Jimmy Johnny Paddy Mikey"
        ),
        "female": _w(
            "Mary Bridget Margaret Kathleen Ellen Nora Helen Catherine Winnie Siobhan "
            "Niamh Aoife Caitlin Ciara Roisin Shauna Sinead Chelsea"
        ),
        "family": _w(
            "Ward McDonagh Connors Maughan Stokes Joyce Doherty O'Brien Delaney Reilly "
            "Murphy Sweeney McCarthy O'Connor Collins Quinn Cash Lee Keenan Gavin"
        ),
    },
    "chinese": {
        "weight": 2,
        "ethnicity": ["asian_chinese"],
        "male": _w("Wei Jun Hao Ming Jie Yang Lei Tao Bo Chen Kai Long Zhi Jian Hong Yu"),
        "female": _w("Li Mei Xin Yan Ying Jing Hui Fang Ling Xiu Lan Yue Na Qing Ting Min"),
        "family": _w("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Lin Guo He"),
    },
    "vietnamese": {
        "weight": 2,
        "ethnicity": ["asian_other"],
        "male": _w("Minh Tuan Duc Hung Quang Nam Long Khanh Bao Huy Thanh Anh Phuc Dung"),
        "female": _w("Linh Lan Huong Mai Thu Ngoc Trang Hoa Thao Phuong Anh Hanh Nhung"),
        "family": _w("Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly"),
    },
    "kurdish_arab": {
        "weight": 2,
        "ethnicity": ["arab", "other"],
        "male": _w(
            "Ahmad Karwan Rebwar Dilshad Hemin Sherko Ali Omar Yousef Khaled Mahmoud Rawand"
        ),
        "female": _w("Shilan Rojin Hana Nasreen Dilan Layla Zahra Noor Rana Hiba Sara Avin"),
        "family": _w("Ahmed Mohammed Abdullah Rashid Hussein Saleh Karim Aziz Jaff Barzani Othman"),
    },
}
CULTURE_NAMES = list(CULTURES)
CULTURE_WEIGHTS = [CULTURES[c]["weight"] for c in CULTURE_NAMES]

# Spelling variants that sound the same (one group = interchangeable spellings).
PHONETIC_GROUPS = [
    "Mohammed Muhammad Mohammad Mohamed Muhammed Mohamad",
    "Ahmed Ahmad Ahmet",
    "Hussain Hussein Husain Hossain",
    "Aleksandra Alexandra",
    "Aleksander Alexander",
    "Siobhan Shivaun Chevonne Shevonne",
    "Niamh Neve Neeve",
    "Aoife Eefa",
    "Caitlin Kaitlyn Caitlyn Katelyn",
    "Sean Shaun Shawn",
    "Aiden Aidan Ayden",
    "Jayden Jaden Jaydon Jaiden",
    "Leah Lea Lia",
    "Isabelle Isabel Isobel",
    "Zoe Zoey",
    "Katie Katy Katey",
    "Stephen Steven",
    "Philip Phillip",
    "Jonathan Johnathan",
    "Matthew Mathew",
    "Nicola Nichola",
    "Rebecca Rebekah",
    "Ashleigh Ashley Ashlee",
    "Chloe Khloe",
    "Kayleigh Kaylee Kayley",
    "Abdullahi Abdulahi Abdillahi",
    "Abdirahman Abdurahman Abdulrahman",
    "Fadumo Faduma Fatuma",
    "Fatima Fatimah Fatma",
    "Khadija Khadijah",
    "Amina Aminah Ameena",
    "Yusuf Yousuf Yusef Yousef Youssef",
    "Ibrahim Ebrahim Ibraheem",
    "Ayaan Ayan",
    "Zainab Zaynab",
    "Aisha Ayesha Aysha",
    "Jermaine Germaine",
    "Tyrone Tyron",
    "Shanice Shaniece Shaneice",
    "Aaliyah Aliyah Aleah",
    "Chantelle Shantelle",
    "Keisha Keesha",
    "Roisin Rosheen",
    "Sinead Shinead",
    "Ciara Keira Kiera",
    "Oluwaseun Oluwasegun",
    "Tesfaye Tesfay",
    "Mustafe Mustafa",
    "Omar Umar",
    "Usman Osman Othman",
    # surnames
    "Smith Smyth",
    "Thompson Thomson",
    "Clarke Clark",
    "Gray Grey",
    "Phillips Philips",
    "Matthews Mathews",
    "Brookes Brooks",
    "Reilly Riley",
    "McDonagh McDonough McDonaugh",
    "Connors Connor",
    "Maughan Maughn",
    "O'Brien OBrien",
    "O'Connor OConnor",
    "Chowdhury Choudhury Chaudhury",
    "Chaudhry Chaudhary Choudhry",
    "Haque Hoque Huq",
    "Rahman Rehman",
    "Uddin Udin",
    "Miah Mia Meah",
    "Begum Begam",
    "Mahmood Mahmud Mehmood",
    "Qureshi Kureshi",
    "Nowak Novak",
    "Kowalski Kovalski",
    "Farah Farrah",
    "Warsame Warsama",
    "Gebremedhin Gebremedin",
    "Okonkwo Okonko",
    "Boateng Boatemaa",
    "Reid Reed Read",
]
PHONETIC: dict[str, list[str]] = {}
for _group in PHONETIC_GROUPS:
    _names = _group.split()
    for _n in _names:
        PHONETIC.setdefault(_n, []).extend(x for x in _names if x != _n)

# Short forms and nicknames, formal -> known as.
NICKNAMES: dict[str, list[str]] = {
    "William": ["Billy", "Will", "Liam"],
    "Alexis": ["Lexi"],
    "Alexandra": ["Alex", "Lexie", "Sasha"],
    "Aleksandra": ["Ola", "Ala"],
    "Alexander": ["Alex", "Xander"],
    "Aleksander": ["Olek", "Alek"],
    "Dean": ["Deano"],
    "Daniel": ["Danny", "Dan"],
    "Thomas": ["Tom", "Tommy"],
    "James": ["Jamie", "Jim", "Jimmy"],
    "Robert": ["Rob", "Robbie", "Bobby"],
    "Richard": ["Rich", "Ricky"],
    "Michael": ["Mike", "Mikey", "Mick"],
    "Christopher": ["Chris"],
    "Matthew": ["Matt"],
    "Joseph": ["Joe", "Joey"],
    "Samuel": ["Sam", "Sammy"],
    "Benjamin": ["Ben", "Benji"],
    "Jonathan": ["Jon", "Jonny"],
    "Nathan": ["Nate"],
    "Anthony": ["Tony", "Ant"],
    "Callum": ["Cal"],
    "Joshua": ["Josh"],
    "Alfie": ["Alf"],
    "Charlie": ["Chaz"],
    "Bradley": ["Brad"],
    "Kieran": ["Kez"],
    "Jacob": ["Jake"],
    "Elizabeth": ["Beth", "Lizzie", "Libby"],
    "Rebecca": ["Becky", "Bex"],
    "Jessica": ["Jess", "Jessie"],
    "Victoria": ["Vicky", "Tori"],
    "Jennifer": ["Jen", "Jenny"],
    "Samantha": ["Sam", "Sammie"],
    "Charlotte": ["Charlie", "Lottie"],
    "Olivia": ["Liv", "Livvy"],
    "Isabella": ["Bella", "Izzy"],
    "Isabelle": ["Izzy", "Belle"],
    "Amelia": ["Millie", "Mia"],
    "Abigail": ["Abbie", "Abi"],
    "Kimberley": ["Kim"],
    "Nicola": ["Nicky"],
    "Danielle": ["Dani"],
    "Stephanie": ["Steph"],
    "Bethany": ["Beth"],
    "Courtney": ["Court"],
    "Mohammed": ["Mo"],
    "Muhammad": ["Mo"],
    "Mohamed": ["Mo"],
    "Abdirahman": ["Abdi"],
    "Abdullahi": ["Abdi"],
    "Abdiaziz": ["Aziz"],
    "Jakub": ["Kuba"],
    "Katarzyna": ["Kasia"],
    "Małgorzata": ["Gosia"],
    "Agnieszka": ["Aga"],
    "Wojciech": ["Wojtek"],
    "Krzysztof": ["Krzys"],
    "Tomasz": ["Tomek"],
    "Magdalena": ["Magda"],
    "Zuzanna": ["Zuza"],
    "Mateusz": ["Mati"],
    "Alexandru": ["Alex"],
    "Patrick": ["Paddy", "Pat"],
    "Bridget": ["Bridie", "Biddy"],
    "Margaret": ["Maggie", "Peggy"],
    "Kathleen": ["Kathy", "Kath"],
    "Francis": ["Frankie"],
    "Edward": ["Eddie", "Ned"],
    "Bernard": ["Barney"],
    "Catherine": ["Cathy", "Kate"],
    "Winnie": ["Winifred"],
    "Tyrone": ["Ty"],
    "Nathaniel": ["Nate"],
    "Oluwaseun": ["Seun"],
    "Oluwatobi": ["Tobi"],
    "Oluwafemi": ["Femi"],
    "Chukwuemeka": ["Emeka"],
    "Olufunmilayo": ["Funmi"],
    "Oluwadamilola": ["Dami", "Lola"],
    "Temitope": ["Tope"],
    "Ifeanyi": ["Ify"],
    "Adebayo": ["Bayo"],
    "Emmanuel": ["Manny"],
    "Chiamaka": ["Amaka"],
    "Mahnoor": ["Noor"],
    "Ibrahim": ["Ibby"],
    "Abdullah": ["Abdul"],
}

# An English name used at school or by the police instead of the birth name.
ANGLICISED: dict[str, list[str]] = {
    "Jakub": ["Jacob"],
    "Piotr": ["Peter"],
    "Michał": ["Michael"],
    "Paweł": ["Paul"],
    "Krzysztof": ["Christopher"],
    "Katarzyna": ["Kate", "Katherine"],
    "Joanna": ["Jo"],
    "Wojciech": ["Albert"],
    "Gheorghe": ["George"],
    "Ion": ["John"],
    "Ioana": ["Joanna"],
    "Ștefan": ["Steven"],
    "Vasile": ["Basil"],
    "Yonas": ["Jonah"],
    "Dawit": ["David"],
}
ENGLISH_NAMES = {
    "male": _w("David Michael Kevin Jason Tony Eric Peter Sam Jimmy Alan Danny Andy Kenny"),
    "female": _w("Lucy Jenny Amy Helen Grace Vivian Cindy Anna Susan Jessica Lily Annie"),
}

COMMON_NAMES = [
    ("male", "Jack", "Smith", "english"),
    ("male", "Thomas", "Jones", "english"),
    ("male", "James", "Williams", "english"),
    ("female", "Olivia", "Smith", "english"),
    ("female", "Jessica", "Brown", "english"),
    ("male", "Mohammed", "Ali", "pakistani"),
    ("male", "Mohammed", "Khan", "pakistani"),
    ("male", "Muhammad", "Hussain", "pakistani"),
    ("female", "Fatima", "Begum", "bangladeshi"),
    ("male", "Mohamed", "Hassan", "somali_eritrean"),
    ("male", "John", "Ward", "irish_traveller"),
    ("female", "Mary", "McDonagh", "irish_traveller"),
    ("male", "Daniel", "Murphy", "english"),
    ("female", "Priya", "Patel", "indian"),
    ("male", "Minh", "Nguyen", "vietnamese"),
]

KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}
POSTCODE_AREAS = ["ZZ", "ZY", "ZX", "ZW"]
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def zipf_choice(rng: random.Random, items: list[str], s: float = 0.6) -> str:
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def strip_accents(text: str) -> str:
    out = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in out if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: insert, delete, substitute or transpose (never the first letter
    dropped; the result always differs)."""
    if len(text) < 3:
        return text + rng.choice("aeiou")
    for _ in range(10):
        kind = rng.choice(("insert", "delete", "substitute", "transpose"))
        i = rng.randrange(1, len(text))
        ch = text[i].lower()
        if kind == "insert":
            extra = rng.choice(KEYBOARD.get(ch, "aeiou")) if rng.random() < 0.6 else ch
            out = text[:i] + extra + text[i:]
        elif kind == "delete":
            out = text[:i] + text[i + 1 :]
        elif kind == "substitute":
            out = text[:i] + rng.choice(KEYBOARD.get(ch, "aeiou")) + text[i + 1 :]
        else:
            i = rng.randrange(1, len(text) - 1)
            out = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if out != text:
            return out
    return text + "e"


def postcode(rng: random.Random) -> str:
    area = rng.choice(POSTCODE_AREAS)
    letters = "".join(rng.choice(POSTCODE_UNIT_LETTERS) for _ in range(2))
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{letters}"


def postcode_typo(rng: random.Random, pc: str) -> str:
    outward, inward = pc.split(" ")
    pos = rng.randrange(3)
    if pos == 0:
        inward = str((int(inward[0]) % 9) + 1) + inward[1:]
    else:
        options = [c for c in POSTCODE_UNIT_LETTERS if c != inward[pos]]
        inward = inward[:pos] + rng.choice(options) + inward[pos + 1 :]
    return f"{outward} {inward}"


def sub_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def dob_one_digit(rng: random.Random, dob: dt.date) -> dt.date | None:
    text = dob.strftime("%d%m%Y")
    for _ in range(20):
        i = rng.choice([0, 1, 2, 3, 6, 7])  # day, month, last two of the year
        digit = rng.choice([d for d in "0123456789" if d != text[i]])
        new = text[:i] + digit + text[i + 1 :]
        try:
            out = dt.date(int(new[4:]), int(new[2:4]), int(new[:2]))
        except ValueError:
            continue
        if out <= REFERENCE_DAY:
            return out
    return None


# --------------------------------------------------------------------------------------
# The world: identities (real people) and the records agencies hold of them.
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
    role: str  # "parent", "child", "single", "hostel"
    twin_of: int | None = None
    hostel: bool = False
    records: list[Rec] = field(default_factory=list)


@dataclass
class Rec:
    idx: int
    person: Person
    given: str
    family: str
    sex: str  # female / male / unknown
    dob: dt.date | None
    estimated_age: int | None
    postcode: str  # "" = no address held
    query_postcode: str  # what a user would type (format slips)
    tags: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    pk: int | None = None


class World:
    def __init__(self, people_target: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.records: list[Rec] = []
        self.households = 0
        hostel_count = max(5, people_target // 2500)
        self.hostels = [postcode(self.rng) for _ in range(hostel_count)]
        while len(self.records) < people_target:
            self._household()
        self.records = self.records[:people_target]
        kept = {id(r) for r in self.records}
        for p in self.people:
            p.records = [r for r in p.records if id(r) in kept]
        self.people = [p for p in self.people if p.records]
        self.rng.shuffle(self.records)
        for i, r in enumerate(self.records):
            r.idx = i

    # ---- people ------------------------------------------------------------------
    def _name(self, culture: str, sex: str) -> str:
        return zipf_choice(self.rng, CULTURES[culture][sex], 0.7)

    def _dob_for_age(self, age: int) -> dt.date:
        latest = sub_years(REFERENCE_DAY, age)
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def _person(self, **kw: Any) -> Person:
        p = Person(idx=len(self.people), **kw)
        self.people.append(p)
        for i in range(self._record_count()):
            rec = self._record(p, first=i == 0)
            p.records.append(rec)
            self.records.append(rec)
        return p

    def _record_count(self) -> int:
        x = self.rng.random()
        return 1 if x < 0.8 else 2 if x < 0.96 else 3

    def _household(self) -> None:
        rng = self.rng
        h = self.households
        self.households += 1
        culture = rng.choices(CULTURE_NAMES, weights=CULTURE_WEIGHTS)[0]
        spec = CULTURES[culture]
        ethnicity = rng.choice(spec["ethnicity"])
        kind = rng.random()
        if kind < 0.04:  # a resident of a hostel or children's home
            sex = rng.choice(("male", "female"))
            age = rng.randint(13, 17) if rng.random() < 0.6 else rng.randint(18, 45)
            self._person(
                household=h,
                culture=culture,
                sex=sex,
                given=self._name(culture, sex),
                family=zipf_choice(rng, spec["family"]),
                dob=self._dob_for_age(age),
                ethnicity=ethnicity,
                postcode=rng.choice(self.hostels),
                role="hostel",
                hostel=True,
            )
            return
        if kind < 0.06:  # a namesake of a very common name
            sex, given, family, culture = rng.choice(COMMON_NAMES)
            self._person(
                household=h,
                culture=culture,
                sex=sex,
                given=given,
                family=family,
                dob=self._dob_for_age(rng.randint(0, 50)),
                ethnicity=rng.choice(CULTURES[culture]["ethnicity"]),
                postcode=postcode(rng),
                role="single",
            )
            return
        family = zipf_choice(rng, spec["family"])
        home = postcode(rng)
        if kind < 0.22:  # an adult on their own
            sex = rng.choice(("male", "female"))
            self._person(
                household=h,
                culture=culture,
                sex=sex,
                given=self._name(culture, sex),
                family=family,
                dob=self._dob_for_age(rng.randint(18, 75)),
                ethnicity=ethnicity,
                postcode=home,
                role="single",
            )
            return
        # a family: one or two parents, one to five children (twins sometimes)
        mother_age = rng.randint(20, 50)
        parents = 1 if rng.random() < 0.45 else 2
        for i in range(parents):
            sex = "female" if i == 0 else "male"
            self._person(
                household=h,
                culture=culture,
                sex=sex,
                given=self._name(culture, sex),
                family=family,
                dob=self._dob_for_age(mother_age + (0 if i == 0 else rng.randint(-3, 8))),
                ethnicity=ethnicity,
                postcode=home,
                role="parent",
            )
        children = rng.choices([1, 2, 3, 4, 5], weights=[30, 35, 20, 10, 5])[0]
        age = rng.randint(0, min(17, mother_age - 17))
        used: set[str] = set()
        born_last: dt.date | None = None
        c = 0
        while c < children:
            twins = rng.random() < 0.06
            dob = self._dob_for_age(age)
            if born_last is not None and (born_last - dob).days < 300:
                dob = born_last - dt.timedelta(days=300 + rng.randrange(400))
            group = 2 if twins else 1
            first: Person | None = None
            for _ in range(group):
                sex = rng.choice(("male", "female"))
                given = self._name(culture, sex)
                tries = 0
                while given in used and tries < 20:
                    given = self._name(culture, sex)
                    tries += 1
                used.add(given)
                # a child may carry the other parent's surname or both, hyphenated
                child_family = family
                if culture == "english" and rng.random() < 0.08:
                    other = zipf_choice(rng, spec["family"])
                    if other != family:
                        child_family = f"{family}-{other}"
                p = self._person(
                    household=h,
                    culture=culture,
                    sex=sex,
                    given=given,
                    family=child_family,
                    dob=dob,
                    ethnicity=ethnicity,
                    postcode=home,
                    role="child",
                    twin_of=first.idx if first is not None else None,
                )
                if first is None:
                    first = p
                else:
                    first.twin_of = p.idx
            born_last = dob
            c += group
            age = age_on(dob, REFERENCE_DAY) + rng.randint(1, 3)
            if age > mother_age - 16:
                break

    # ---- records ----------------------------------------------------------------
    def _record(self, p: Person, *, first: bool) -> Rec:
        rng = self.rng
        rec = Rec(
            idx=-1,
            person=p,
            given=p.given,
            family=p.family,
            sex=p.sex,
            dob=p.dob,
            estimated_age=None,
            postcode=p.postcode,
            query_postcode=p.postcode,
        )
        if first:
            # the first record an agency holds: mostly clean, with the ordinary gaps
            if rng.random() < 0.05:
                rec.postcode = rec.query_postcode = ""
                rec.tags.append("ref_no_postcode")
            if rng.random() < 0.02:
                rec.dob, rec.estimated_age = None, age_on(p.dob, REFERENCE_DAY)
                rec.tags.append("ref_age_only")
            if rng.random() < 0.04:
                rec.sex = "unknown"
            return rec
        self._vary(rec)
        if not rec.tags:
            rec.tags.append("exact_copy")
        return rec

    def _vary(self, rec: Rec) -> None:
        rng = self.rng
        p = rec.person
        # names: usually one change, sometimes two
        options: list[tuple[str, int]] = [
            ("typo_given", 12),
            ("typo_family", 12),
            ("typo_both", 6),
            ("initial_only", 4),
            ("swapped_names", 6),
            ("surname_changed", 4),
            ("surname_changed_alias_on_file", 2),
        ]
        if rec.given in PHONETIC:
            options.append(("phonetic_given", 14))
        if rec.family in PHONETIC:
            options.append(("phonetic_family", 10))
        if strip_accents(rec.given + rec.family) != rec.given + rec.family:
            options.append(("accents_dropped", 10))
        if rec.given in NICKNAMES:
            options += [("nickname", 12), ("nickname_alias_on_file", 4)]
        if rec.given in ANGLICISED or p.culture in ("chinese", "vietnamese"):
            options.append(("anglicised_given", 6))
        options.append(("double_barrelled", 8 if "-" in rec.family else 3))
        changes = 0
        if rng.random() < 0.6:
            changes = 2 if rng.random() < 0.15 else 1
        for _ in range(changes):
            kind = rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]
            if kind in rec.tags:
                continue
            self._name_change(rec, kind)
        # date of birth
        if rng.random() < 0.3 and rec.dob is not None:
            kind = rng.choices(
                [
                    "dob_day_month_swapped",
                    "dob_digit_wrong",
                    "dob_year_off_by_one",
                    "dob_missing",
                    "dob_age_only",
                    "dob_1_january_placeholder",
                ],
                weights=[5, 5, 4, 4, 3, 2],
            )[0]
            d = rec.dob
            new: dt.date | None = d
            if kind == "dob_day_month_swapped":
                new = dt.date(d.year, d.day, d.month) if d.day <= 12 and d.day != d.month else None
                if new is None:
                    kind, new = "dob_digit_wrong", dob_one_digit(rng, d)
            elif kind == "dob_digit_wrong":
                new = dob_one_digit(rng, d)
            elif kind == "dob_year_off_by_one":
                y = d.year + rng.choice((-1, 1))
                new = (
                    d.replace(year=y) if not (d.month == 2 and d.day == 29) else d.replace(y, 3, 1)
                )
                if new > REFERENCE_DAY:
                    new = d.replace(year=d.year - 1) if d.month != 2 or d.day != 29 else d
            elif kind == "dob_missing":
                new = None
            elif kind == "dob_age_only":
                new = None
                rec.estimated_age = max(0, age_on(d, REFERENCE_DAY) + rng.choice((-1, 0, 0, 1)))
            else:
                new = dt.date(d.year, 1, 1)
                if new == d:
                    kind, new = "dob_year_off_by_one", dt.date(d.year - 1, 1, 1)
            if new != d:
                rec.dob = new
                rec.tags.append(kind)
        # address
        x = rng.random()
        if x < 0.22:
            rec.postcode = rec.query_postcode = (
                rng.choice(self.hostels) if rng.random() < 0.1 else postcode(rng)
            )
            rec.tags.append("moved")
        elif x < 0.34:
            rec.postcode = rec.query_postcode = ""
            rec.tags.append("no_postcode")
        elif x < 0.37 and rec.postcode:
            rec.postcode = rec.query_postcode = postcode_typo(rng, rec.postcode)
            rec.tags.append("postcode_typo")
        elif x < 0.42 and rec.postcode:
            rec.query_postcode = rng.choice(
                (rec.postcode.replace(" ", ""), rec.postcode.lower(), rec.postcode.lower() + " ")
            )
            rec.tags.append("postcode_format")
        if rng.random() < 0.08:
            rec.sex = "unknown"
            rec.tags.append("sex_unknown")

    def _name_change(self, rec: Rec, kind: str) -> None:
        rng = self.rng
        p = rec.person
        if kind == "typo_given":
            rec.given = typo(rng, rec.given)
        elif kind == "typo_family":
            rec.family = typo(rng, rec.family)
        elif kind == "typo_both":
            rec.given, rec.family = typo(rng, rec.given), typo(rng, rec.family)
        elif kind == "initial_only":
            rec.given = rec.given[0]
        elif kind == "swapped_names":
            rec.given, rec.family = rec.family, rec.given
        elif kind in ("surname_changed", "surname_changed_alias_on_file"):
            spec = CULTURES[p.culture]
            new = zipf_choice(rng, spec["family"])
            if new == rec.family:
                new = zipf_choice(rng, CULTURES["english"]["family"])
            if new == rec.family:
                return
            rec.family = new
            if kind.endswith("alias_on_file") and p.records:
                p.records[0].aliases.append(("alias", p.given, new))
        elif kind == "phonetic_given" and rec.given in PHONETIC:
            rec.given = rng.choice(PHONETIC[rec.given])
        elif kind == "phonetic_family" and rec.family in PHONETIC:
            rec.family = rng.choice(PHONETIC[rec.family])
        elif kind == "accents_dropped":
            rec.given, rec.family = strip_accents(rec.given), strip_accents(rec.family)
        elif kind in ("nickname", "nickname_alias_on_file") and rec.given in NICKNAMES:
            nick = rng.choice(NICKNAMES[rec.given])
            rec.given = nick
            if kind.endswith("alias_on_file") and p.records:
                p.records[0].aliases.append(("nickname", nick, p.family))
        elif kind == "anglicised_given":
            if rec.given in ANGLICISED:
                rec.given = rng.choice(ANGLICISED[rec.given])
            else:
                rec.given = rng.choice(ENGLISH_NAMES[p.sex])
        elif kind == "double_barrelled":
            if "-" in rec.family:
                parts = rec.family.split("-")
                rec.family = rng.choice([parts[0], parts[-1], " ".join(parts), "".join(parts)])
            else:
                other = zipf_choice(rng, CULTURES["english"]["family"])
                if other == rec.family:
                    return
                rec.family = rng.choice([f"{rec.family}-{other}", f"{other}-{rec.family}"])
        else:
            return
        rec.tags.append(kind)


# --------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------


def prepare_database(url: str, reuse: bool) -> bool:
    """Create (or keep, with --reuse) the database and migrate it. True if it was kept."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reuse:
            return True
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return False


def load(world: World, seed: int, batch: int = 5000) -> float:
    from django.db import connection

    from cairn.demo.bulk import BulkWriter, Identity, Record, _AgencyPick, analyse

    started = time.perf_counter()
    agencies = _AgencyPick.for_demo()
    truth = io.StringIO()
    writer = BulkWriter(seed=seed, today=REFERENCE_DAY, truth=truth, agencies=agencies)
    # One "household" per distinct address (so a moved record gets its own address).
    address_key: dict[str, int] = {}
    for start in range(0, len(world.records), batch):
        chunk = world.records[start : start + batch]
        records = []
        for r in chunk:
            p = r.person
            key = address_key.setdefault(r.postcode, len(address_key)) if r.postcode else -1
            identity = Identity(
                cluster_id=p.idx,
                household_id=key,
                category="child"
                if p.dob and age_on(p.dob, REFERENCE_DAY) < 18
                else "person_of_concern",
                given=p.given,
                family=p.family,
                sex=p.sex,
                date_of_birth=p.dob,
                ethnicity=p.ethnicity,
            )
            records.append(
                Record(
                    identity=identity,
                    given=r.given,
                    family=r.family,
                    sex=r.sex,
                    date_of_birth=r.dob,
                    estimated_age=r.estimated_age,
                    variations=(str(r.idx),),
                    lives_at=bool(r.postcode),
                    aliases=list(r.aliases),
                )
            )
        writer.write(records)
    truth.seek(0)
    for row in csv.DictReader(truth):
        world.records[int(row["variations"])].pk = int(row["person_id"])
    # Every address gets this file's own postcode (the writer invents its own).
    postcode_of = {r.pk: r.postcode for r in world.records if r.postcode}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.from_entity_id, l.to_entity_id FROM pole_link l "
            "WHERE l.link_type = 'lives_at'"
        )
        rows = cur.fetchall()
        # Only this call's records: a store loaded in parts (bench/identity_febrl.py) keeps
        # the postcodes of the parts already loaded.
        updates = sorted(
            {(loc, postcode_of[person]) for person, loc in rows if person in postcode_of}
        )
        cur.execute("CREATE TEMP TABLE idb_pc (entity_id bigint PRIMARY KEY, postcode text)")
        with cur.copy("COPY idb_pc (entity_id, postcode) FROM STDIN") as copy:
            for loc, pc in dict(updates).items():
                copy.write_row((loc, pc))
        cur.execute(
            "UPDATE pole_location AS l SET postcode = t.postcode FROM idb_pc t "
            "WHERE l.entity_id = t.entity_id"
        )
        cur.execute("DROP TABLE idb_pc")
    analyse()
    return time.perf_counter() - started


def write_truth(world: World, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                *("person_id", "record", "identity", "household", "role", "twin_of", "hostel"),
                *("given", "family", "dob", "postcode", "tags"),
            ]
        )
        for r in world.records:
            p = r.person
            w.writerow(
                [
                    *(r.pk, r.idx, p.idx, p.household, p.role, p.twin_of or "", int(p.hostel)),
                    *(r.given, r.family, r.dob or "", r.postcode, ";".join(r.tags)),
                ]
            )


def attach_pks(world: World, path: Path) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            world.records[int(row["record"])].pk = int(row["person_id"])


def bench_user() -> Any:
    from cairn.accounts.models import User
    from cairn.accounts.roles import Role
    from cairn.demo.org import ensure_agencies

    agencies = ensure_agencies()
    user, _ = User.objects.get_or_create(
        username="idbench.analyst", defaults={"role": Role.ANALYST, "agency": agencies["police"]}
    )
    return User.objects.select_related("agency").get(pk=user.pk)


# --------------------------------------------------------------------------------------
# Queries and scoring
# --------------------------------------------------------------------------------------


def choose_queries(world: World, n: int, hard: int, seed: int) -> list[tuple[str, list[str], Rec]]:
    """(kind, groups, record): kind 'existing' or 'new'; groups label hard negatives."""
    rng = random.Random(seed * 7 + 1)
    multi = [p for p in world.people if len(p.records) >= 2]
    single = [p for p in world.people if len(p.records) == 1]
    name_count = Counter((p.given, p.family) for p in world.people)
    residents = Counter(p.postcode for p in world.people if p.hostel)
    in_store_households = defaultdict(set)
    for p in world.people:
        in_store_households[p.household].add(p.idx)
    people_by_idx = {p.idx: p for p in world.people}

    def groups_of(p: Person) -> list[str]:
        g = []
        if p.twin_of is not None and p.twin_of in people_by_idx:
            g.append("twin")
        elif p.role in ("child", "parent") and len(in_store_households[p.household]) > 1:
            g.append("sibling_or_parent_in_store")
        if p.hostel and residents[p.postcode] > 1:
            g.append("shared_hostel_postcode")
        if name_count[(p.given, p.family)] >= 4:
            g.append("common_name")
        return g

    out: list[tuple[str, list[str], Rec]] = []
    for p in rng.sample(multi, min(n // 2, len(multi))):
        q = rng.choice(p.records[1:])
        out.append(("existing", groups_of(p), q))
    # hard new-person queries: twins, siblings, hostel residents, namesakes
    pools: dict[str, list[Person]] = defaultdict(list)
    for p in single:
        for g in groups_of(p):
            pools[g].append(p)
    quotas = {
        "twin": hard * 4 // 10,
        "sibling_or_parent_in_store": hard * 3 // 10,
        "shared_hostel_postcode": hard * 15 // 100,
        "common_name": hard * 15 // 100,
    }
    taken: set[int] = set()
    for g, quota in quotas.items():
        pool = [p for p in pools[g] if p.idx not in taken]
        for p in rng.sample(pool, min(quota, len(pool))):
            taken.add(p.idx)
            out.append(("hard_new", groups_of(p), p.records[0]))
    rest = [p for p in single if p.idx not in taken]
    for p in rng.sample(rest, min(n - n // 2, len(rest))):
        out.append(("new", groups_of(p), p.records[0]))
    return out


def query_fields(r: Rec) -> dict[str, str]:
    return {
        "given_name": r.given,
        "family_name": r.family,
        "date_of_birth": r.dob.isoformat() if r.dob else "",
        "postcode": r.query_postcode,
        "sex": r.sex if r.sex in ("female", "male") else "",
        "nickname": "",
    }


def prf(tp: int, fp: int, positives: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score(outcomes: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    tp = fp = 0
    positives = 0
    for o in outcomes:
        if o["kind"] == "existing":
            positives += 1
        top = o["top_weight"]
        if top is None or top < threshold:
            continue
        if o["kind"] == "existing" and o["top_true"]:
            tp += 1
        else:
            fp += 1
    return {"threshold": threshold, "tp": tp, "fp": fp, **prf(tp, fp, positives)}


def _describe(rec: Rec | None, match: Any) -> dict[str, Any]:
    if rec is None:
        return {"weight": round(match.weight, 2)}
    return {
        "weight": round(match.weight, 2),
        "name": f"{rec.given} {rec.family}",
        "dob": rec.dob.isoformat() if rec.dob else "",
        "postcode": rec.postcode,
        "reasons": list(match.reasons),
    }


def run_queries(
    world: World,
    queries: list[tuple[str, list[str], Rec]],
    warmup: int,
    fields: Callable[[Rec], dict[str, str]] = query_fields,
) -> list[dict[str, Any]]:
    """Ask `match_person` for each query record (`fields` says what a user would type;
    a query record need not be in the store: its pk is then None)."""
    from cairn.network.matching.online import match_person

    user = bench_user()
    pk_to_person = {r.pk: r.person.idx for r in world.records}
    by_pk = {r.pk: r for r in world.records}
    chosen = {id(q[2]) for q in queries}
    others = [r for r in world.records if id(r) not in chosen][:warmup]
    for r in others:
        match_person(user, fields(r), threshold=-50.0, limit=10, exclude_ids=(r.pk,))
    outcomes = []
    for kind, groups, r in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        matches = match_person(
            user,
            fields(r),
            threshold=-50.0,
            limit=10,
            exclude_ids=(r.pk,) if r.pk is not None else (),
        )
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        truth = r.person.idx
        top = matches[0] if matches else None
        true_weights = [m.weight for m in matches if pk_to_person.get(m.person.pk) == truth]
        outcomes.append(
            {
                "kind": kind,
                "groups": groups,
                "tags": r.person.records[0].tags + r.tags if kind == "existing" else [],
                "record": r.idx,
                "ms": ms,
                "cpu_ms": cpu_ms,
                "candidates": len(matches),
                "top_weight": top.weight if top else None,
                "top_true": bool(top) and pk_to_person.get(top.person.pk) == truth,
                "true_found": bool(true_weights),
                "true_best_weight": max(true_weights) if true_weights else None,
                "query": fields(r),
                "top": _describe(by_pk.get(top.person.pk), top) if top else None,
                # Every candidate (weight, is it this person?), for pairwise scoring.
                "scored": [(m.weight, pk_to_person.get(m.person.pk) == truth) for m in matches],
            }
        )
    return outcomes


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    existing = [o for o in outcomes if o["kind"] == "existing"]
    at = score(outcomes, REVIEW)
    sweep = [score(outcomes, t) for t in THRESHOLDS]
    best = max(sweep, key=lambda s: s["f1"])
    times = sorted(o["ms"] for o in outcomes)
    cpu = sorted(o.get("cpu_ms", 0.0) for o in outcomes)

    def right(o: dict[str, Any]) -> bool:
        return o["top_weight"] is not None and o["top_weight"] >= REVIEW and o["top_true"]

    def wrong_hit(o: dict[str, Any]) -> bool:
        return o["top_weight"] is not None and o["top_weight"] >= REVIEW and not o["top_true"]

    by_tag: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # queries whose only change (besides the reference record's own gaps) is this one
    alone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in existing:
        tags = o["tags"] or ["exact_copy"]
        for t in set(tags):
            by_tag[t].append(o)
        n_changes = len([t for t in o["tags"] if not t.startswith("ref_") and t != "exact_copy"])
        by_tag[f"changes={min(n_changes, 3)}{'+' if n_changes >= 3 else ''}"].append(o)
        for g in o["groups"]:
            by_tag[f"group:{g}"].append(o)
        if n_changes == 1:
            (only,) = (t for t in o["tags"] if not t.startswith("ref_") and t != "exact_copy")
            alone[only].append(o)

    def alone_recall(tag: str) -> float | None:
        os_ = alone.get(tag, [])
        return round(sum(right(o) for o in os_) / len(os_), 3) if os_ else None

    per_variation = {
        tag: {
            "queries": len(os_),
            "recall_at_6": round(sum(right(o) for o in os_) / len(os_), 3),
            "blocking_recall": round(sum(o["true_found"] for o in os_) / len(os_), 3),
            "wrong_top_at_6": sum(wrong_hit(o) for o in os_),
            "alone_queries": len(alone.get(tag, [])),
            "alone_recall_at_6": alone_recall(tag),
        }
        for tag, os_ in sorted(by_tag.items(), key=lambda kv: -len(kv[1]))
    }
    new_like = [o for o in outcomes if o["kind"] != "existing"]
    hard_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in new_like:
        hard_groups[f"{o['kind']}:all"].append(o)
        for g in o["groups"]:
            hard_groups[f"{o['kind']}:{g}"].append(o)
    false_matches = {
        g: {
            "queries": len(os_),
            "false_match_at_6": sum(wrong_hit(o) for o in os_),
            "rate": round(sum(wrong_hit(o) for o in os_) / len(os_), 4),
        }
        for g, os_ in sorted(hard_groups.items())
    }
    examples = {
        "new_false_matches": [
            {k: o[k] for k in ("kind", "groups", "query", "top")} for o in new_like if wrong_hit(o)
        ][:15],
        "existing_missed": [
            {k: o[k] for k in ("tags", "query", "top", "true_found", "true_best_weight")}
            for o in existing
            if not right(o)
        ][:25],
    }
    return {
        "queries": {
            k: sum(o["kind"] == k for o in outcomes) for k in ("existing", "new", "hard_new")
        },
        "at_6": at,
        "best_f1": best,
        "f1_by_threshold": {str(s["threshold"]): s["f1"] for s in sweep},
        "blocking_recall": round(sum(o["true_found"] for o in existing) / len(existing), 4),
        "existing_wrong_top_at_6": sum(wrong_hit(o) for o in existing),
        "new_false_matches": false_matches,
        # Client CPU (this process: ORM, scoring), without the database server's.
        "cpu_ms": {
            "p50": round(statistics.median(cpu), 2),
            "p95": round(cpu[int(len(cpu) * 0.95) - 1], 2),
        },
        "wall_ms": {
            "p50": round(statistics.median(times), 2),
            "p95": round(times[int(len(times) * 0.95) - 1], 2),
            "max": round(times[-1], 2),
        },
        "per_variation": per_variation,
        "examples": examples,
    }


def print_report(result: dict[str, Any]) -> None:
    s = result["summary"]
    a, b = s["at_6"], s["best_f1"]
    print(f"people {result['people']}  identities {result['identities']}  queries {s['queries']}")
    print(
        f"at 6.0: precision {a['precision']} recall {a['recall']} F1 {a['f1']} "
        f"(tp {a['tp']}, fp {a['fp']})"
    )
    print(f"best F1 {b['f1']} at {b['threshold']} (P {b['precision']} R {b['recall']})")
    print(
        f"blocking recall {s['blocking_recall']}  wall p50 {s['wall_ms']['p50']} ms "
        f"p95 {s['wall_ms']['p95']} ms  cpu p50 {s['cpu_ms']['p50']} ms p95 {s['cpu_ms']['p95']} ms"
    )
    print("\nnew-person false matches >= 6.0:")
    for g, v in s["new_false_matches"].items():
        print(f"  {g:40s} {v['false_match_at_6']:4d} / {v['queries']:4d}  ({v['rate']})")
    print("\nexisting-person recall by variation:")
    print(
        f"  {'variation':40s} {'n':>5s} {'recall@6':>9s} {'blocked':>8s} {'wrong>=6':>8s}"
        f" {'alone n':>8s} {'alone recall':>12s}"
    )
    for tag, v in s["per_variation"].items():
        print(
            f"  {tag:40s} {v['queries']:5d} {v['recall_at_6']:9.3f} "
            f"{v['blocking_recall']:8.3f} {v['wrong_top_at_6']:8d}"
            f" {v['alone_queries']:8d} {v['alone_recall_at_6'] if v['alone_queries'] else '-':>12}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000, help="Person rows in the store")
    parser.add_argument("--queries", type=int, default=2000, help="half existing, half new")
    parser.add_argument("--hard-queries", type=int, default=500, help="twins, siblings, ...")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--warmup", type=int, default=50, help="untimed queries first")
    parser.add_argument("--db-url", default="")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    url = args.db_url or (
        f"postgres://postgres@127.0.0.1:5432/cairn_idbench_{args.people}_{args.seed}"
    )
    os.environ["BENCH_DATABASE_URL"] = url
    truth_path = (
        ROOT / "bench" / "data" / f"identity-independent-{args.people}-{args.seed}-truth.csv"
    )
    t0 = time.perf_counter()
    world = World(args.people, args.seed)
    generate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    kept = prepare_database(url, args.reuse and truth_path.exists())
    migrate_s = time.perf_counter() - t0

    import django

    django.setup()
    load_s = 0.0
    if kept:
        attach_pks(world, truth_path)
    else:
        load_s = load(world, args.seed)
        write_truth(world, truth_path)
    queries = choose_queries(world, args.queries, args.hard_queries, args.seed)
    t0 = time.perf_counter()
    outcomes = run_queries(world, queries, args.warmup)
    query_s = time.perf_counter() - t0
    result = {
        "bench": "identity_independent",
        "people": len(world.records),
        "identities": len(world.people),
        "identities_with_several_records": sum(len(p.records) > 1 for p in world.people),
        "households": world.households,
        "seed": args.seed,
        "database": url.rsplit("/", 1)[1],
        "seconds": {
            "generate": round(generate_s, 1),
            "create_and_migrate": round(migrate_s, 1),
            "load": round(load_s, 1),
            "queries": round(query_s, 1),
        },
        "load_average": os.getloadavg(),
        "summary": summarise(outcomes),
    }
    print_report(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
