"""Norwegian organisation numbers (Enhetsregisteret): 9 digits, MOD11 check digit.

Weights 3 2 7 6 5 4 3 2 over the first eight digits; remainder 0 gives check digit 0,
remainder 1 means no valid number exists, otherwise the check digit is 11 − remainder.
"""

from __future__ import annotations

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for eight digits, or None where none exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise(text: str) -> str:
    """Drop spaces, dots and a leading 'NO'/trailing 'MVA' people type around the number."""
    cleaned = text.strip().upper()
    if cleaned.startswith("NO"):
        cleaned = cleaned[2:]
    if cleaned.endswith("MVA"):
        cleaned = cleaned[:-3]
    return "".join(ch for ch in cleaned if ch not in " .\u00a0-")


def problem(text: str) -> str | None:
    """Why ``text`` is not a valid organisation number, or None if it is."""
    digits = normalise(text)
    if not digits:
        return "Organisasjonsnummer mangler"
    if not (digits.isascii() and digits.isdigit()):  # "²" and "٣" are digits to str.isdigit
        return f"«{text.strip()}» skal bare ha sifre"
    if len(digits) != 9:
        return f"Organisasjonsnummer skal ha 9 sifre, «{text.strip()}» har {len(digits)}"
    expected = check_digit(digits[:8])
    if expected is None or expected != int(digits[8]):
        return f"«{text.strip()}» har feil kontrollsiffer (det siste sifferet stemmer ikke med de åtte første)"
    return None


def warning(digits: str) -> str | None:
    """A soft warning: Enhetsregisteret numbers start with 8 or 9."""
    if digits and digits[0] not in "89":
        return "Organisasjonsnummer i Enhetsregisteret begynner vanligvis på 8 eller 9"
    return None


def is_valid(text: str) -> bool:
    return problem(text) is None


def complete(first_eight: str) -> str | None:
    """First eight digits plus their check digit, or None if no check digit exists."""
    digit = check_digit(first_eight)
    return None if digit is None else first_eight + str(digit)
