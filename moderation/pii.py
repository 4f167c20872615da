"""Personal data in prompts: phone numbers, e-mail addresses, street addresses, national ids, card numbers.

Prompts are full of numbers that are not personal data ("1920x1080", "16:9", "seed 12345", "4k", "1990s",
"512 768 1024"), so every pattern asks for the shape that only the personal datum has (separators in the
right places, a "+" and a country code, a checksum) rather than for "enough digits".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise

from moderation.normalize import analyze, fold_with_origin


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
    start: int
    """Where it starts in the text searched, which `redact_pii` maps back to the text as typed."""
    end: int


_SEED = re.compile(r"\bseed\s*[:=#]?\s*\d+")
# What replaces each kind of personal data in a refused prompt kept for moderators' review.
_LABELS = {
    PiiKind.PHONE: "[phone number]",
    PiiKind.EMAIL: "[e-mail address]",
    PiiKind.ADDRESS: "[street address]",
    PiiKind.NATIONAL_ID: "[id number]",
    PiiKind.CREDIT_CARD: "[card number]",
}
# Said instead of the whole text in the unlikely case that replacing what was found leaves some behind.
WITHHELD = "[withheld: personal data]"

# Local parts are anchored at their start: unanchored, "xxxx…@" would be rescanned from every letter.
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]++@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_TLDS = (
    "com|net|org|edu|gov|io|co|uk|de|fr|me|info|ru|ch|nl|it|es|pl|br|jp|cn|in|au|ca|eu|us|biz|xyz|app|dev|"
    "ai|tv|be|at|se|no|dk|fi|cz|mx|ar|kr|nz|za|ie|pt"
)
# After a spaced "@ host ." only endings that are not also English words ("me @ home. it was").
_SPACED_TLDS = "com|net|org|edu|gov|io|uk|de|fr|ru|ch|nl|es|pl|br|jp|cn|au|ca|eu"
_MAIL_HOSTS = (
    "gmail|googlemail|yahoo|hotmail|outlook|icloud|proton|protonmail|aol|gmx|mail|live|msn|yandex|web|qq"
)
# Words that can follow "at" in an ordinary sentence: "a startup at the dot com peak" is not an address.
_NOT_MAIL_HOSTS = "the|a|an|my|your|his|her|our|their|its|this|that|night|dawn|dusk|home|work|sunset|sunrise"
# "jane [at] example [dot] com", "jane at gmail dot com", "jane @ gmail . com": "at" bracketed, before a
# mail host, or with a spelled-out "dot" after the host; spaces around "@" and "." before a known ending.
_EMAIL_SPELLED = re.compile(
    rf"(?<![a-z0-9._%+-])[a-z0-9._%+-]++\s*"
    rf"(?:[\[({{<]\s*at\s*[\])}}>]\s*[a-z0-9-]+\s*(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+|\.)"
    rf"|\s+at\s+(?:{_MAIL_HOSTS})\s*(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+|\.)"
    rf"|\s+at\s+(?!(?:{_NOT_MAIL_HOSTS})\s)[a-z0-9-]+\s*(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+)"
    rf"|@\s*[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*?\s*\.\s*(?=(?:{_SPACED_TLDS})\b))"
    rf"\s*(?:{_TLDS})\b"
)

_BRACKETED_AT = re.compile(r"at\s*[\])}>]")
# Letters written for digits ("415-555-O134", "4l5"): only in words of digits and those letters.
_LOOKALIKE_NUMBER = re.compile(r"(?<![a-z0-9])(?=[0-9oil]*\d)(?=[0-9oil]*[oil])[0-9oil]+(?![a-z0-9])")
_LOOKALIKE_DIGITS = str.maketrans("oil", "011")
_HAS_DIGIT = re.compile(r"\d")
# Digits written one by one, a space, dot or dash between each: "4 1 5 5 5 5 0 1 3 4", "+ 4 4 2 0 …".
_SPACED_DIGITS = re.compile(r"(?<![\w.+-])(\+ ?)?\d(?:[ .-]{1,3}\d)+(?!\w)")
# Three or more single characters one space apart ("b o b", the last perhaps before punctuation:
# "c o m!"), and spaces around an "@".
_SINGLE_CHARACTERS = re.compile(r"(?<!\S)\S(?: \S){2,}(?=[!?,;:)\]]*(?!\S))")
_SPACED_AT = re.compile(r" ?@ ?")

# North American numbers need a non-space separator or brackets: "512 768 1024" is three image sizes.
_PHONE_NANP = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?\d{3}[\s.-]?\d{4}|[2-9]\d{2}([.-])\d{3}\1\d{4})(?!\d)"
)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")
# National formats with a trunk "0": "020 7946 0958", "07700 900123", "030-1234567".
_PHONE_TRUNK = re.compile(r"(?<![\d.])0\d{2,4}[\s-]\d{3,4}(?:[\s-]?\d{3,4})?(?![\d.])")
# "number" alone is not enough: "the number 1234567 on a bus", "catalogue number 978-3-16-148410-0".
_PHONE_CONTEXT = re.compile(
    r"\b(?:(?:call|phone|tel|telephone|text|whatsapp|mobile|cell|contact)(?:\s+number)?"
    r"|(?:my|his|her|their|your)\s+number)\s*(?:me\s*)?(?:at|on|:|is)?"
    r"\s*(\+?\d[\d\s().-]{5,}\d)"
)

_STREET_SUFFIX = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|terrace|crescent|highway|hwy|parkway|pkwy"
    r"|way|court|ct|place|pl"
)
# Abbreviations, spelled out to compare an address with the famous ones: "4 privet dr" is "4 privet drive".
_SUFFIX_WORDS = {
    "st": "street",
    "ave": "avenue",
    "rd": "road",
    "blvd": "boulevard",
    "ln": "lane",
    "dr": "drive",
    "hwy": "highway",
    "pkwy": "parkway",
    "ct": "court",
    "pl": "place",
}
# Words that make "<number> <words> <suffix>" something other than an address ("24 hour drive").
_NOT_STREET_NAMES_TEXT = """
    the a an of on in at to by for with and or from into onto near down up along across over under busy
    empty old new wet dark long narrow wide quiet rainy snowy hour hours minute minutes mile miles km
    meter meters metre metres foot feet year years day days week weeks lane lanes way wheel wheels car
    cars mm cm px k fps pin story storey door times step steps percent x tennis basketball food supreme
    meeting hiding happy resting final safe setting settings
"""
_NOT_STREET_NAMES = frozenset(_NOT_STREET_NAMES_TEXT.split()) | frozenset(_STREET_SUFFIX.split("|"))
# "123 Main Street", "123 N Main St", "350 5th Ave": a house number, a compass point, one to three name
# words (ordinals included), a suffix.
_ADDRESS = re.compile(
    rf"(?<![\w.])(\d{{1,5}}[a-d]?)\s+(?:[nsew]\.?\s+)?((?:(?:[a-z][a-z-]+|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}})"
    rf"({_STREET_SUFFIX})\b\.?",
    re.IGNORECASE,
)
# Where the street comes first or the number last: "12 rue de rivoli", "calle mayor 10", "rua augusta,
# 200", "hauptstrasse 5" ("ß" is casefolded to "ss"), "berliner strasse 5". English words that start such
# a phrase ("5 place settings", "largo from symphony 9", "boxing ring 5") are left out.
_ADDRESS_FRENCH = re.compile(
    r"(?<![\w.])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|allee|chemin|impasse|quai)\s+"
    r"(?:de\s+la\s+|de\s+l|du\s+|des\s+|de\s+|d)?[a-z][a-z-]+"
)
_ADDRESS_IBERIAN = re.compile(
    r"(?<!\w)(?:calle|avenida|avda|paseo|carrer|rua|travessa)\s+"
    r"(?:(?:de|del|da|do|dos|das)\s+(?:(?:la|los|las)\s+)?)?[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?,?\s+"
    r"(?:n[o.]?\s*)?\d{1,4}(?!\d)"
)
# Anchored at the suffix, after a letter or a word and a space: a pattern that starts with the street name
# would rescan "a-a-a-…" from every letter.
_ADDRESS_GERMAN = re.compile(
    r"(?:(?<=[a-z])|(?<=[a-z]\s))(?:strasse|str\.|weg|allee|platz|gasse)\s+\d{1,4}[a-z]?(?!\w)"
)
# Each with the words one of its addresses must contain, to skip the pattern on most prompts.
_ADDRESS_ELSEWHERE = (
    (_ADDRESS_FRENCH, ("rue", "allee", "chemin", "impasse", "quai")),
    (_ADDRESS_IBERIAN, ("calle", "avenida", "avda", "paseo", "carrer", "rua", "travessa")),
    (_ADDRESS_GERMAN, ("strasse", "str.", "weg", "allee", "platz", "gasse")),
)
_ADDRESS_ELSEWHERE_HINT = re.compile(
    "|".join(re.escape(word) for _, words in _ADDRESS_ELSEWHERE for word in dict.fromkeys(words))
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
        "10 cloverfield lane",
        "123 sesame street",
    }
)

_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
# Nine digits with nothing between them are an SSN only when the text says so.
_SSN_NAMED = re.compile(
    r"\b(?:ssn|social security(?:\s+(?:number|no\.?))?)\s*[:#]?\s*(\d{3})(\d{2})(\d{4})(?!\d)"
)
# Spanish DNI and NIE: eight digits (or X, Y, Z and seven) and a check letter.
_DNI = re.compile(r"(?<![a-z0-9])([xyz]?\d{7,8})\s?-?\s?([a-z])(?![a-z0-9])")
_DNI_LETTERS = "trwagmyfpdxbnjzsqvhlcke"
# Indian Aadhaar: twelve digits in groups of four, not starting with 0 or 1, with a Verhoeff check digit.
_AADHAAR = re.compile(r"(?<![\d-])([2-9]\d{3})\s(\d{4})\s(\d{4})(?![\d-])")
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


def _dni_valid(number: str, letter: str) -> bool:
    if number[0] in "xyz":
        if len(number) != 8:
            return False
        number = str("xyz".index(number[0])) + number[1:]
    elif len(number) != 8:
        return False
    return _DNI_LETTERS[int(number) % 23] == letter


_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def _verhoeff_valid(digits: str) -> bool:
    check = 0
    for i, ch in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][int(ch)]]
    return check == 0


def _iban_valid(raw: str) -> bool:
    iban = re.sub(r"\s", "", raw).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


_DIGIT = re.compile(r"\d")


def _found(kind: PiiKind, match: re.Match[str], group: int = 0) -> PiiMatch:
    return PiiMatch(kind, match.group(group), match.start(group), match.end(group))


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


def find_pii(text: str) -> list[PiiMatch]:
    """Personal data in `text` (already NFKC-normalised and casefolded), most identifying first."""
    # Blanked to the same length, so that what is found has its place in the text given.
    text = _SEED.sub(lambda seed: " " * len(seed.group(0)), text)
    found = _find_shapes(text)

    # 4. Shapes written by hand to slip past the above: letters for digits ("415-555-O134"), every
    # digit or letter on its own ("4 1 5 5 5 5 0 1 3 4", "b o b @ g m a i l . c o m").
    if _HAS_DIGIT.search(text):
        # The same length, only the letters of number-like words changed: the places hold.
        digits = _LOOKALIKE_NUMBER.sub(lambda number: number.group(0).translate(_LOOKALIKE_DIGITS), text)
        if digits != text:
            found.extend(replace(m, text=text[m.start : m.end]) for m in _find_shapes(digits))
        if _digit_count(text) >= 7:
            for match in _SPACED_DIGITS.finditer(text):
                if _spaced_phone(match):
                    found.append(_found(PiiKind.PHONE, match))
    if "@" in text:
        unspaced, origin = _unspaced(text)
        for match in _EMAIL.finditer(unspaced) if unspaced != text else ():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            found.append(PiiMatch(PiiKind.EMAIL, text[start:end], start, end))
    return list(dict.fromkeys(found))


def _find_shapes(text: str) -> list[PiiMatch]:
    found: list[PiiMatch] = []
    digits = _digit_count(text)

    # 1. Numbers with a checksum or a fixed layout; the shortest of them has six digits.
    if digits >= 6:
        _find_numbers(text, digits, found)

    # 2. Contact details.
    if "@" in text or ("at" in text and (" at " in text or _BRACKETED_AT.search(text))):
        for pattern in (_EMAIL, _EMAIL_SPELLED):
            found.extend(_found(PiiKind.EMAIL, m) for m in pattern.finditer(text))
    if digits >= 7:
        _find_phones(text, found)

    # 3. Street addresses: a house number, one to three name words and a street suffix.
    if digits:
        for match in _ADDRESS.finditer(text):
            names = match.group(2).lower().split()
            suffix = match.group(3).lower()
            whole = " ".join([match.group(1).lower(), *names, _SUFFIX_WORDS.get(suffix, suffix)])
            if whole in _FAMOUS_ADDRESSES or any(n in _NOT_STREET_NAMES for n in names):
                continue
            found.append(_found(PiiKind.ADDRESS, match))
        if _ADDRESS_ELSEWHERE_HINT.search(text):
            for pattern, words in _ADDRESS_ELSEWHERE:
                if any(word in text for word in words):
                    found.extend(_found(PiiKind.ADDRESS, m) for m in pattern.finditer(text))
    return found


def _spaced_phone(match: re.Match[str]) -> bool:
    """Whether digits written one by one are a phone number: after a "+", or ten in the North American
    shape (a country code "1" before them or not), but not counting ("9 8 7 6 5 4 3 2 1 0")."""
    digits = re.sub(r"\D", "", match.group(0))
    if match.group(1):
        return 8 <= len(digits) <= 15
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(digits)}
    return len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01" and len(steps) > 1


def _unspaced(text: str) -> tuple[str, list[int]]:
    """`text` with the spaces between single characters ("b o b") and around "@" taken out, and for
    each character left its index in `text`."""
    dropped: set[int] = set()
    for run in _SINGLE_CHARACTERS.finditer(text):
        dropped.update(range(run.start() + 1, run.end(), 2))
    for at in _SPACED_AT.finditer(text):
        dropped.update(i for i in range(at.start(), at.end()) if text[i] == " ")
    origin = [i for i in range(len(text)) if i not in dropped]
    return "".join(text[i] for i in origin), origin


def redact_pii(text: str) -> str:
    """`text` as typed, with each piece of personal data that screening finds in it replaced by what it
    is ("call me at [phone number]"): moderators review what was asked without the data itself."""
    # 1. Search the text folded as screening folds it, one character at a time, so that each match
    # has its place in the text as typed, case, accents and other scripts kept.
    folded, origin = fold_with_origin(text)
    redacted = _replace(text, find_pii(folded), origin)
    # 2. Screening folds the whole text at once (weighting syntax removed, "(415-555-0134:1.1)"); where
    # that finds more, the folded text is what is kept, and nothing of it if even that leaves some.
    if find_pii(analyze(redacted).base):
        base = analyze(text).base
        redacted = _replace(base, find_pii(base), range(len(base)))
        if find_pii(analyze(redacted).base):
            return WITHHELD
    return redacted


def _replace(text: str, found: list[PiiMatch], origin: Sequence[int]) -> str:
    """`text` with the matches (positions in a text whose characters came from `origin`) replaced by
    their labels; overlapping matches ("call 415-555-0134" is a phone number twice) make one."""
    spans: list[tuple[int, int, PiiKind]] = []
    for match in sorted(found, key=lambda m: (m.start, -m.end)):
        start, end = origin[match.start], origin[match.end - 1] + 1
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]), spans[-1][2])
        else:
            spans.append((start, end, match.kind))
    pieces: list[str] = []
    done = 0
    for start, end, kind in spans:
        pieces += [text[done:start], _LABELS[kind]]
        done = end
    return "".join([*pieces, text[done:]])


def _find_numbers(text: str, digit_count: int, found: list[PiiMatch]) -> None:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and _luhn_valid(digits):
            found.append(_found(PiiKind.CREDIT_CARD, match))
    for match in _SSN.finditer(text):
        area, group, serial = match.group(1), match.group(3), match.group(4)
        if area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000":
            found.append(_found(PiiKind.NATIONAL_ID, match))
    named = _SSN_NAMED.finditer(text) if "ssn" in text or "social security" in text else ()
    for match in named:
        area, group, serial = match.groups()
        if area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000":
            found.append(_found(PiiKind.NATIONAL_ID, match))
    # Skipped on most prompts: a DNI has seven or eight digits, an Aadhaar number twelve.
    for match in _DNI.finditer(text) if digit_count >= 7 else ():
        if _dni_valid(match.group(1), match.group(2)):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _AADHAAR.finditer(text) if digit_count >= 12 else ():
        if _verhoeff_valid("".join(match.groups())):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _UK_NINO.finditer(text):
        if match.group(1) not in _UK_NINO_INVALID_PREFIXES:
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _CA_SIN.finditer(text):
        if _luhn_valid(re.sub(r"\D", "", match.group(0))):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group(0)):
            found.append(_found(PiiKind.NATIONAL_ID, match))


def _find_phones(text: str, found: list[PiiMatch]) -> None:
    for match in _PHONE_NANP.finditer(text):
        found.append(_found(PiiKind.PHONE, match))
    for match in _PHONE_INTERNATIONAL.finditer(text):
        if 8 <= _digit_count(match.group(0)) <= 15:
            found.append(_found(PiiKind.PHONE, match))
    for match in _PHONE_TRUNK.finditer(text):
        if 10 <= _digit_count(match.group(0)) <= 11:
            found.append(_found(PiiKind.PHONE, match))
    for match in _PHONE_CONTEXT.finditer(text):
        if 7 <= _digit_count(match.group(1)) <= 15:
            found.append(_found(PiiKind.PHONE, match, 1))
