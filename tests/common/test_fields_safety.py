"""Hostile values in one field: e-mail addresses a spreadsheet runs as formulas or RFC 5322 oddities,
and control or invisible characters in names, e-mail addresses and other one-line values."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpdesk.common.fields import (
    FieldError,
    parse_email,
    parse_line,
    parse_phone,
    parse_ref,
    parse_required_text,
    parse_text,
)
from kpdesk.register.validation import validate_contact, validate_employer, validate_need


def message(parse, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError) as caught:
        parse(*args)
    return caught.value.message


EXAMPLE = "(skriv for eksempel navn@firma.no)"

# ---------------------------------------------------------------- e-mail: the work-address rule


def test_the_formula_address_from_the_attack_is_refused_naming_the_character() -> None:
    text = "=cmd|'/ccalc'!a0@evil.no"
    assert message(parse_email, text) == f"«{text}» er ikke en e-postadresse: tegnet «=» kan ikke stå foran @ {EXAMPLE}"


@pytest.mark.parametrize(("text", "char"), [
    ("kari|x@firma.no", "|"), ("kari!x@firma.no", "!"), ("a/b@firma.no", "/"), ("kari=x@firma.no", "="),
    ("kari#1@firma.no", "#"), ("kari*@firma.no", "*"), ("kari&co@firma.no", "&"), ("{kari}@firma.no", "{"),
    ('"kari"@firma.no', '"'), ("kari(x)@firma.no", "("), ("kari$@firma.no", "$"), ("kari~@firma.no", "~"),
])
def test_signs_rfc_5322_allows_before_the_at_are_refused(text: str, char: str) -> None:
    assert message(parse_email, text) == (f"«{text}» er ikke en e-postadresse: tegnet «{char}» kan ikke stå "
                                          f"foran @ {EXAMPLE}")


@pytest.mark.parametrize("text", ["+kari@firma.no", "-kari@firma.no", "'kari@firma.no", ".kari@firma.no",
                                  "_kari@firma.no", "%kari@firma.no"])
def test_an_address_starts_with_a_letter_or_a_digit(text: str) -> None:
    """= + - @ start a formula in Excel; with this rule no address can start with one."""
    assert message(parse_email, text) == (f"«{text}» er ikke en e-postadresse: den må begynne med en bokstav "
                                          f"eller et siffer {EXAMPLE}")


@pytest.mark.parametrize("text", [
    "kari.@firma.no",  # a dot last before @
    "kari@-firma.no",  # a domain label starting with a hyphen
    "kari@firma.123",  # a numeric top-level domain
    "kari@[10.0.0.1]",  # an IP address for a domain
    "kari@localhost.localhost", "kari@firma.invalid",  # special-use domains
    "kari@" + "a" * 64 + ".no",  # a domain label over 63 characters
])
def test_syntax_and_domain_rules_come_from_email_validator(text: str) -> None:
    assert message(parse_email, text) == f"«{text}» er ikke en e-postadresse {EXAMPLE}"


@pytest.mark.parametrize(("text", "stored"), [
    ("Kari.Nordmann@Bodo.Kommune.NO", "kari.nordmann@bodo.kommune.no"),
    ("o'brien@firma.no", "o'brien@firma.no"),
    ("per_olsen+kurs@firma.no", "per_olsen+kurs@firma.no"),
    ("Åse.Ødegård@Bodø.Kommune.no", "åse.ødegård@bodø.kommune.no"),
    ("2kari-n@firma.no", "2kari-n@firma.no"),
    ("A\u030ase@firma.no", "åse@firma.no"),  # Å typed as A + ring: stored composed (NFC), as Å
])
def test_work_addresses_are_accepted_normalised_and_in_lower_case(text: str, stored: str) -> None:
    assert parse_email(text) == stored


_LOCAL = st.text(st.characters(codec="utf-8", exclude_characters="@"), min_size=1, max_size=12)


@given(local=_LOCAL, domain=st.sampled_from(["firma.no", "bodø.kommune.no", "x.com"]))
def test_every_accepted_address_is_a_plain_work_address(local: str, domain: str) -> None:
    try:
        stored = parse_email(f"{local}@{domain}")
    except FieldError:
        return
    before = stored.rpartition("@")[0]
    assert before[0].isalnum() and before[0] not in "=+-@"
    assert all(unicodedata.category(c)[0] in "LMN" or c in "._%+-'" for c in before), stored


@given(local=_LOCAL, domain=st.one_of(st.sampled_from(["firma.no", "Bodø.Kommune.NO", "xn--bd-lka.no", "a.b",
                                                      "-x.no", "x.123", "x..no", "localhost", "[1.2.3.4]"]),
                                      st.text(max_size=12)))
def test_an_accepted_address_is_one_email_validator_accepts_whole(local: str, domain: str) -> None:
    """The domain is checked once per domain; the whole address must pass the library too."""
    import email_validator

    address = f"{local}@{domain}"
    try:
        stored = parse_email(address)
    except FieldError:
        return
    whole = email_validator.validate_email(address.strip(), check_deliverability=False)
    assert whole.normalized.lower() == stored


def test_the_email_library_is_loaded_only_when_an_address_is_checked() -> None:
    """``kpdesk --version`` and the window import fields.py; email_validator costs tens of ms to load."""
    import subprocess
    import sys

    code = ("import sys, kpdesk.common.fields as f\n"
            "assert 'email_validator' not in sys.modules\n"
            "assert f.parse_email('kari@firma.no') == 'kari@firma.no'\n"
            "assert 'email_validator' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- control and invisible characters

INVISIBLE = {
    "\u200b": "nullbredde mellomrom", "\u200c": "nullbredde ikke-sammenføyer", "\u200d": "nullbredde sammenføyer",
    "\u200e": "venstre-til-høyre-merke", "\u200f": "høyre-til-venstre-merke",
    "\u2060": "ordbinder", "\u2061": "formateringstegn", "\u2062": "formateringstegn", "\u2063": "formateringstegn",
    "\u2064": "formateringstegn", "\ufeff": "nullbredde hardt mellomrom (BOM)",
    "\u202a": "venstre-til-høyre-innbygging", "\u202b": "høyre-til-venstre-innbygging",
    "\u202c": "slutt på retningsstyring", "\u202d": "venstre-til-høyre-overstyring",
    "\u202e": "høyre-til-venstre-overstyring", "\u2066": "venstre-til-høyre-isolering",
    "\u2067": "høyre-til-venstre-isolering", "\u2068": "nøytral isolering", "\u2069": "slutt på isolering",
    "\u00ad": "myk bindestrek", "\x00": "nulltegn", "\x07": "kontrolltegn", "\x1b": "kontrolltegn",
    "\x7f": "slettetegn", "\t": "tabulator", "\U000e0041": "formateringstegn",  # a tag character
}
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize(("char", "name"), INVISIBLE.items())
def test_an_invisible_character_in_a_name_is_named_with_its_place(char: str, name: str) -> None:
    assert message(parse_required_text, f"Kari{char} Nordmann", "Navnet", 200) == (
        f"Navnet inneholder et usynlig tegn (U+{ord(char):04X}, {name}) etter «Kari»; skriv teksten inn på nytt")


@pytest.mark.parametrize("char", LINE_BREAKS)
def test_a_name_on_two_lines_is_refused(char: str) -> None:
    assert message(parse_required_text, f"Kari{char}Nordmann", "Navnet", 200) == (
        "Navnet har et linjeskift etter «Kari»; skriv alt på én linje")


@pytest.mark.parametrize("char", [*INVISIBLE, *LINE_BREAKS])
def test_one_line_values_refuse_every_hidden_character(char: str) -> None:
    for parse, text in ((parse_email, f"kari{char}x@firma.no"), (parse_email, f"kari@fir{char}ma.no"),
                        (lambda t: parse_line(t, "Rollen"), f"HR{char}sjef"), (parse_phone, f"75 55{char}50 00"),
                        (parse_ref, f"PN{char}01"), (lambda t: parse_required_text(t, "Tittelen"), f"Kurs{char}A")):
        assert f"U+{ord(char[-1]):04X}" in message(parse, text) or "linjeskift" in message(parse, text), (parse, text)


def test_the_email_message_names_the_character() -> None:
    assert message(parse_email, "kari\u200b@firma.no") == (
        "E-postadressen inneholder et usynlig tegn (U+200B, nullbredde mellomrom) etter «kari»; "
        "skriv teksten inn på nytt")
    assert message(parse_email, "\u202ekari@firma.no") == (
        "E-postadressen inneholder et usynlig tegn (U+202E, høyre-til-venstre-overstyring) helt først; "
        "skriv teksten inn på nytt")


def test_a_long_text_shows_the_last_twenty_characters_before_the_character() -> None:
    assert message(parse_required_text, "Helgelandssykehuset Mosjøen\u200bAS", "Navnet", 300) == (
        "Navnet inneholder et usynlig tegn (U+200B, nullbredde mellomrom) etter «…ndssykehuset Mosjøen»; "
        "skriv teksten inn på nytt")


def test_notes_keep_line_breaks_and_tabs_but_not_invisible_characters() -> None:
    assert parse_text("linje 1\r\nlinje 2\n\tinnrykk", "Notatet") == "linje 1\r\nlinje 2\n\tinnrykk"
    assert message(parse_text, "linje 1\nlinje\u200b 2", "Notatet") == (
        "Notatet inneholder et usynlig tegn (U+200B, nullbredde mellomrom) på linje 2, etter «linje»; "
        "skriv teksten inn på nytt")
    assert message(parse_text, "linje 1\n\u2028linje 2", "Notatet") == (
        "Notatet inneholder et usynlig tegn (U+2028, linjeskilletegn) først på linje 2; skriv teksten inn på nytt")
    assert message(parse_text, "a\x85b", "Notatet").startswith("Notatet inneholder et usynlig tegn (U+0085, ")


def test_visible_unicode_is_left_alone() -> None:
    for name in ("Ærlige Åse Ødegård", "Ŋuolggat Ánde-Čuđe", "محمد", "Zoë O'Neil", "Bodø\u00a0kommune",
                 "Idéfabrikken\u3000AS", "e\u0301mile"):
        assert parse_required_text(name, "Navnet", 200) == name.replace("\u00a0", " ")


# ---------------------------------------------------------------- the record validators


def problems(result: tuple[object, list]) -> dict[str, str]:  # type: ignore[type-arg]
    data, found = result
    assert data is None
    return {p.field: p.message for p in found if not p.warning}


def test_a_contact_with_a_hidden_character_is_never_stored() -> None:
    """Only a clean address can be stored, so erasing by the plain address always finds it."""
    found = problems(validate_contact({"name": "Kari\u2066 Nordmann", "role": "HR\nsjef",
                                       "email": "kari\u200b@firma.no", "phone": "75 55 50 00",
                                       "legal_basis": "avtale\u202e"}))
    assert set(found) == {"name", "role", "email", "legal_basis"}
    assert found["role"] == "Rollen har et linjeskift etter «HR»; skriv alt på én linje"
    assert "U+200B" in found["email"] and "U+2066" in found["name"] and "U+202E" in found["legal_basis"]


def test_employer_and_need_names_are_one_line_and_visible() -> None:
    assert set(problems(validate_employer({"org_number": "988077917", "name": "Fauske\u00ad kommune"}))) == {"name"}
    assert set(problems(validate_employer({"org_number": "988077917", "name": "Fauske\nkommune"}))) == {"name"}
    need = {"employer": "988077917", "title": "Leder\u200butdanning", "headcount": "2"}
    assert set(problems(validate_need(need))) == {"title"}
    data, _ = validate_need({**need, "title": "Lederutdanning", "description": "Del 1\nDel 2"})
    assert data is not None and data.description == "Del 1\nDel 2"
