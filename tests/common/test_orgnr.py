"""Organisation numbers: MOD11 as Brønnøysundregistrene define it."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpdesk.common import orgnr

eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
# Same examples on every run, no example database, no timing flakiness on a slow CI machine.
steady = settings(derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize("number", ["123456785", "988077917", "701730496", "983974899", "974795361"])
def test_known_valid_numbers(number: str) -> None:
    assert orgnr.is_valid(number)
    assert orgnr.problem(number) is None
    assert orgnr.complete(number[:8]) == number


def test_weights_and_check_digit_by_hand() -> None:
    assert orgnr.WEIGHTS == (3, 2, 7, 6, 5, 4, 3, 2)
    # 98807791: 27+16+56+0+35+28+27+2 = 191 = 11*17 + 4 -> 11 - 4 = 7
    assert orgnr.check_digit("98807791") == 7
    # 12345678: 3+4+21+24+25+24+21+16 = 138 = 11*12 + 6 -> 11 - 6 = 5
    assert orgnr.check_digit("12345678") == 5


def test_remainder_zero_gives_check_digit_zero() -> None:
    assert orgnr.check_digit("00000000") == 0
    # 14000000: 3*1 + 2*4 = 11, remainder 0
    assert orgnr.check_digit("14000000") == 0
    assert orgnr.is_valid("140000000")
    assert not orgnr.is_valid("140000001")


def test_remainder_one_means_no_valid_number() -> None:
    # 3*4 = 12 = 11 + 1
    assert orgnr.check_digit("40000000") is None
    assert orgnr.complete("40000000") is None
    for last in "0123456789":
        assert not orgnr.is_valid("40000000" + last)
        assert "kontrollsiffer" in orgnr.problem("40000000" + last)


@steady
@given(eight_digits)
def test_complete_gives_a_valid_number_or_none_exactly_when_remainder_is_one(first_eight: str) -> None:
    remainder = sum(int(d) * w for d, w in zip(first_eight, orgnr.WEIGHTS, strict=True)) % 11
    number = orgnr.complete(first_eight)
    if remainder == 1:
        assert number is None
    else:
        assert number is not None and number.startswith(first_eight) and len(number) == 9
        assert orgnr.is_valid(number)
        assert sum(1 for last in "0123456789" if orgnr.is_valid(first_eight + last)) == 1


@steady
@given(eight_digits, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_makes_a_valid_number_invalid(first_eight: str, position: int, step: int) -> None:
    number = orgnr.complete(first_eight)
    assume(number is not None)
    changed_digit = str((int(number[position]) + step) % 10)
    changed = number[:position] + changed_digit + number[position + 1:]
    assert changed != number
    assert not orgnr.is_valid(changed)


def test_single_digit_errors_are_always_caught_with_these_weights() -> None:
    """Why the property above holds: every weight times every non-zero change is non-zero mod 11."""
    for weight in (*orgnr.WEIGHTS, 1):  # 1: the check digit itself
        for change in range(-9, 10):
            if change:
                assert weight * change % 11 != 0


@steady
@given(eight_digits, st.integers(min_value=0, max_value=7))
def test_most_swaps_of_neighbours_are_caught(first_eight: str, position: int) -> None:
    number = orgnr.complete(first_eight)
    assume(number is not None and position < 8 and number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    # weights differ for every neighbouring pair, so the sum changes by (w_i - w_j)(d_j - d_i) != 0 mod 11
    assert not orgnr.is_valid(swapped)


@pytest.mark.parametrize(
    "typed",
    ["988 077 917", "988077917", "NO 988 077 917 MVA", "no988077917mva", "988.077.917", " 988-077-917 ",
     "988\u00a0077\u00a0917", "NO988077917MVA"],
)
def test_what_people_type_around_the_number_is_accepted(typed: str) -> None:
    assert orgnr.normalise(typed) == "988077917"
    assert orgnr.is_valid(typed)


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("", "mangler"),
        ("   ", "mangler"),
        ("MVA", "mangler"),
        ("98807791", "skal ha 9 sifre, «98807791» har 8"),
        ("9880779170", "har 10"),
        ("98807791O", "skal bare ha sifre"),  # letter O for zero
        ("98807791²", "skal bare ha sifre"),  # str.isdigit says yes, int() says no
        ("٩٨٨٠٧٧٩١٧", "skal bare ha sifre"),  # Arabic-Indic digits
        ("988077918", "feil kontrollsiffer"),
    ],
)
def test_problems_are_explained_in_norwegian(typed: str, phrase: str) -> None:
    problem = orgnr.problem(typed)
    assert problem is not None and phrase in problem
    assert not orgnr.is_valid(typed)


@steady
@given(st.text(max_size=20))
def test_problem_never_crashes(text: str) -> None:
    result = orgnr.problem(text)
    assert result is None or isinstance(result, str)
    assert orgnr.is_valid(text) == (result is None)


def test_warning_for_numbers_not_starting_with_8_or_9() -> None:
    assert orgnr.warning("988077917") is None
    assert orgnr.warning("812345672") is None
    warning = orgnr.warning("123456785")
    assert warning is not None and "8 eller 9" in warning
    assert orgnr.warning("701730496") is not None
    assert orgnr.warning("") is None
