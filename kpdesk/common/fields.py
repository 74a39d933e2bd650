"""Parsing one field as people type it or a CSV row gives it: text, org numbers, municipalities,
industries, e-mail, phone, counts, codes, dates, yes/no, refs; and ``Collector``, which runs parsers
over a raw record and keeps every ``Problem``.

A parser takes the raw text and returns the typed value or raises ``FieldError`` with a complete
Norwegian sentence, so a value is judged the same way in a form, an importer and the command line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kpdesk.common import orgnr, reference
from kpdesk.common.codes import FORMATS, LEVELS, NEED_STATUSES, PRIORITIES, CodeList
from kpdesk.common.norsk import EARLIEST_YEAR as EARLIEST_YEAR  # re-exported: one definition, in norsk
from kpdesk.common.norsk import LATEST_YEAR as LATEST_YEAR
from kpdesk.common.norsk import format_org_number, group_thousands
from kpdesk.common.norsk import parse_date as _norsk_parse_date

# Longest values the database columns take (kpdesk/db/models.py).
MAX_EMPLOYER_NAME = 300
MAX_CONTACT_NAME = 200
MAX_ROLE = 200
MAX_EMAIL = 254
MAX_LEGAL_BASIS = 200
MAX_REF = 40
MAX_TITLE = 300
MAX_HEADCOUNT = 100_000


class FieldError(ValueError):
    """One field's value is wrong; ``message`` says why in a full Norwegian sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    warning: bool = False


# ---------------------------------------------------------------- text

def clean(text: str | None) -> str:
    return (text or "").replace("\u00a0", " ").strip()


def parse_required_text(text: str, label: str = "Feltet", max_length: int = MAX_TITLE) -> str:
    """Trimmed one-line text that must be there (names, titles); ``label`` names the field in messages."""
    cleaned = clean(text)
    if not cleaned:
        raise FieldError(f"{label} mangler")
    return _checked_text(cleaned, label, max_length, multiline=False)


def parse_line(text: str, label: str = "Feltet", max_length: int | None = None) -> str:
    """Trimmed optional one-line text (roles, legal bases); empty is allowed."""
    cleaned = clean(text)
    return _checked_text(cleaned, label, max_length, multiline=False) if cleaned else ""


def parse_text(text: str, label: str = "Feltet", max_length: int | None = None) -> str:
    """Trimmed optional text that may run over several lines (notes, descriptions); empty is allowed."""
    cleaned = clean(text)
    return _checked_text(cleaned, label, max_length, multiline=True) if cleaned else ""


def _checked_text(cleaned: str, label: str, max_length: int | None, *, multiline: bool) -> str:
    refuse_hidden_characters(cleaned, label, multiline=multiline)
    if max_length is not None and len(cleaned) > max_length:
        raise FieldError(f"{label} er for lang: {len(cleaned)} tegn, høyst {max_length}")
    return cleaned


# Control characters (Cc), invisible format characters (Cf: zero-width, bidi controls, soft hyphen,
# BOM), line and paragraph separators (Zl, Zp) and lone surrogates (Cs). They look like nothing on
# screen, so a value holding one cannot be found, compared or erased by what the user sees.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NOTE_WHITESPACE = frozenset("\n\r\t")  # what a multi-line note may keep
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_HIDDEN_NAMES = {
    0x00: "nulltegn", 0x09: "tabulator", 0x0A: "linjeskift", 0x0B: "loddrett tabulator", 0x0C: "sideskift",
    0x0D: "vognretur", 0x7F: "slettetegn", 0x85: "neste linje", 0xAD: "myk bindestrek",
    0x200B: "nullbredde mellomrom", 0x200C: "nullbredde ikke-sammenføyer", 0x200D: "nullbredde sammenføyer",
    0x200E: "venstre-til-høyre-merke", 0x200F: "høyre-til-venstre-merke",
    0x2028: "linjeskilletegn", 0x2029: "avsnittsskilletegn",
    0x202A: "venstre-til-høyre-innbygging", 0x202B: "høyre-til-venstre-innbygging",
    0x202C: "slutt på retningsstyring", 0x202D: "venstre-til-høyre-overstyring",
    0x202E: "høyre-til-venstre-overstyring", 0x2060: "ordbinder",
    0x2066: "venstre-til-høyre-isolering", 0x2067: "høyre-til-venstre-isolering",
    0x2068: "nøytral isolering", 0x2069: "slutt på isolering", 0xFEFF: "nullbredde hardt mellomrom (BOM)",
}
_CATEGORY_NAMES = {"Cc": "kontrolltegn", "Cf": "formateringstegn", "Cs": "ugyldig tegn",
                   "Zl": "linjeskilletegn", "Zp": "avsnittsskilletegn"}


def refuse_hidden_characters(text: str, label: str, *, multiline: bool = False) -> None:
    """FieldError naming the first control or invisible character in ``text``, and where it is.

    ``multiline`` lets a note keep its line feeds, carriage returns and tabs; a one-line value (a
    name, an e-mail address, a phone number) refuses them too.
    """
    if text.isprintable():  # no Cc/Cf/Cs/Zl/Zp (nor Zs other than the space): the fast, common case
        return
    for index, char in enumerate(text):
        if (multiline and char in _NOTE_WHITESPACE) or unicodedata.category(char) not in _HIDDEN_CATEGORIES:
            continue
        where = _position(text, index)
        if not multiline and char in _LINE_BREAKS:
            raise FieldError(f"{label} har et linjeskift {where}; skriv alt på én linje")
        raise FieldError(f"{label} inneholder et usynlig tegn ({_character_name(char)}) {where}; "
                         f"skriv teksten inn på nytt")


def _character_name(char: str) -> str:
    """'U+200B, nullbredde mellomrom'."""
    name = _HIDDEN_NAMES.get(ord(char)) or _CATEGORY_NAMES[unicodedata.category(char)]
    return f"U+{ord(char):04X}, {name}"


def _position(text: str, index: int) -> str:
    """'helt først' or 'etter «Kari»' (at most 20 characters before); in a note from line 2 on,
    'først på linje 3' or 'på linje 3, etter «…»'."""
    line_number = text.count("\n", 0, index) + 1
    before = text[:index].rpartition("\n")[2]
    if not before:
        return f"først på linje {line_number}" if line_number > 1 else "helt først"
    where = f"etter «{'…' + before[-20:] if len(before) > 20 else before}»"
    return f"på linje {line_number}, {where}" if line_number > 1 else where


# Words that suggest special-category data (GDPR art. 9, and convictions, art. 10) in free text,
# with their inflections (sykemeldt/sykmeldte/sykemeldingen, diagnosen/diagnostisert, …). Course
# topics of the domain are left out on purpose: "psykisk helse og rus", "sykdomslære",
# "kreftomsorg" and "funksjonsnedsettelser" name what is taught, not anyone's health.
_SENSITIVE = re.compile(
    r"\b(syke?meld\w*|legeerklæring\w*|diagnos\w*|sykdom(?!slær)\w*|helseopplysning\w*|"
    r"gravid\w*|svanger\w*|ufør\w*|depresjon\w*|deprimert\w*|utbrent\w*|"
    r"psykiske?\s+(?:syk|lidelse|plage|problem|uhelse|ustabil)\w*|"
    r"rus(?:problem|misbruk|avhengig|middelproblem|behandling)\w*|ruset\w*|"
    r"fagforening\w*|religi(?:on|øs)\w*|trosretning\w*|etnisitet\w*|etnisk\w*|legning\w*|"
    r"straffedømt\w*|straffedom\w*)",
    re.IGNORECASE,
)


def sensitive_text_warning(text: str) -> str | None:
    """A warning when free text seems to hold special-category personal data, else None."""
    found = _SENSITIVE.search(text or "")
    if found is None:
        return None
    return (f"Teksten nevner «{found.group(0)}»: ikke skriv helseopplysninger, fagforeningsmedlemskap "
            f"eller andre særlige personopplysninger i fritekst")


# ---------------------------------------------------------------- identifiers and codes

def parse_org_number(text: str) -> str:
    """Nine digits with a valid MOD11 check digit; spaces, dots, "NO" and "MVA" are allowed around."""
    digits = orgnr.normalise(text or "")
    shown = clean(text)
    if not digits:
        raise FieldError("Organisasjonsnummer mangler")
    if not (digits.isascii() and digits.isdigit()):
        raise FieldError(f"Organisasjonsnummer skal bare ha sifre, «{shown}» har andre tegn")
    problem = orgnr.problem(digits)
    if problem is None:
        return digits
    if len(digits) != 9:
        raise FieldError(f"Organisasjonsnummer skal ha 9 sifre, «{shown}» har {len(digits)}")
    raise FieldError(f"Organisasjonsnummer «{shown}» har feil kontrollsiffer (det siste sifferet stemmer ikke "
                     "med de åtte første); sjekk at det er skrevet riktig")


def org_number_warning(digits: str) -> str | None:
    """A soft warning for a valid number that Enhetsregisteret would not give out."""
    if orgnr.warning(digits) is None:
        return None
    return f"Organisasjonsnummer {format_org_number(digits)} begynner ikke på 8 eller 9 som i Enhetsregisteret"


def parse_municipality(text: str) -> str | None:
    """A municipality typed as number ("1804", "301") or name ("Bodø", "1804 Bodø"); empty: None."""
    cleaned = clean(text)
    if not cleaned:
        return None
    found = reference.find_municipality(cleaned)
    if found is None:
        if cleaned.isdigit():
            raise FieldError(f"Kommunenummer {cleaned} finnes ikke; et kommunenummer har 4 sifre, for eksempel 1804")
        raise FieldError(f"Finner ingen kommune som heter «{cleaned}»; skriv navnet eller kommunenummeret")
    return found.number


_INDUSTRY_CODE = re.compile(r"^(\d{2})(?:\.?(\d{1,3}))?$")


def parse_industry(text: str) -> str | None:
    """An SN2007 code at any depth ("Q", "87", "87.1", "87.101"); empty: None.

    A comma is read as the dot ("87,101" is what Excel makes of it), and "87101" gets its dot.
    """
    cleaned = clean(text).replace(",", ".").upper()
    if not cleaned:
        return None
    if len(cleaned) == 1 and cleaned.isascii() and cleaned.isalpha():
        code = cleaned
    else:
        match = _INDUSTRY_CODE.match(cleaned) if cleaned.isascii() else None
        if match is None:
            raise FieldError(f"Næringskode «{clean(text)}» er ikke en SN2007-kode; skriv for eksempel 87.101")
        code = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
    if reference.industry_for_code(code) is None:
        raise FieldError(f"Næringskode {code} finnes ikke i SN2007")
    return code


_EMAIL_EXAMPLE = "skriv for eksempel navn@firma.no"
_LOCAL_PART_SIGNS = frozenset("._%+-'")


def parse_email(text: str) -> str:
    """A work e-mail address, normalised and lower case; empty is allowed (returns "").

    The part before @ may hold only letters, digits and ``. _ % + - '``, must begin with a letter or
    a digit and follows RFC 5322's dot rules: stricter than the RFC, which allows ``= | ! /`` and
    more there, and an address starting with = + - @ is a formula to a spreadsheet. The domain is
    judged by ``email-validator`` (offline: no DNS), once per domain.
    """
    cleaned = clean(text)
    if not cleaned:
        return ""
    if len(cleaned) > MAX_EMAIL:
        raise FieldError(f"E-postadressen er for lang: {len(cleaned)} tegn, høyst {MAX_EMAIL}")
    refuse_hidden_characters(cleaned, "E-postadressen")
    local, at, domain = cleaned.partition("@")
    plain = bool(at) and not any(c.isspace() for c in cleaned)
    reason = _local_part_problem(local) if plain else None
    if reason is not None:
        raise FieldError(f"«{cleaned}» er ikke en e-postadresse: {reason} ({_EMAIL_EXAMPLE})")
    normalised_domain = _email_domain(domain) if plain and _is_dot_atom(local) and "@" not in domain else None
    if normalised_domain is None:
        raise FieldError(f"«{cleaned}» er ikke en e-postadresse ({_EMAIL_EXAMPLE})")
    return f"{unicodedata.normalize('NFC', local)}@{normalised_domain}".lower()


def _local_part_problem(local: str) -> str | None:
    """Why the part before @ breaks the work-address rule, or None."""
    local = unicodedata.normalize("NFC", local)
    for char in local:
        category = unicodedata.category(char)
        if not (category[0] in "LM" or category == "Nd" or char in _LOCAL_PART_SIGNS):
            return f"tegnet «{char}» kan ikke stå foran @"
    if local and not (local[0].isalpha() or local[0].isdecimal()):
        return "den må begynne med en bokstav eller et siffer"
    return None


def _is_dot_atom(local: str) -> bool:
    """RFC 5322's rules for dots in an unquoted part before @ (the first sign is checked above)."""
    return bool(local) and not local.endswith(".") and ".." not in local


@functools.lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str | None:
    """The domain as ``email-validator`` normalises it (lower case, IDNA as Unicode), or None when
    it is not a domain mail can go to. Cached: an import has thousands of addresses at a few domains."""
    import email_validator  # imported here: it takes longer to load than the rest of this module

    try:
        return email_validator.validate_email(f"x@{domain}", check_deliverability=False).domain
    except email_validator.EmailNotValidError:
        return None


def parse_phone(text: str) -> str:
    """A phone number; empty is allowed (returns "").

    Norwegian numbers are stored as their 8 digits (with or without +47/0047, spaces allowed) and
    shown through ``norsk.format_phone``; a foreign number keeps its "+" and country code.
    """
    cleaned = clean(text)
    if not cleaned:
        return ""
    refuse_hidden_characters(cleaned, "Telefonnummeret")
    compact = re.sub(r"[\s\-().]", "", cleaned)
    international = compact.startswith("+") or compact.startswith("00")
    digits = compact[1:] if compact.startswith("+") else compact[2:] if compact.startswith("00") else compact
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise FieldError(f"Telefonnummer «{cleaned}» skal bare ha sifre, mellomrom og eventuelt +47")
    if international and digits.startswith("47"):
        digits, international = digits[2:], False
    if international:
        if not 7 <= len(digits) <= 15:
            raise FieldError(f"Det utenlandske telefonnummeret «{cleaned}» har {len(digits)} sifre; det skal ha 7–15")
        return "+" + digits
    if len(digits) != 8:
        raise FieldError(f"Et norsk telefonnummer har 8 sifre, «{cleaned}» har {len(digits)}")
    return digits


def parse_headcount(text: str) -> int:
    """How many people: a whole number from 1 up."""
    cleaned = clean(text).replace(" ", "")
    if not cleaned:
        raise FieldError("Antall personer mangler")
    sign, number = ("-", cleaned[1:]) if cleaned[:1] in "-−" else ("", cleaned.lstrip("+"))
    if not (number.isascii() and number.isdigit()):
        if re.fullmatch(r"\d+[.,]\d+", number):
            raise FieldError(f"Antall personer må være et helt tall, ikke «{clean(text)}»")
        raise FieldError(f"Antall personer må være et tall, «{clean(text)}» er ikke et tall")
    value = int(number)
    if sign and value:
        raise FieldError(f"Antall personer kan ikke være negativt («{clean(text)}»)")
    if value == 0:
        raise FieldError("Antall personer må være minst 1, ikke 0")
    if value > MAX_HEADCOUNT:
        raise FieldError(f"Antall personer {group_thousands(value)} er urimelig høyt (høyst "
                         f"{group_thousands(MAX_HEADCOUNT)})")
    return value


def code_parser(codes: CodeList, label: str, default: str | None) -> Callable[[str], Any]:
    """A parser for one code list: a key, label or alias in any case gives the key; empty gives
    ``default`` (None: the caller infers it); anything else «Ukjent <label> …» with the choices."""

    def parse(text: str) -> str | None:
        cleaned = clean(text)
        if not cleaned:
            return default
        key = codes.parse(cleaned)
        if key is None:
            raise FieldError(f"Ukjent {label} «{cleaned}»; bruk en av: {codes.words()}")
        return key

    parse.__doc__ = f"The {codes.name} key for a Norwegian word or key, any case; empty: {default!r}."
    return parse


parse_level = code_parser(LEVELS, "nivå", "open")
parse_priority = code_parser(PRIORITIES, "prioritet", "medium")
parse_need_status = code_parser(NEED_STATUSES, "status", "new")


def parse_formats(text: str) -> tuple[str, ...]:
    """Comma-separated format words ("nettbasert, samlingsbasert") as keys; empty: any format."""
    keys: list[str] = []
    unknown: list[str] = []
    for word in re.split(r"[,/+]| og ", clean(text)):
        word = word.strip()
        if not word:
            continue
        key = FORMATS.parse(word)
        if key is None:
            unknown.append(f"«{word}»")
        elif key not in keys:
            keys.append(key)
    if unknown:
        raise FieldError(f"Ukjent format {', '.join(unknown)}; bruk en eller flere av: {FORMATS.words()}")
    return tuple(keys)


def format_formats(keys: tuple[str, ...] | list[str]) -> str:
    """The Norwegian words for format keys, as ``parse_formats`` reads them back."""
    return ", ".join(FORMATS.label(k) for k in keys)


def parse_date(text: str) -> dt.date | None:
    """A date as ``norsk.parse_date`` reads it (22.04.2027, 22.4.27, 2027-04-22, …), the same in a
    form, the date field and a CSV file; empty: None."""
    cleaned = clean(text)
    if not cleaned:
        return None
    try:
        return _norsk_parse_date(cleaned)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


_YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
_NO = {"nei", "n", "no", "false", "usann", "0", ""}


def parse_yes_no(text: str) -> bool:
    """"ja"/"nei" (and 1/0, x, true/false); empty: no."""
    cleaned = clean(text).casefold()
    if cleaned in _YES:
        return True
    if cleaned in _NO:
        return False
    raise FieldError(f"Skriv «ja» eller «nei», ikke «{clean(text)}»")


def parse_ref(text: str) -> str | None:
    """A need's own reference ("PN01"); empty: None (the register gives one)."""
    cleaned = clean(text)
    if not cleaned:
        return None
    cleaned = _checked_text(cleaned, "Referansen", MAX_REF, multiline=False)
    if re.search(r"\s", cleaned):
        raise FieldError(f"Referansen «{cleaned}» kan ikke ha mellomrom")
    return cleaned


# ---------------------------------------------------------------- records

class Collector:
    """Runs parsers over a raw record and keeps every problem."""

    def __init__(self, raw: Mapping[str, str | None]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def __call__(self, field: str, parser: Callable[..., Any], *args: Any) -> Any:
        try:
            return parser(self.raw.get(field) or "", *args)
        except FieldError as exc:
            self.problems.append(Problem(field, exc.message))
            return None

    def warn(self, field: str, message: str | None) -> None:
        if message:
            self.problems.append(Problem(field, message, warning=True))

    def error(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


