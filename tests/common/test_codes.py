"""Code lists: stable keys in the database, bokmål labels on screen, lenient parsing of both."""

from __future__ import annotations

import pytest

from kpdesk.common import codes
from kpdesk.common.codes import (
    BOOKING_KINDS,
    BOOKING_STATES,
    CLOSED_NEED_STATUSES,
    CREDIT_SYSTEMS,
    DECISIONS,
    FORMATS,
    LEVEL_RANK,
    LEVELS,
    NEED_STATUSES,
    PRIORITIES,
    PROVIDER_KINDS,
    CodeList,
    format_list,
)

ALL_LISTS = [value for value in vars(codes).values() if isinstance(value, CodeList)]


def test_all_code_lists_are_covered() -> None:
    assert {c.name for c in ALL_LISTS} == {
        "nivå", "format", "prioritet", "status", "tilbyder-type", "studiepoengsystem", "type", "tilstand",
        "beslutning", "kandidatstatus"}


@pytest.mark.parametrize("code_list", ALL_LISTS, ids=lambda c: c.name)
def test_keys_are_stable_ascii_and_unique(code_list: CodeList) -> None:
    keys = code_list.keys()
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key.isascii() and key == key.strip() and key == key.lower() and " " not in key


@pytest.mark.parametrize("code_list", ALL_LISTS, ids=lambda c: c.name)
def test_every_key_and_label_parses_back_in_any_case(code_list: CodeList) -> None:
    for code in code_list:
        for word in (code.key, code.label, code.label.upper(), code.label.title(), f"  {code.label} "):
            assert code_list.parse(word) == code.key, word
        for alias in code.aliases:
            assert code_list.parse(alias.upper()) == code.key
        assert code_list.label(code.key) == code.label


@pytest.mark.parametrize("code_list", ALL_LISTS, ids=lambda c: c.name)
def test_no_word_means_two_codes_in_one_list(code_list: CodeList) -> None:
    owner: dict[str, str] = {}
    for code in code_list:
        for word in {code.key, code.label, *code.aliases}:
            folded = word.strip().casefold()
            assert owner.setdefault(folded, code.key) == code.key, (code_list.name, word)


def test_spreadsheet_words() -> None:
    assert LEVELS.parse("NKR 4") == "fagbrev"
    assert LEVELS.parse("Fagbrev/NKR 4") == "fagbrev"
    assert LEVELS.parse("Åpent") == "open"
    assert LEVELS.parse("uavklart") == "open"
    assert FORMATS.parse("Nettbasert") == "online"
    assert FORMATS.parse("Samlinger") == "sessions"
    assert PRIORITIES.parse("HØY") == "high"
    assert PRIORITIES.parse("hoy") == "high"
    assert NEED_STATUSES.parse("I gang") == "running"
    assert NEED_STATUSES.parse("igang") == "running"
    assert PROVIDER_KINDS.parse("Høgskole") == "university"
    assert PROVIDER_KINDS.parse("VGS") == "upper_secondary"
    assert CREDIT_SYSTEMS.parse("ECTS") == "uh"
    assert CREDIT_SYSTEMS.parse("") == "none"  # an empty cell means no credits
    assert BOOKING_KINDS.parse("Møte") == "meeting"
    assert BOOKING_KINDS.parse("Forelesning via video") == "video_lecture"
    assert BOOKING_STATES.parse("Avlyst") == "cancelled"
    assert DECISIONS.parse("Akseptert") == "accepted"


@pytest.mark.parametrize("word", ["", "   ", "doktorgrad", "nkr 8", "fag brev"])
def test_unknown_words_parse_to_none(word: str) -> None:
    assert LEVELS.parse(word) is None


def test_label_of_unknown_or_missing_key() -> None:
    assert LEVELS.label("phd") == "phd"
    assert LEVELS.label(None) == ""
    assert LEVELS.label("") == ""


def test_words_for_error_messages() -> None:
    assert PRIORITIES.words() == "lav, middels, høy"
    assert LEVELS.words() == "kurs, fagbrev, fagskole, bachelor, master, åpent"


def test_order_is_the_order_shown() -> None:
    assert NEED_STATUSES.keys() == ["new", "mapped", "matched", "ordered", "running", "closed", "rejected"]
    assert list(PRIORITIES) == PRIORITIES.codes


def test_closed_statuses_are_need_statuses() -> None:
    assert set(NEED_STATUSES.keys()) >= CLOSED_NEED_STATUSES == {"closed", "rejected"}


def test_level_rank_covers_every_level_except_open_in_order() -> None:
    assert set(LEVEL_RANK) == set(LEVELS.keys()) - {"open"}
    ranked = sorted(LEVEL_RANK, key=LEVEL_RANK.get)
    assert ranked == [code.key for code in LEVELS if code.key != "open"]


def test_format_list() -> None:
    assert format_list(["online", "sessions"], FORMATS) == "nettbasert, samlingsbasert"
    assert format_list([], FORMATS) == ""
    assert format_list(["campus", "hybrid"], FORMATS) == "campus, hybrid"
