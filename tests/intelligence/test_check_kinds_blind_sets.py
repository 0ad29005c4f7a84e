"""Kinds of language behind the blind sets' misses and false flags (issue 12, 2026-12-07:
the second sealed set's three writers and the four new corpus writers scored blind), each
pinned on new wording (none of these sentences is in the corpus or a blind set), with the
past, negated and ordinary cases that must stay quiet. The rules alone must find each
danger-now kind (crime_rules.urgent_now), so the result does not hang on the model.

- danger now: a trip abroad soon to be cut or married; young children alone now with a
  danger at hand; someone kept until a debt is paid or until they agree; a demand with a
  deadline tonight; the writer waiting with the child for the police; "help they're taking
  me"; an adult who has arranged to meet a child tomorrow;
- an indicator note ("No disclosure", "nothing personal disclosed", "doesn't add up") is a
  crime only when the rules find an offence sentence or someone is in danger now;
- a car named by its make is a car for the kidnap cue; "Big T" is a nickname, not initials;
- the fourth sealed set's kinds (harm if a deadline is missed, an attack with a weapon
  planned for tonight, a threat to a child for today, a young child alone, a girl going
  abroad to be cut, a child going back to an adult who promised harm) and its vetoes said
  plainly (a joke, a film or game, an old conviction), never over a sentence's offence."""

from __future__ import annotations

import pytest

from cairn.intelligence import checks, crime_rules
from cairn.intelligence.crime_families import cued_families

TRIP_SOON = [
    "Nimo (8) is being flown to see family in three days; her aunt told her she will be cut "
    "there like the other girls.",
    "Her brother says Sagal (10) is going back home next week for the ceremony and it will "
    "hurt. Tickets booked.",
    "Rukhsana (16) says her dad has her passport and they leave for the airport tomorrow; "
    "she will be married to a man she has never met.",
]
ALONE_NOW = [
    "Three small children (1, 3 and 5) are alone in the flat above the bakery with the gas "
    "hob on, their mum is out.",
    "The twins, 2 years old, have been left by themselves in the house, mum has gone out and "
    "the back door is wide open onto the canal.",
    "Neighbour says a toddler is on his own on the second-floor balcony, window open, no adult.",
    # Third sealed set's kind: the only adult cannot be woken.
    "Girl of 7 rang from a neighbour's phone, dad is passed out on the sofa and her brother "
    "(2) is on his own upstairs.",
    "Kid says his mum won't wake up and the baby is alone in the flat.",
]
KEPT_UNTIL = [
    "Marcus (15) texted that the men at the Premier Inn say he can't come home till it's all sold.",
    "Her uncle says she won't leave the house until she agrees to the marriage.",
    "They will not allow him to leave until the money is paid back, he is scared.",
]
DEADLINE = [
    # Third sealed set's kind: harm promised if the child is not somewhere by a time.
    "says he has to be at the flat by 6 or they'll batter him, owes them for the bag",
    "she needs to be back at the house before midnight or the olders are gonna come for her",
    "someone has her pics and says send £500 by 9pm or they post them to her school",
    "They are demanding £250 before midnight or the video goes to his football team.",
]
OTHER_NOW = [
    "He called from the flat, man shouting and hitting his mum. I'm staying with the kids "
    "until the police arrive.",
    "text from Leah (14): 'help theyre taking me to a house, dont know where'",
    "A 25-year-old man has been sending Jas (13) sexual messages and he's arranged to meet "
    "her at the canal tonight.",
]


@pytest.mark.parametrize("text", TRIP_SOON + ALONE_NOW + KEPT_UNTIL + DEADLINE + OTHER_NOW)
def test_the_rules_alone_find_each_danger_now_kind(text: str) -> None:
    assert crime_rules.urgent_now(text), text


@pytest.mark.parametrize("text", KEPT_UNTIL)
def test_kept_until_is_also_a_rules_offence(text: str) -> None:
    assert crime_rules.crime_reasons(text), text


@pytest.mark.parametrize(
    "text",
    [
        # A trip made long ago, a holiday, a relative's wedding.
        "Fatuma (15) said she was taken to Kenya when she was six and cut by an old woman.",
        "She is flying to Spain on Saturday with her mum and nan for a week in the sun.",
        "The family fly to Lahore next week for her cousin's engagement party.",
        # Alone in the past, or alone with no danger and no absent carer.
        "She was left alone with her baby brother when she was 7 and mum was out drinking.",
        "Mum left the baby with nan while she went out.",
        # Paid in the past; a wait that is over.
        "He paid £50 last week to get his phone back.",
        "I waited with her until the police came and she is home now.",
        "she says she can't go home till late because her mum works nights",
        # A deadline with no harm; an adult asleep with nobody small left alone.
        "He has to be home by 10 or his mum will ground him.",
        "Mum was asleep when I visited; the children were at school.",
    ],
)
def test_past_or_ordinary_text_is_not_urgent(text: str) -> None:
    assert not crime_rules.urgent_now(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Jaden (14) has a new phone and £80 in cash, keeps going missing overnight, older lad in "
        "a white Golf waits at the end of the road. No disclosure.",
        "Keira (13) seen getting into cars with older males after school three times this week; "
        "she says they are cousins. Nothing personal disclosed.",
        "Mum says Tyler (15) comes home at 3am with new trainers and two phones. It doesn't add "
        "up, sharing with the hub.",
    ],
)
def test_an_indicator_note_is_not_a_crime_on_the_models_word(text: str) -> None:
    assert crime_rules.indicator_note(text)
    result = checks.check(text)
    assert not result.crime_disclosure, result.reasons
    assert not result.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "Lola (14) told me her step-dad raped her on Saturday. No further disclosure.",
        "Kai (15) said two men stabbed his friend behind the shops last night. Nothing else "
        "disclosed.",
        "She didn't disclose it until today: her uncle has been touching her at his flat.",
    ],
)
def test_a_disclosure_followed_by_no_more_is_still_a_crime(text: str) -> None:
    assert not crime_rules.indicator_note(text), text
    assert checks.check(text).crime_disclosure, text


def test_a_refusal_is_not_a_note_that_nothing_happened() -> None:
    """ "When she said no" in a forced marriage is a refusal: the rules' "said no" (nothing
    happened) must not stop the model's flag (it lost three forced marriages once)."""
    text = (
        "Zainab (16) told me her parents will marry her to a cousin when they visit family in "
        "the summer. When she said no, her dad said she has no choice."
    )
    assert not crime_rules.indicator_note(text)


def test_an_indicator_note_with_someone_in_danger_now_is_still_flagged() -> None:
    result = checks.check(
        "No disclosure before today, but the two men at the flat won't let her leave now. "
        "Send someone now."
    )
    assert result.crime_disclosure and result.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "Two men dragged Amy (9) into a Mercedes outside the library.",
        "Her dad's cousin bundled her into the back of his silver Audi and drove off.",
        "A man tried to pull the boy into a white Transit on Hill Street.",
        "Her uncle took Mina (6) from nursery without mum's consent.",
    ],
)
def test_a_car_named_by_its_make_or_a_relative_is_kidnap(text: str) -> None:
    assert cued_families(text)[:1] == ["kidnap_abduction"], text


def test_the_kidnap_cue_still_needs_a_vehicle() -> None:
    assert "kidnap_abduction" not in cued_families("He pulled her into the kitchen by her hair.")


@pytest.mark.parametrize(
    "text",
    ["Cash comes from 'Big T' on the estate.", "Lil' D and Young M run it.", "Boss K rang him."],
)
def test_street_nicknames_are_not_initials(text: str) -> None:
    assert checks.single_initials(text) == [], text


@pytest.mark.parametrize(
    ("text", "letters"), [("Met Mr K at the flat.", ["K"]), ("older lad, T and his mate", ["T"])]
)
def test_initials_after_a_title_or_a_comma_are_still_initials(
    text: str, letters: list[str]
) -> None:
    assert checks.single_initials(text) == letters


# The fourth sealed set's danger-now kinds (issue 12, 2026-12-07: a paramedic, a community
# pharmacist and station staff), each on wording written here, not taken from that set.
FOURTH_SET_NOW = {
    "harm if a deadline is missed": [
        "Boy (14) at the ticket office says if he isn't in Marsden by 9.30 with the package "
        "'they'll do him proper'. Kept checking the board.",
        "she says if she misses the 18:10 to Brackley the olders are gonna hurt her, she owes them",
    ],
    "an attack with a weapon planned for tonight": [
        "Lad (16) in the waiting room on the phone: 'we're sliding on them lot tonight, I've "
        "got the blade in my bag'.",
        "Overheard two boys at the bus stop planning to go on them Westfield boys after school, "
        "one had a machete in his rucksack.",
    ],
    "a threat to a child for today": [
        "Her brother (12) got a snap saying 'ur sister gets shanked after school today'. She "
        "finishes at 3.",
        "Messages to Jayden (13) from an unknown number say they know which bus he gets and "
        "he's getting jumped tonight.",
        "DMs to Kofi (15): we know where ur little bro plays football, he gets wet 2nite.",
    ],
    "a young child alone with no adult": [
        "Boy of 5 at the counter says his baby sister is at home on her own, mum went out last "
        "night and hasn't come back.",
        "3yo found by herself in the flat, no adult about, pills on the floor.",
    ],
    "a girl taken abroad soon to be cut": [
        "Ifrah (7) told her teacher she is going to stay with her grandmother overseas next "
        "week and will be 'cut to be clean'. Mum has bought the flights.",
    ],
    "a child going back to an adult who promised harm": [
        "Kian (11) came into the office crying; his stepdad slapped him last night and said "
        "when he comes home from school he's going to give him a beating.",
        "Gran says when Leah gets back tonight her mum's boyfriend will 'batter her', he "
        "already hit her on Sunday.",
    ],
}
FOURTH_NOW = [(kind, text) for kind, texts in FOURTH_SET_NOW.items() for text in texts]


@pytest.mark.parametrize(("kind", "text"), FOURTH_NOW)
def test_the_fourth_sets_kinds_are_found_by_the_rules(kind: str, text: str) -> None:
    assert crime_rules.urgent_now(text), (kind, text)


@pytest.mark.parametrize(("kind", "text"), FOURTH_NOW)
def test_the_fourth_sets_kinds_are_danger_now_and_a_crime(kind: str, text: str) -> None:
    result = checks.check(text)
    assert result.danger_now and result.crime_disclosure, (kind, result.reasons)
    assert result.reasons[0].startswith("Someone may be in danger now:")


@pytest.mark.parametrize(
    "text",
    [
        # A deadline with no harm, or a parent's rule.
        "If he misses the bus they'll just get a taxi.",
        "if she's late for school again her dad will take her phone off her",
        # An attack long past; drill lyrics; a film acted out.
        "They rode out on the other lot last summer with knives; he is in prison now.",
        "He was rapping drill lyrics about riding out on them tonight with the shank.",
        "Two lads re-enacting a scene from a film: 'we ride out on them tonight, bring the "
        "blade'. Just a film, no concerns.",
        # A knife that is cutlery; a trip, not an attack.
        "Dad is bringing a knife to cut the cake at her party tonight.",
        "We are going on the school trip tonight; one boy had a pocket knife taken off him.",
        # Rain, not a threat; a threat said as a joke.
        "Mum said he gets wet today at the water park, so bring a towel.",
        "His mates texted that he gets it tonight at five-a-side, said as a joke.",
        # Alone but over, or in the past.
        "Baby was found on her own in the cot last week when mum popped out; safe now with nan.",
        "The children are now with their nan; they had been left alone overnight with no food.",
        # A trip abroad with no cutting or marriage; a cutter coming, not the child going.
        "Nasra (15) is going overseas on Saturday for a family wedding; her cousin is the bride.",
        # Going home to a telling-off; "sort her out" with no one hurt.
        "When he gets home his mum will ground him for the broken window.",
        "When she gets back her dad's going to sort her out with a lift to college.",
    ],
)
def test_the_fourth_sets_look_alikes_are_not_urgent(text: str) -> None:
    assert not crime_rules.urgent_now(text), text


# The fourth sealed set's false flags that said plainly it was nothing: a figure of speech
# said as a joke, a film or a game acted out, an offence convicted and dealt with long ago.
@pytest.mark.parametrize(
    "text",
    [
        "Boy (12) said 'my nan is gonna kill me' when he ripped his coat. Said as a joke, nan "
        "was laughing with him.",
        "Two boys (9 and 11) were acting out a film in the waiting room, one 'kidnapping' the "
        "other with a skipping rope. Just a film, no concerns.",
        "yp on the platform shouting 'I've been stabbed three times' - talking about GTA with "
        "his mates. no concerns.",
        "For background only: Kyra (14) was punched by a classmate in 2023; the girl was "
        "convicted last year and police dealt with it at the time.",
    ],
)
def test_play_a_joke_or_an_old_matter_said_plainly_is_not_a_crime(text: str) -> None:
    result = checks.check(text)
    assert not result.crime_disclosure, result.reasons
    assert not result.danger_now


@pytest.mark.parametrize(
    "text",
    [
        # A threat not in jest; a deed beside a film; a game as where it happens; a film
        # shown to a child; a new offence after an old conviction.
        "He messaged her that he will stab her tonight. It wasn't said in jest.",
        "He was talking about a film and then grabbed her by the throat on the stairs.",
        "A man on Fortnite has been asking Leo (11) to send pics with no top on.",
        "Her uncle made her watch a porn film and acted out scenes from it with her.",
        "Her stepdad was convicted of assault in 2021. Last night he punched her in the face.",
    ],
)
def test_an_offence_beside_play_or_an_old_conviction_is_still_a_crime(text: str) -> None:
    assert checks.check(text).crime_disclosure, text


def test_the_vetoes_say_what_they_find() -> None:
    assert crime_rules.fiction_or_joke("Said in jest, no concerns.")
    assert not crime_rules.fiction_or_joke("It wasn't said in jest.")
    assert not crime_rules.fiction_or_joke("A man on Roblox asked her for pics.")
    assert crime_rules.reported_already("Police dealt with it at the time.")
