from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cairn.pole import normalise


@pytest.mark.parametrize(
    ("raw", "key"),
    [("O'Neill-Smith", "oneillsmith"), ("Zoë", "zoe"), ("  McDonald ", "mcdonald"), ("", "")],
)
def test_name_key(raw: str, key: str) -> None:
    assert normalise.name_key(raw) == key


def test_phonetic_key_joins_spelling_variants() -> None:
    assert normalise.phonetic_key("Smith") == normalise.phonetic_key("Smyth")
    assert normalise.phonetic_key("Stephen") == normalise.phonetic_key("Steven")
    assert normalise.phonetic_key("Smith") != normalise.phonetic_key("Jones")


@pytest.mark.parametrize(
    ("a", "b"),
    [("Stuart", "Stewart"), ("STUART", "stewart"), ("Ewan", "Euan"), ("Lewis", "Louis")],
)
def test_phonetic_key_hears_ew_before_a_vowel_as_u(a: str, b: str) -> None:
    """Outside tester: "Stuart" found no Stewart (Metaphone: STRT and STWRT)."""
    assert normalise.phonetic_key(a) == normalise.phonetic_key(b)
    assert normalise.sounds_alike(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("Stewart", "Stott"), ("Howard", "Hart"), ("Powell", "Paul"), ("Rowan", "Ryan")]
)
def test_phonetic_key_keeps_other_w_sounds_apart(a: str, b: str) -> None:
    """Only "EW" before a vowel loses its W: "OW" is its own sound."""
    assert normalise.phonetic_key(a) != normalise.phonetic_key(b)
    assert not normalise.sounds_alike(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Stuart", "Street"), ("Stewart", "Street"), ("Brown", "Byrne"), ("White", "Wood")],
)
def test_the_same_consonants_with_vowels_elsewhere_do_not_sound_alike(a: str, b: str) -> None:
    """Metaphone drops vowels, so these share a key (Stuart and Street have since
    Metaphone began: STRT); where the vowels sound sets them apart."""
    assert normalise.phonetic_key(a) == normalise.phonetic_key(b)
    assert not normalise.sounds_alike(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Katherine", "Kathryn"),
        ("Katelyn", "Caitlin"),
        ("Loren", "Lauren"),
        ("Mohammed", "Muhammad"),
        ("Smith", "Smyth"),
        ("Stephen", "Steven"),
    ],
)
def test_a_vowel_dropped_or_respelt_still_sounds_alike(a: str, b: str) -> None:
    assert normalise.sounds_alike(a, b)
    assert normalise.sounds_alike(b, a)
    assert not normalise.sounds_alike(a, "")


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=8),
)
def test_prefix_range_contains_exactly_the_keys_with_that_prefix(prefix: str, rest: str) -> None:
    low, high = normalise.prefix_range(prefix)
    assert low <= prefix + rest < high


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
)
def test_prefix_range_excludes_other_keys(prefix: str, other: str) -> None:
    low, high = normalise.prefix_range(prefix)
    if not other.startswith(prefix):
        assert not (low <= other < high)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ab12 cde", "AB12CDE"), (" AB-12-CDE ", "AB12CDE"), ("x1", "X1")],
)
def test_registration(raw: str, expected: str) -> None:
    assert normalise.registration(raw) == expected


def test_registration_confusable_flags_zero_o_and_one_i() -> None:
    assert normalise.registration_confusable("AB10 CDE") == normalise.registration_confusable(
        "ABIO CDE"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nm12ab", "NM1 2AB"),
        ("NM1  2AB", "NM1 2AB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("not a code", "NOT A CODE"),
    ],
)
def test_postcode(raw: str, expected: str) -> None:
    assert normalise.postcode(raw) == expected


@pytest.mark.parametrize(
    "raw", ["07700 900123", "+44 7700 900123", "(07700) 900-123", "447700900123"]
)
def test_phone_e164(raw: str) -> None:
    assert normalise.phone_e164(raw if not raw.startswith("44") else "+" + raw) == "+447700900123"


@pytest.mark.parametrize("raw", ["", "hello", "0770"])
def test_phone_rejects_non_numbers(raw: str) -> None:
    with pytest.raises(normalise.InvalidPhoneNumber) as caught:
        normalise.phone_e164(raw)
    # Plain words only: never the phone library's own message.
    assert "string supplied" not in str(caught.value)
    assert "(1)" not in str(caught.value)


@pytest.mark.parametrize("raw", ["0770090091", "+44 770 090 091", "077009001234"])
def test_phone_rejects_a_mobile_with_a_digit_missing_or_extra(raw: str) -> None:
    with pytest.raises(normalise.InvalidPhoneNumber, match="digits"):
        normalise.phone_e164(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0113 496 0999", "+441134960999"),  # Ofcom drama range, Leeds
        ("01632 960999", "+441632960999"),  # Ofcom drama range, no area
        ("07624 000000", "+447624000000"),  # a real-format Isle of Man mobile
        ("0808 157 0000", "+448081570000"),
    ],
)
def test_phone_keeps_other_uk_numbers(raw: str, expected: str) -> None:
    assert normalise.phone_e164(raw) == expected


def test_handle() -> None:
    assert normalise.handle(" @Night_Rider99 ") == "night_rider99"


def test_multiple_choice_renders_as_checkboxes_and_choice_as_radios() -> None:
    from django import forms

    class F(forms.Form):
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        one = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    html = F().render()
    assert 'class="govuk-checkboxes__input" id="id_many_0" name="many" type="checkbox"' in html
    assert 'class="govuk-radios__input" id="id_one_0" name="one" type="radio"' in html


# Identifiers inside free text (search) -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("NM19 KXT", "NM19KXT"),
        ("nm19kxt", "NM19KXT"),
        ("A123 BCD", "A123BCD"),
        ("ABC 123D", "ABC123D"),
        ("NM1 1AA", "NM11AA"),
        ("nm11aa", "NM11AA"),
        ("07700 900123", "447700900123"),
        ("07700900123", "447700900123"),
        ("+44 7700 900123", "447700900123"),
        ("(07700) 900 123", "447700900123"),
    ],
)
def test_text_identifiers_give_one_key_for_every_spelling(text: str, key: str) -> None:
    found = normalise.text_identifiers(f"Seen with {text}, twice.")
    assert [(i.text, i.key) for i in found] == [(text, key)]


@pytest.mark.parametrize(
    "text",
    [
        "He is 15 and was seen at 10 30 on 12 03 2024.",
        "Room 12, 3 of them, the 5th floor.",
        "Call 12345.",
    ],
)
def test_ordinary_words_and_numbers_are_not_identifiers(text: str) -> None:
    assert normalise.text_identifiers(text) == []


def test_search_keys_are_unique_and_in_order() -> None:
    text = "NM19 KXT, then nm19kxt again near NM1 1AA; 07700 900123."
    assert normalise.search_keys(text) == ["NM19KXT", "NM11AA", "447700900123"]
