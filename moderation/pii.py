"""Personal data in prompts: phone numbers, e-mail addresses, street addresses, national ids, card numbers.

Prompts are full of numbers that are not personal data ("1920x1080", "16:9", "seed 12345", "4k", "1990s",
"512 768 1024"), so every pattern asks for the shape that only the personal datum has (separators in the
right places, a "+" and a country code, a checksum) rather than for "enough digits".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class PiiKind(StrEnum):
    """The kind of personal data found; part of the rule id ("floor.pii.phone")."""

    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    NATIONAL_ID = "national_id"
    CREDIT_CARD = "credit_card"


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One piece of personal data found in a text."""

    kind: PiiKind
    text: str


_SEED = re.compile(r"\bseed\s*[:=#]?\s*\d+")

# Local parts are anchored at their start: unanchored, "xxxx…@" would be rescanned from every letter.
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]++@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# "jane [at] example [dot] com", "jane at gmail dot com": at-words only bracketed or before a mail host.
_EMAIL_SPELLED = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]++\s*(?:[\[({]\s*at\s*[\])}]|\s+at\s+(?=(?:gmail|yahoo|hotmail|outlook|icloud|"
    r"proton|protonmail|aol|gmx|mail|live|msn|yandex)\b))\s*[a-z0-9-]+"
    r"\s*(?:[\[({]\s*dot\s*[\])}]|\s+dot\s+|\.)\s*(?:com|net|org|edu|gov|io|co|uk|de|fr|me|info)\b"
)

# North American numbers need a non-space separator or brackets: "512 768 1024" is three image sizes.
_PHONE_NANP = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?\d{3}[\s.-]?\d{4}|[2-9]\d{2}([.-])\d{3}\1\d{4})(?!\d)"
)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")
# National formats with a trunk "0": "020 7946 0958", "07700 900123", "030-1234567".
_PHONE_TRUNK = re.compile(r"(?<![\d.])0\d{2,4}[\s-]\d{3,4}(?:[\s-]?\d{3,4})?(?![\d.])")
_PHONE_CONTEXT = re.compile(
    r"\b(?:call|phone|tel|telephone|text|whatsapp|mobile|cell|contact|number)\s*(?:me\s*)?(?:at|on|:|is)?"
    r"\s*(\+?\d[\d\s().-]{5,}\d)"
)

_STREET_SUFFIX = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|terrace|crescent|highway|hwy|parkway|pkwy|way"
)
# Words that make "<number> <words> <suffix>" something other than an address ("24 hour drive").
_NOT_STREET_NAMES_TEXT = """
    the a an of on in at to by for with and or from into onto near down up along across over under busy
    empty old new wet dark long narrow wide quiet rainy snowy hour hours minute minutes mile miles km
    meter meters metre metres foot feet year years day days week weeks lane lanes way wheel wheels car
    cars mm cm px k fps pin story storey door times step steps percent x
"""
_NOT_STREET_NAMES = frozenset(_NOT_STREET_NAMES_TEXT.split()) | frozenset(_STREET_SUFFIX.split("|"))
_ADDRESS = re.compile(
    rf"(?<![\w.])(\d{{1,5}}[a-d]?)\s+((?:[a-z][a-z-]+\s+){{1,3}})({_STREET_SUFFIX})\b\.?", re.IGNORECASE
)
# Famous addresses of landmarks and fiction are subjects of pictures, not personal data.
_FAMOUS_ADDRESSES = frozenset(
    {
        "10 downing street",
        "221b baker street",
        "1600 pennsylvania avenue",
        "742 evergreen terrace",
        "4 privet drive",
        "12 grimmauld place",
        "1313 mockingbird lane",
        "42 wallaby way",
        "31 spooner street",
        "124 conch street",
        "177a bleecker street",
        "112 ocean avenue",
        "1640 riverside drive",
        "350 fifth avenue",
    }
)

_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
_UK_NINO = re.compile(
    r"(?<![a-z0-9])([a-ceghj-pr-tw-z][a-ceghj-npr-tw-z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?[a-d](?![a-z0-9])"
)
_UK_NINO_INVALID_PREFIXES = frozenset({"bg", "gb", "kn", "nk", "nt", "tn", "zz"})
_CA_SIN = re.compile(r"(?<![\d-])[0-79]\d{2}([- ])\d{3}\1\d{3}(?![\d-])")
_IBAN = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,4})?(?![a-z0-9])")
_CARD = re.compile(r"(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d.])")
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9])|35")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_valid(raw: str) -> bool:
    iban = re.sub(r"\s", "", raw).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


_DIGIT = re.compile(r"\d")


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


def find_pii(text: str) -> list[PiiMatch]:
    """Personal data in `text` (already NFKC-normalised and casefolded), most identifying first."""
    text = _SEED.sub(" ", text)
    found: list[PiiMatch] = []
    digits = _digit_count(text)

    # 1. Numbers with a checksum or a fixed layout; the shortest of them has six digits.
    if digits >= 6:
        _find_numbers(text, found)

    # 2. Contact details.
    if "@" in text or " at " in text or "at]" in text or "at)" in text or "at}" in text:
        for pattern in (_EMAIL, _EMAIL_SPELLED):
            found.extend(PiiMatch(PiiKind.EMAIL, m.group(0)) for m in pattern.finditer(text))
    if digits >= 7:
        _find_phones(text, found)

    # 3. Street addresses: a house number, one to three name words and a street suffix.
    if digits:
        for match in _ADDRESS.finditer(text):
            names = match.group(2).lower().split()
            whole = " ".join([match.group(1).lower(), *names, match.group(3).lower()])
            if whole in _FAMOUS_ADDRESSES or any(n in _NOT_STREET_NAMES for n in names):
                continue
            found.append(PiiMatch(PiiKind.ADDRESS, match.group(0)))
    return found


def _find_numbers(text: str, found: list[PiiMatch]) -> None:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and _luhn_valid(digits):
            found.append(PiiMatch(PiiKind.CREDIT_CARD, match.group(0)))
    for match in _SSN.finditer(text):
        area, group, serial = match.group(1), match.group(3), match.group(4)
        if area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000":
            found.append(PiiMatch(PiiKind.NATIONAL_ID, match.group(0)))
    for match in _UK_NINO.finditer(text):
        if match.group(1) not in _UK_NINO_INVALID_PREFIXES:
            found.append(PiiMatch(PiiKind.NATIONAL_ID, match.group(0)))
    for match in _CA_SIN.finditer(text):
        if _luhn_valid(re.sub(r"\D", "", match.group(0))):
            found.append(PiiMatch(PiiKind.NATIONAL_ID, match.group(0)))
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group(0)):
            found.append(PiiMatch(PiiKind.NATIONAL_ID, match.group(0)))


def _find_phones(text: str, found: list[PiiMatch]) -> None:
    for match in _PHONE_NANP.finditer(text):
        found.append(PiiMatch(PiiKind.PHONE, match.group(0)))
    for match in _PHONE_INTERNATIONAL.finditer(text):
        if 8 <= _digit_count(match.group(0)) <= 15:
            found.append(PiiMatch(PiiKind.PHONE, match.group(0)))
    for match in _PHONE_TRUNK.finditer(text):
        if 10 <= _digit_count(match.group(0)) <= 11:
            found.append(PiiMatch(PiiKind.PHONE, match.group(0)))
    for match in _PHONE_CONTEXT.finditer(text):
        if 7 <= _digit_count(match.group(1)) <= 15:
            found.append(PiiMatch(PiiKind.PHONE, match.group(1)))
