"""Personal data in prompts: phone numbers, e-mail addresses, street addresses, national ids, card numbers.

Prompts are full of numbers that are not personal data ("1920x1080", "16:9", "seed 12345", "4k", "1990s",
"512 768 1024"), so every pattern asks for the shape that only the personal datum has (separators in the
right places, a "+" and a country code, a checksum, the number's name: "PESEL", "passport") rather than for
"enough digits". Where the same words also read as something a picture shows (years, image sizes, "1969
abbey road", "street photography"), that reading wins unless what only personal data has is there too: a
flat number or a postcode after the street.
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


# Generation settings are not personal data whatever their digits: "seed", and every setting named after it
# ("noise_seed", "subseed", "Variation seed: 123", "seed_resize_from_h: 512"), and a model's hash, which
# can be all digits ("Model hash: 0612345678"). Any word before a number is matched, possessively, and its
# name checked after: "[a-z_]*seed" would rescan "seed_seed_…" from each "seed" in it.
_SETTING = re.compile(r"\b([a-z_]++)\s*[:=#]?\s*\d+")
_SEED_NAME = re.compile(r"(?:seed|hash)(?:_|$)")
# A book's number on its cover is not a phone number either ("isbn 0679735771" has a French mobile's
# shape): blanked only when its check digit holds, so that "isbn" cannot hide anything else.
_ISBN = re.compile(r"\bisbn(?:-1[03])?\s*[:#]?\s*(\d(?:[ -]?\d){8}[ -]?[\dx](?:[ -]?\d){0,3})(?![\w-])")
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
# A plain " at … dot " between ordinary words ("a cat staring at laser dot in the dark") takes only the
# endings that are not English words: "in", "it", "me", "us", "no" follow "dot" in sentences.
_EMAIL_SPELLED = re.compile(
    rf"(?<![a-z0-9._%+-])[a-z0-9._%+-]++\s*"
    rf"(?:[\[({{<]\s*at\s*[\])}}>]\s*[a-z0-9-]+\s*(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+|\.)"
    rf"|\s+at\s+(?:{_MAIL_HOSTS})\s*(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+|\.)"
    rf"|\s+at\s+(?!(?:{_NOT_MAIL_HOSTS})\s)[a-z0-9-]+\s*"
    rf"(?:[\[({{<]\s*dot\s*[\])}}>]|\s+dot\s+(?=(?:{_SPACED_TLDS})\b))"
    rf"|@\s*[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*?\s*\.\s*(?=(?:{_SPACED_TLDS})\b))"
    rf"\s*(?:{_TLDS})\b"
)
# An address at a big mail provider needs no ending to reach its owner: "jane.doe@gmail". Only providers
# whose names are not words, so that "art@home" or "me@work" stay what they are.
_EMAIL_NO_ENDING = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]++@"
    r"(?:gmail|googlemail|yahoo|hotmail|outlook|icloud|protonmail|proton|aol|gmx|yandex)(?![a-z0-9-])"
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
# National layouts the one above misses: French and Belgian pairs ("06 12 34 56 78", "01.23.45.67.89"),
# Turkish "0532 123 45 67", Dutch mobiles ("06-12345678"), and mobiles written without a separator, whose
# prefixes fixed lines and catalogue numbers do not share: 06 and 07 (France, the Netherlands, Britain),
# 05 (Turkey), 015 to 017 (Germany). The separators must agree, so a date ("05-12-2023 14:30") is none.
_PHONE_NATIONAL = re.compile(
    r"(?<![\w.+-])(?:0[1-9]([ .-])\d{2}(?:\1\d{2}){3}|0\d{3}([ .-])\d{3}\2\d{2}\2\d{2}"
    r"|06[ -]?\d{8}|07\d{8,9}|05\d{9}|01[5-7]\d{8,9})(?!\w|[.-]\d)"
)
# "number" alone is not enough: "the number 1234567 on a bus", "catalogue number 978-3-16-148410-0".
# Words for "call" in the languages of the layouts above make a number without "0" or "+" one:
# "bel me op …" (Dutch), "zadzwoń 512 345 678" (Polish), "ara …" (Turkish), "appelle-moi au …".
_PHONE_CONTEXT = re.compile(
    r"\b(?:(?:call|phone|tel|telephone|telefon|telefono|text|sms|whatsapp|mobile|cell|contact|bel|zadzwon"
    r"|dzwon|ara|arayin|appelle|appelez)(?:\s+(?:number|numer|numara|numero))?"
    r"|(?:my|his|her|their|your)\s+number)\s*(?:(?:me|moi)\s*)?(?:at|on|op|au|na|pod|:|is)?"
    r"\s*(\+?\d[\d\s().-]{5,}\d)"
)
# A date written on a sign or a card ("text: 12.05.2024", "24/12/1990") is no phone number.
_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d")
# Numbers written in words, one digit a word: "four one five, five five five, zero one three four".
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_DIGIT_WORD = "zero|oh|one|two|three|four|five|six|seven|eight|nine"
_SPELLED_DIGITS = re.compile(
    rf"(?<![\w-])(plus\s+)?(?:{_DIGIT_WORD})(?:[\s,.-]++(?:{_DIGIT_WORD})(?![\w-]))++"
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
# Words that make the suffix the first half of a compound noun, or the street the name of a work: "street
# photography", "road trip", "drive-thru", "21 jump street movie poster", "1969 abbey road album cover".
# A real address is not followed, without so much as a comma, by "photography" or "poster".
_COMPOUNDS_TEXT = """
    photography photo photos photograph photographs photographer art artist artists mural graffiti fashion
    wear style styles food foods scene scenes market markets view views sign signs lamp lamps lights racing
    race races racer racers fighter fighters dance dancer dancers musician musicians performer performers
    performance vendor vendors stall stalls party parties parade festival crossing urchin urchins band gang
    preacher magician hockey football soccer basketball skating skateboarding portrait portraits trip trips
    map maps rage bike bikes biker bikers warrior warriors runner thru train shaft movie movies film films
    poster posters album albums cover covers soundtrack series show episode aesthetic vibe vibes theme logo
    game games
"""
_COMPOUNDS = frozenset(_COMPOUNDS_TEXT.split())
# People and animals counted before a street word are a count, not a house number: "2 girls street
# photography", "4 friends road trip". Streets are named after trees and kings, not after "girls".
_COUNTED_TEXT = """
    girl girls boy boys woman women man men friend friends kid kids child children people person persons
    guy guys lady ladies couple couples teen teens student students soldier soldiers cat cats dog dogs
    kitten kittens puppy puppies
"""
_COUNTED = frozenset(_COUNTED_TEXT.split())
_NEXT_WORD = re.compile(r"[ -]([a-z]+)")
# A number after one of these words labels a road, not a house on it: "route 1 pacific coast highway".
_ROUTE_LABEL = re.compile(r"\b(?:route|highway|hwy|interstate|i-|exit|platform|gate|pier)\s*#?\s*$")
# A shop, a café or a sign, just before the street: "a bakery on 5 rose street", "the old bookshop at 12
# baker lane", "a sign reading 9 willow way". A business's door is public, and a sign's text a picture's.
_PUBLIC_PLACE = re.compile(
    r"(?<![a-z])(?:bakery|bakeries|shop|shops|store|stores|storefront|cafe|coffeehouse|restaurant|diner"
    r"|pizzeria|pub|tavern|inn|hotel|motel|bookshop|bookstore|library|museum|gallery|theater|theatre|cinema"
    r"|church|temple|chapel|mosque|school|academy|university|college|hospital|clinic|pharmacy|apothecary|bank"
    r"|post office|office|offices|headquarters|factory|warehouse|garage|workshop|studio|salon|barbershop"
    r"|boutique|market|supermarket|mall|station|arcade|brewery|florist|teahouse|bistro|patisserie|parlou?r"
    r"|emporium|agency|embassy|town hall|city hall|courthouse|laundromat|hardware store|record store)"
    r"(?:'s)?(?:\s+[a-z]+){0,3}?\s*(?:on|at|in|,|-|:)\s*$"
    r"|(?<![a-z])(?:sign|signs|signpost|plaque|banner|label|neon)\s+(?:that\s+)?"
    r"(?:reads?|reading|says|saying|with(?:\s+the)?\s+(?:text|words))\s*[:'\"“]?\s*$"
)
# Make-believe settings, where a street is a place in the story: "a storybook cottage at 3 acorn lane".
_MADE_UP_SETTING = re.compile(
    r"(?<![a-z])(?:storybook|story book|fairy ?tale|children'?s book|picture book|bedtime story|nursery rhyme"
    r"|dollhouse|doll house|diorama|toy town|board game|monopoly)(?![a-z])"
)
# US states and ZIP codes ("tx 78701", "il 62704"); the codes that are also words ("in 12345", "or 12345",
# "hi 10000 followers") only after a comma, as in "springfield, il 62704".
_US_STATES = "ak|az|ar|ca|ct|dc|fl|ga|ia|il|ks|ky|md|mi|mn|ms|mt|nv|nh|nj|nm|ny|nc|nd|ri|sc|sd|tn|tx|ut|vt|va|wa|wv|wi|wy"
_US_STATES_WORDS = "al|co|de|hi|id|in|la|ma|me|mo|ne|oh|ok|or|pa"
_STATE_ZIP_TEXT = (
    rf"(?:(?<![\w.])(?:{_US_STATES})|,\s*(?:{_US_STATES_WORDS}))\.?,?\s+\d{{5}}(?:-\d{{4}})?(?![\w-])"
)
# What, after a street, pins it to one door rather than naming it: a flat or suite right after it, or
# within the next few words a US state and ZIP code, a British or a Canadian postcode.
# ("#1" is left out: "1990 tokyo street #1 trending".)
_UNIT_AFTER = re.compile(r",?\s*(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\s*\d")
_POSTAL_CODE = re.compile(
    rf"{_STATE_ZIP_TEXT}|\b(?:[a-z]{{1,2}}\d[a-z\d]?\s*\d[abd-hjlnp-uw-z]{{2}}|[a-z]\d[a-z]\s?\d[a-z]\d)\b"
)
_EVIDENCE_WINDOW = 60
# A house number with no street suffix is still an address before a town, a US state and a ZIP code:
# "1234 Elm, Austin TX 78701". Found from the state and ZIP, the rarer part, then the house number is
# looked for at the start of one of the four comma-separated parts before them.
_STATE_ZIP = re.compile(_STATE_ZIP_TEXT)
_HOUSE_NUMBER = re.compile(r"\s*\d{1,6}[a-z]?\s+[a-z]")
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
# Dutch ones end the same way: "kalverstraat 92", "keizersgracht 123", "jan luijkenstraat 2".
_ADDRESS_GERMAN = re.compile(
    r"(?:(?<=[a-z])|(?<=[a-z]\s))"
    r"(?:strasse|str\.|weg|allee|platz|gasse|straat|gracht|laan|plein|kade|singel|steeg)\s+\d{1,4}[a-z]?(?!\w)"
)
# Swedish and Danish suffixes are part of the word ("drottninggatan 12", "vesterbrogade" aside, as
# "brigade 5" ends the same way); a separate "gate 5" is an airport's.
_ADDRESS_NORDIC = re.compile(r"(?<=[a-z])(?:gatan|vagen|vej|veien)\s+\d{1,4}[a-z]?(?!\w)")
# A word for "street" first, then the name and number: Polish "ul. marszalkowska 15" ("ł" is folded to
# "l"), Indonesian and Malay "jl. sudirman no. 45". "al." and "pl." are left out: "et al. nature 2020".
_ADDRESS_STREET_FIRST = re.compile(
    r"(?<!\w)(?:ul\.|ulica|ulicy|aleja|alei|plac|jl\.?|jln\.?|jalan)\s*"
    r"[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*){0,3}?,?\s+(?:no\.?\s*)?\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?(?!\w)"
)
# Turkish: the name, "caddesi" (avenue) or "sokak" (street), then the number: "ataturk caddesi no: 12".
_ADDRESS_TURKISH = re.compile(
    r"(?<=[a-z]\s)(?:caddesi|cad\.|cd\.|sokak|sokagi|sok\.|sk\.|bulvari)\s*,?\s*"
    r"(?:no\s*[:.]?\s*)?\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?(?!\w)"
)
# Each with the words one of its addresses must contain, to skip the pattern on most prompts.
_ADDRESS_ELSEWHERE = (
    (_ADDRESS_FRENCH, ("rue", "allee", "chemin", "impasse", "quai")),
    (_ADDRESS_IBERIAN, ("calle", "avenida", "avda", "paseo", "carrer", "rua", "travessa")),
    (
        _ADDRESS_GERMAN,
        ("str", "weg", "allee", "platz", "gasse", "gracht", "laan", "plein", "kade", "singel", "steeg"),
    ),
    (_ADDRESS_NORDIC, ("gatan", "vagen", "vej", "veien")),
    (_ADDRESS_STREET_FIRST, ("ul.", "ulic", "alej", "alei", "plac", "jl", "jalan")),
    (_ADDRESS_TURKISH, ("caddesi", "cad.", "cd.", "sokak", "sokagi", "sok.", "sk.", "bulvari")),
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
        "3 abbey road",
        "21 jump street",
        "1428 elm street",
        "129 west 81st street",
        "90 bedford street",
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
# Identity numbers whose bare digits are common in prompts (nine or eleven digits, a check that one number in
# ten or a hundred passes): counted after their name, and then only if their check holds. A passport
# number has no check at all, so only its name makes one: "passport number X12345678".
_NAMED_ID = re.compile(
    r"\b(bsn|burgerservicenummer|sofinummer|pesel|cpf|tckn|kimlik|passport)"
    r"(?:\s+(?:no|nr|number|numarasi|numer|numero|#))?\.?\s*[:#]?\s*"
    r"([a-z]{0,2}\d(?:[ .-]?\d){5,10}+[a-z]?)(?!\w)"
)
# A Brazilian CPF written as it is printed, "123.456.789-09", is that and nothing else: no name needed.
_CPF = re.compile(r"(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w.-])")
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


def _bsn_valid(digits: str) -> bool:
    """The Dutch "11-proof": the digits weighted 9 down to 2, the last -1, add up to a multiple of 11."""
    if len(digits) != 9 or digits == "0" * 9:
        return False
    return sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0


def _pesel_valid(digits: str) -> bool:
    """A Polish PESEL: a birth date (the month plus 20, 40, 60 or 80 for other centuries) and a check digit."""
    if len(digits) != 11:
        return False
    month, day = int(digits[2:4]) % 20, int(digits[4:6])
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = -sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 10
    return 1 <= month <= 12 and 1 <= day <= 31 and check == int(digits[10])


def _cpf_valid(digits: str) -> bool:
    """A Brazilian CPF: two check digits, each the weighted sum mod 11 (10 read as 0); "111.111.111-11"
    passes the sums but is never issued."""
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits, range(n + 1, 1, -1), strict=False))
        if total * 10 % 11 % 10 != int(digits[n]):
            return False
    return True


def _tckn_valid(digits: str) -> bool:
    """A Turkish identity number: no leading 0, and two check digits from the odd and even places."""
    if len(digits) != 11 or digits[0] == "0":
        return False
    d = [int(c) for c in digits]
    odd, even = sum(d[0:9:2]), sum(d[1:8:2])
    return (odd * 7 - even) % 10 == d[9] and sum(d[:10]) % 10 == d[10]


def _passport_like(number: str) -> bool:
    """Up to two letters, six to nine digits, perhaps a letter: what most countries print. Even a number
    as made up as "X12345678" counts after the word "passport": a real one cannot be told from it."""
    return re.fullmatch(r"[a-z]{0,2}\d{6,9}[a-z]?", number) is not None


def _isbn_valid(raw: str) -> bool:
    isbn = re.sub(r"[ -]", "", raw)
    if len(isbn) == 10 and isbn[:9].isdigit():
        values = [*map(int, isbn[:9]), 10 if isbn[9] == "x" else int(isbn[9])]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if len(isbn) == 13 and isbn.isdigit():
        return sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(isbn)) % 10 == 0
    return False


# Each named number's check, by the first word of its name.
_NAMED_ID_CHECKS = {
    "bsn": _bsn_valid,
    "burgerservicenummer": _bsn_valid,
    "sofinummer": _bsn_valid,
    "pesel": _pesel_valid,
    "cpf": _cpf_valid,
    "tckn": _tckn_valid,
    "kimlik": _tckn_valid,
}


def _iban_valid(raw: str) -> bool:
    iban = re.sub(r"\s", "", raw).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


_DIGIT = re.compile(r"\d")
_GROUPS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+")


def _found(kind: PiiKind, match: re.Match[str], group: int = 0) -> PiiMatch:
    return PiiMatch(kind, match.group(group), match.start(group), match.end(group))


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


def find_pii(text: str) -> list[PiiMatch]:
    """Personal data in `text` (already NFKC-normalised and casefolded), most identifying first."""
    # Blanked to the same length, so that what is found has its place in the text given.
    text = _SETTING.sub(
        lambda m: " " * len(m.group(0)) if _SEED_NAME.search(m.group(1)) else m.group(0), text
    )
    if "isbn" in text:
        text = _ISBN.sub(
            lambda isbn: " " * len(isbn.group(0)) if _isbn_valid(isbn.group(1)) else isbn.group(0), text
        )
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
    for match in _SPELLED_DIGITS.finditer(text):
        if _spelled_phone(match):
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
        for pattern in (_EMAIL, _EMAIL_SPELLED, _EMAIL_NO_ENDING):
            found.extend(_found(PiiKind.EMAIL, m) for m in pattern.finditer(text))
    if digits >= 7:
        _find_phones(text, found)

    # 3. Street addresses: a house number, one to three name words and a street suffix.
    if digits:
        _find_addresses(text, digits, found)
    return found


def _find_addresses(text: str, digit_count: int, found: list[PiiMatch]) -> None:
    for match in _ADDRESS.finditer(text):
        if _street_address(text, match):
            found.append(_found(PiiKind.ADDRESS, match))
    for match in _STATE_ZIP.finditer(text) if digit_count >= 6 else ():
        # The starts of the comma-separated parts before the state ("1234 elm", " austin").
        begin = max(0, match.start() - 80)
        starts = [
            *([0] if begin == 0 else []),
            *(i + 1 for i in range(begin, match.start()) if text[i] == ","),
        ]
        for start in starts[-4:]:
            house = _HOUSE_NUMBER.match(text, start, match.start())
            if house:
                start += len(house.group(0)) - len(house.group(0).lstrip())
                found.append(PiiMatch(PiiKind.ADDRESS, text[start : match.end()], start, match.end()))
                break
    if _ADDRESS_ELSEWHERE_HINT.search(text):
        for pattern, words in _ADDRESS_ELSEWHERE:
            if any(word in text for word in words):
                found.extend(_found(PiiKind.ADDRESS, m) for m in pattern.finditer(text))


def _street_address(text: str, match: re.Match[str]) -> bool:
    """Whether "<number> <words> <suffix>" is where someone lives rather than a picture's subject."""
    number, names, suffix = match.group(1).lower(), match.group(2).lower().split(), match.group(3).lower()
    if any(n in _NOT_STREET_NAMES for n in names):
        return False
    # Each of these reads it as something else: a compound noun or a work's title ("21 jump street movie
    # poster"), a count ("2 girls street photography"), a road's number ("route 1 pacific coast highway"),
    # a famous address, a year before a street ("1969 abbey road", "film noir poster, 1950 sunset
    # boulevard", "1990 tokyo street"), a shop or a sign on it, or a storybook's street. A house at 1950 on a Sunset Boulevard in no particular town does not
    # locate anyone; what pins the street to one door does, and outweighs them all: a flat right after it,
    # a postcode, a US state and ZIP code ("1950 Sunset Blvd, Los Angeles, CA 90028" is refused).
    following = _NEXT_WORD.match(text, match.end())
    whole = " ".join([number, *names, _SUFFIX_WORDS.get(suffix, suffix)])
    something_else = (
        (following is not None and following.group(1) in _COMPOUNDS)
        or (names[0] in _COUNTED and len(number) <= 2)
        or _ROUTE_LABEL.search(text[max(0, match.start() - 12) : match.start()]) is not None
        or whole in _FAMOUS_ADDRESSES
        or (number.isdigit() and len(number) == 4 and 1800 <= int(number) <= 2099)
        or _PUBLIC_PLACE.search(text[max(0, match.start() - 50) : match.start()]) is not None
        or _MADE_UP_SETTING.search(text) is not None
    )
    return not something_else or _address_evidence(text, match.end())


def _address_evidence(text: str, end: int) -> bool:
    """Whether a flat, a postcode, or a US state and ZIP code follow a street that ends at `end`."""
    return bool(_UNIT_AFTER.match(text, end) or _POSTAL_CODE.search(text, end, end + _EVIDENCE_WINDOW))


def _spaced_phone(match: re.Match[str]) -> bool:
    """Whether digits written one by one are a phone number (see `_phone_digits`)."""
    return _phone_digits(re.sub(r"\D", "", match.group(0)), plus=bool(match.group(1)))


def _phone_digits(digits: str, *, plus: bool) -> bool:
    """Whether digits written one at a time, in figures or in words, are a phone number: after a "+", or
    ten in the North American shape (a country code "1" before them or not), but not counting
    ("9 8 7 6 5 4 3 2 1 0") or one digit over and over."""
    if plus:
        return 8 <= len(digits) <= 15
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01" and not _counting(digits)


def _counting(digits: str) -> bool:
    """Whether each digit is the one before it plus the same step: "0123456789", "987…", "5555…"."""
    return len({(int(b) - int(a)) % 10 for a, b in pairwise(digits)}) <= 1


def _spelled_phone(match: re.Match[str]) -> bool:
    words = _WORD.findall(match.group(0).removeprefix(match.group(1) or ""))
    digits = "".join("0" if word == "oh" else str(_DIGIT_WORDS.index(word)) for word in words)
    return _phone_digits(digits, plus=bool(match.group(1)))


def _years_or_sizes(groups: Sequence[str]) -> bool:
    """Whether numbers written side by side are years ("1914 1918") or image sizes ("512 256 512",
    "2048 1080 2160": multiples of 8 from 64 up, as Stable Diffusion takes them) rather than one number.
    A real number of that shape is missed once in hundreds: a price worth the prompts it lets through."""
    return all(len(g) == 4 and 1800 <= int(g) <= 2099 for g in groups) or all(
        int(g) >= 64 and int(g) % 8 == 0 for g in groups
    )


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
        if _verhoeff_valid("".join(match.groups())) and not _years_or_sizes(match.groups()):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _UK_NINO.finditer(text):
        if match.group(1) not in _UK_NINO_INVALID_PREFIXES:
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _CA_SIN.finditer(text):
        groups = _GROUPS.findall(match.group(0))
        if _luhn_valid("".join(groups)) and not _years_or_sizes(groups):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _NAMED_ID.finditer(text):
        name, number = match.groups()
        number = re.sub(r"[ .-]", "", number)
        check = _NAMED_ID_CHECKS.get(name)
        if (number.isdigit() and check(number)) if check else _passport_like(number):
            found.append(_found(PiiKind.NATIONAL_ID, match, 2))
    for match in _CPF.finditer(text):
        if _cpf_valid(re.sub(r"\D", "", match.group(0))):
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
    for match in _PHONE_NATIONAL.finditer(text):
        if not _counting(re.sub(r"\D", "", match.group(0))):
            found.append(_found(PiiKind.PHONE, match))
    for match in _PHONE_CONTEXT.finditer(text):
        groups = _GROUPS.findall(match.group(1))
        if (
            7 <= _digit_count(match.group(1)) <= 15
            and not _years_or_sizes(groups)
            and not _DATE.fullmatch(match.group(1).strip())
        ):
            found.append(_found(PiiKind.PHONE, match, 1))
