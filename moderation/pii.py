"""Personal data in prompts: phone numbers, e-mail addresses, street addresses, national ids, card numbers.

Prompts are full of numbers that are not personal data ("1920x1080", "16:9", "seed 12345", "4k", "1990s",
"512 768 1024"), so every pattern asks for the shape that only the personal datum has (separators in the
right places, a "+" and a country code, the digits a phone number can have, a checksum, the number's name:
"PESEL", "passport") rather than for "enough digits". Where the same words also read as something a picture
shows (years, image sizes, "1969 abbey road", "street photography", "via dolorosa 3", spans of years or
opening hours), that reading wins unless what only personal data has is there too: a flat number or a
postcode after the street. A street in a made-up world (a storybook's, a fantasy map's, a horror film's, an
illustration's) is nobody's door either, unless someone is said to live there or a flat or postcode pins it.

What is kept out of use for fiction and examples is no one's: the phone numbers set aside for films and
drama (North America's 555, Ofcom's drama ranges), the mail domains set aside for examples (example.com,
*.test), the card numbers published for testing payments ("4242 4242 4242 4242") and placeholder streets
("123 fake street"). Nor is a famous address, even with its own postcode, nor what a business shows the
world: its role mailbox ("hello@sunnystudio.com") or its address on its sign, letterhead or invitation,
unless the prompt says the place is someone's home. A date of birth is personal data only whole and next
to what says whose it is ("born 12.03.1996, lives in leeds"), not a birthday card's "born 1994".

What is kept for fiction or tests is somebody's all the same once the prompt gives it to a person: a made-up
number beside a name or to call someone on ("call Jenny 212-555-0199", "Anna Kowalski +1 202 555 0143",
but not on a business card or letterhead mockup), a test card with its holder's name or billing address.
A business's number on its sign, van or advert is public as its address there is; a business card is its
holder's. A real or known person's contact data asked for by name is refused with no figures at all ("Taylor
Swift's home address", "my landlord's cell number", "the phone number of streamer X", doxxing named as
such), and so is an identity document named in another language or script with whose it is and a number
("carte d'identité de Julien Moreau, numéro …", "マイナンバーカード 山田太郎 番号 …").

What is written to slip past the shapes is read as the shape: other scripts' digits ("٤١٥") as ASCII ones,
digits spelled out, in English or in the languages of the national layouts, as the figures they stand for,
letters for digits ("415-362-O134"), "@" and "." in brackets or in words ("jane [at] gmail (.) com").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

from moderation.lexicon import data_lines
from moderation.normalize import analyze, fold_with_origin


class PiiKind(StrEnum):
    """The kind of personal data found; part of the rule id ("floor.pii.phone")."""

    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    NATIONAL_ID = "national_id"
    CREDIT_CARD = "credit_card"
    DATE_OF_BIRTH = "date_of_birth"


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One piece of personal data found in a text."""

    kind: PiiKind
    text: str
    start: int
    """Where it starts in the text searched, which `redact_pii` maps back to the text as typed."""
    end: int


# Generation settings are not personal data whatever their digits: "seed", and every setting named after it
# ("noise_seed", "subseed", "Variation seed: 123", "seed_resize_from_h: 512", "seed number 123"), a model's
# hash, which can be all digits ("Model hash: 0612345678"), and Midjourney's style and character reference
# codes ("--sref 3137386934"). Any word before a number is matched, possessively, and its name checked
# after: "[a-z_]*seed" would rescan "seed_seed_…" from each "seed" in it.
_SETTING = re.compile(r"\b([a-z_]++)(?:\s+(?:value|number|no|nr|code))?\s*[:=#]?\s*\d+")
_SEED_NAME = re.compile(r"(?:seed|hash|sref|cref)(?:_|$)")
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
    PiiKind.DATE_OF_BIRTH: "[date of birth]",
}
# Said instead of the whole text in the unlikely case that replacing what was found leaves some behind.
WITHHELD = "[withheld: personal data]"

# Local parts are anchored at their start: unanchored, "xxxx…@" would be rescanned from every letter. A "%"
# belongs to one, but "%40" is an "@" escaped for a web address: "jane%40gmail.com".
_LOCAL = r"(?<![a-z0-9._%+-])(?:[a-z0-9._+-]|%(?!40))++"
_AT_SIGN = r"(?:@|%40)"
_EMAIL = re.compile(rf"{_LOCAL}{_AT_SIGN}[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{{2,}}")
# Domains kept for examples and documentation (RFC 2606, RFC 6761) deliver to no one: "billing@example.com"
# on an invoice mockup is a placeholder, however its "@" and "." are written. Domains that merely contain
# the word are somebody's ("example.co.uk" is registered).
_PLACEHOLDER_DOMAIN = re.compile(
    r"(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|example|test|invalid|localhost)"
)
# A business's role mailbox ("hello@sunnystudio.com" on a business card mockup, "info@…" on a café's
# poster) is its public contact, no person's; at a mail provider's domain ("info@gmail.com") it is
# somebody's own account all the same.
_ROLE_MAILBOXES_TEXT = """
    hello hi hey howdy info information contact contactus contacts support help helpdesk sales team office
    booking bookings book orders order admin press media news newsletter enquiries enquiry inquiries inquiry
    mail email shop store reservations reservation events hr careers jobs recruiting marketing
    service services customerservice customercare care feedback studio
    reception welcome general webmaster postmaster hostmaster noreply donotreply partners partnerships
    hola bonjour ciao hallo kontakt
"""
_ROLE_MAILBOXES = frozenset(_ROLE_MAILBOXES_TEXT.split())
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
# "@" and "." written in brackets ("[at]", "(@)", "<dot>", "[.]"), and "dot" written out.
_AT_BRACKETED = r"[\[({<]\s*(?:at|@)\s*[\])}>]"
_DOT_BRACKETED = r"[\[({<]\s*(?:dot|\.)\s*[\])}>]"
_DOT_WRITTEN = rf"(?:\s*{_DOT_BRACKETED}\s*|\s+dot\s+)"
_DOT_ANY = rf"(?:{_DOT_WRITTEN}|\s*\.\s*)"
# A local part with its dots written out too, "sarah dot jones at …". Not started again after a written
# dot: "a dot a dot …" would be rescanned from each word.
_LOCAL_SPELLED = rf"(?<!dot )(?<!dot[\])}}>] )(?<!\.[\])}}>] ){_LOCAL}(?:{_DOT_WRITTEN}[a-z0-9_+-]++)*+"
# The second level under a country's ending: "company dot co dot uk", "example [.] com [.] au".
_SECOND_LEVEL = rf"(?:{_DOT_ANY}(?:co|com|ac|org|net|gov|edu)(?={_DOT_ANY}))?"
# "jane [at] example [dot] com", "jane (@) gmail (.) com", "jane at gmail dot com", "jane @ gmail . com":
# "at" bracketed, before a mail host, or with a spelled-out "dot" after the host; spaces around "@" and
# "." before a known ending. A plain " at … dot " between ordinary words ("a cat staring at laser dot in
# the dark") takes only the endings that are not English words: "in", "it", "me", "us", "no" follow "dot"
# in sentences.
_EMAIL_SPELLED = re.compile(
    rf"{_LOCAL_SPELLED}\s*"
    rf"(?:{_AT_BRACKETED}\s*[a-z0-9-]+{_SECOND_LEVEL}\s*(?:{_DOT_BRACKETED}|\s+dot\s+|\.)"
    rf"|\s+at\s+(?:{_MAIL_HOSTS}){_SECOND_LEVEL}\s*(?:{_DOT_BRACKETED}|\s+dot\s+|\.)"
    rf"|\s+at\s+(?!(?:{_NOT_MAIL_HOSTS})\s)[a-z0-9-]+{_SECOND_LEVEL}\s*"
    rf"(?:{_DOT_BRACKETED}|\s+dot\s+(?=(?:{_SPACED_TLDS})\b))"
    rf"|@\s*[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*?\s*\.\s*(?=(?:{_SPACED_TLDS})\b))"
    rf"\s*(?:{_TLDS})\b"
)
# Big mail providers whose names are not words: an address there needs no ending to reach its owner
# ("jane.doe@gmail", "jane [at] gmail"), so that "art@home" or "me@work" stay what they are.
_PROVIDERS = "gmail|googlemail|yahoo|hotmail|outlook|icloud|protonmail|proton|aol|gmx|yandex"
# Where a mailbox is one person's account, whatever its name: the providers, and the names of other mail
# services under their endings ("mail.com", "web.de", "me.com").
_PERSONAL_MAIL_DOMAINS = frozenset(
    [*_MAIL_HOSTS.split("|"), *_PROVIDERS.split("|"), "me", "mac", "ymail", "rocketmail", "zoho", "tutanota"]
)
_SECOND_LEVELS = frozenset({"co", "com", "ac", "org", "net", "gov", "edu"})
_EMAIL_NO_ENDING = re.compile(rf"{_LOCAL}(?:{_AT_SIGN}|\s*{_AT_BRACKETED}\s*)(?:{_PROVIDERS})(?![a-z0-9-])")
# With a plain "at", only the providers that are nothing but a mail service: "jane at gmail" is an address
# (nobody is at "gmail" otherwise), "an engineer at yahoo" a job. Not before what names the service
# itself rather than a mailbox in it: "looking at gmail inbox on a laptop".
_MAIL_SERVICES = "gmail|googlemail|hotmail|icloud|protonmail|gmx"
_SERVICE_WORDS = (
    "logo|logos|inbox|app|apps|icon|icons|interface|screen|screenshot|page|website|site|tab|account|ui|"
    "notification|notifications|login|homepage|office|offices|headquarters|hq|campus|building|ad|ads|"
    "server|servers|team|error|outage|window|style|theme|design"
)
_EMAIL_AT_SERVICE = re.compile(
    rf"(({_LOCAL_SPELLED})\s+at\s+(?:{_MAIL_SERVICES}))(?![a-z0-9-])(?!\s+(?:{_SERVICE_WORDS})\b)"
)
# After a word that asks for mail, every provider, those whose names are words included: "email sarah dot
# jones at outlook", "write to jane at yahoo".
_EMAIL_ASKED = re.compile(
    rf"\b(?:e-?mail|mail|contact|write\s+to|message)(?:\s+(?:me|us|him|her|them))?\s*:?\s+"
    rf"(({_LOCAL_SPELLED})\s+at\s+(?:{_MAIL_HOSTS}))(?![a-z0-9-])(?!\s+(?:{_SERVICE_WORDS})\b)"
)
# What one of the two must contain, to skip them on most prompts with an "at" in them.
_MAIL_HINT = re.compile(r"mail|icloud|gmx|contact|write|message")
# What stands before "at gmail" in a sentence rather than a mailbox's name: "email me at gmail", "looking
# at gmail" (any word in "-ing").
_NOT_MAILBOXES_TEXT = """
    me us him her them you it i we they he she this that there here is are was were be been look looks
    stare stares glance glances work works worked job jobs employee employees engineer engineers
"""
_NOT_MAILBOXES = frozenset(_NOT_MAILBOXES_TEXT.split())

_BRACKETED_AT = re.compile(r"(?:at|@)\s*[\])}>]")
# How an address found writes its "@" and its dots, to read the domain after them.
_WRITTEN_AT = re.compile(rf"{_AT_BRACKETED}|@|%40|\s+at\s+")
_WRITTEN_DOT = re.compile(rf"\s*{_DOT_BRACKETED}\s*|\s+dot\s+")
# Letters written for digits ("415-362-O134", "4l5"): only in words of digits and those letters.
_LOOKALIKE_NUMBER = re.compile(r"(?<![a-z0-9])(?=[0-9oil]*\d)(?=[0-9oil]*[oil])[0-9oil]+(?![a-z0-9])")
_LOOKALIKE_DIGITS = str.maketrans("oil", "011")
_HAS_DIGIT = re.compile(r"\d")
# Digits written one by one, a space, dot or dash between each: "4 1 5 5 5 5 0 1 3 4", "+ 4 4 2 0 …".
_SPACED_DIGITS = re.compile(r"(?<![\w.+-])(\+ ?)?\d(?:[ .-]{1,3}\d)+(?!\w)")
# Three or more single characters one space apart ("b o b", the last perhaps before punctuation:
# "c o m!"), and spaces around an "@".
_SINGLE_CHARACTERS = re.compile(r"(?<!\S)\S(?: \S){2,}(?=[!?,;:)\]]*(?!\S))")
_SPACED_AT = re.compile(r" ?@ ?")

# North American numbers with a non-space separator ("415-555-0134", "415/555/0134", "415_555_0134") or
# brackets; image sizes ("512/768/1024") are left out after.
_PHONE_NANP = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?\d{3}[\s.-]?\d{4}|[2-9]\d{2}([./_-])\d{3}\1\d{4})(?!\d)"
)
# With spaces alone or no separator at all ("415 555 0134", "2125550199"), only the digits a number can
# have: an area code and an exchange from 2 to 9, neither "N11" ("911" and "411" are service codes), an
# area code's middle digit not 9. Numbers next to more numbers ("12 415 555 0134 …") are a list; image
# sizes ("512 768 1024") and round figures ("250 500 1000 calories") are left out after.
_PHONE_NANP_SPACED = re.compile(
    r"(?<![\w.+-])(?<!\d )(?:1 )?([2-9][0-8]\d) ([2-9]\d{2}) (\d{4})(?![\w-]|\.\d| \d)"
)
_PHONE_NANP_BARE = re.compile(r"(?<![\w.+-])([2-9][0-8]\d)([2-9]\d{2})(\d{4})(?![\w-]|\.\d)")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s./-]?\(?\d{1,4}\)?){2,5}(?!\d)")
# National formats with a trunk "0": "020 7946 0958", "07700 900123", "030-1234567", and the German
# "030/1234567" and "(030) 1234567".
_PHONE_TRUNK = re.compile(
    r"(?<![\d.])(?:\(0\d{2,4}\)\s?|0\d{2,4}(?:[\s-]|\s?/\s?))\d{3,4}(?:[\s-]?\d{3,4})?(?![\d.])"
)
# National layouts the one above misses: French and Belgian pairs ("06 12 34 56 78", "01.23.45.67.89"),
# Turkish "0532 123 45 67", Dutch mobiles ("06-12345678"), and mobiles written without a separator, whose
# prefixes fixed lines and catalogue numbers do not share: 06 and 07 (France, the Netherlands, Britain),
# 05 (Turkey), 015 to 017 (Germany). The separators must agree, so a date ("05-12-2023 14:30") is none.
_PHONE_NATIONAL = re.compile(
    r"(?<![\w.+-])(?:0[1-9]([ .-])\d{2}(?:\1\d{2}){3}|0\d{3}([ .-])\d{3}\2\d{2}\2\d{2}"
    r"|06[ -]?\d{8}|07\d{8,9}|05\d{9}|01[5-7]\d{8,9})(?!\w|[.-]\d)"
)
# Indonesian mobiles, "08" and a provider's code ("0812-8473-9261", "0813 1234 5678"), ten to thirteen
# digits; Russian numbers with the trunk "8", a mobile's or a city's code and the line in three parts
# ("8 916 482-37-19", "8 (495) 123-45-67"), which nothing but a phone number is written as.
_PHONE_ID_RU = re.compile(
    r"(?<![\w.+-])(?:08[1-9]\d{1,2}([ .-]?)\d{3,4}\1\d{3,5}"
    r"|8[ -]?(?:\([3489]\d\d\)|[3489]\d\d)[ -]?\d{3}([ -])\d{2}\2\d{2})(?!\w|[.-]\d)"
)
# "number" alone is not enough: "the number 1234567 on a bus", "catalogue number 978-3-16-148410-0".
# Words for "call" in the languages of the layouts above make a number without "0" or "+" one:
# "bel me op …" (Dutch), "zadzwoń 512 345 678" (Polish), "ara …" (Turkish), "appelle-moi au …".
_PHONE_CONTEXT = re.compile(
    r"\b(?:(?:call|phone|tel|telephone|telefon|telefono|text|sms|whatsapp|mobile|cell|contact|bel|zadzwon"
    r"|dzwon|ara|arayin|appelle|appelez)\.?(?:\s+(?:number|numer|numara|numero))?"
    r"|(?:my|his|her|their|your)\s+number)\s*(?:(?:me|moi)\s*)?(?:at|on|op|au|na|pod|:|is)?"
    r"\s*(\+?\d[\d\s()./-]{5,}\d)"
)
# A date written on a sign or a card ("text: 12.05.2024", "24/12/1990") is no phone number.
_DATE = re.compile(r"(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d")
# Nor is a span of years ("007 1962-2022": a trunk's "0" and eleven digits) or of opening hours ("text:
# 10.00 - 18.00", eight digits after "text"), wherever it stands in what was taken for one.
_SPAN = re.compile(
    r"(?<![\d.])(?:(1[89]\d\d|20\d\d)\s*-\s*(1[89]\d\d|20\d\d)"
    r"|(?:[01]?\d|2[0-4])[.:][0-5]\d\s*-\s*(?:[01]?\d|2[0-4])[.:][0-5]\d)(?![\d.])"
)
# Numbers kept out of service for fiction, read from the digits alone. North America: the 555 exchange,
# with an area code or without ("555-0199", "1-800-555-0199": 555-0100 to 0199 are reserved for fiction,
# the rest of 555 is the films' convention, given to services if to anyone), and the 555 area code, which
# serves no place ("(555) 010-0199"). Britain: Ofcom's drama ranges, after the trunk "0" or the country
# code "44" (perhaps with its "(0)"): 0113 to 0118 and 0121 to 0161 496 0xxx, 0191 498 0xxx, 020 7946
# 0xxx, 028 9649 6xxx, 029 2018 0xxx, 01632 960xxx, 07700 900xxx, 08081 570xxx, 0909 879 0xxx, 03069
# 990xxx.
_FICTIONAL_PHONE = re.compile(
    r"(?:1?[2-9]\d\d)?555\d{4}|1?555\d{7}"
    r"|(?:0|440?)(?:11[3-8]4960|1[2-6]14960|1914980|2079460|2896496|2920180|1632960|7700900|8081570"
    r"|9098790|3069990)\d{3}"
)
# Numbers written in words, one digit a word: "four one five, five five five, zero one three four",
# "four-one-five", "double five", and in the languages of the layouts above, accents folded ("cuatro uno
# cinco …", "quatre", "fünf"). A word's digit is the same in every language that has it ("six", "nove"),
# so one table serves them all; ten such words in a row are a number in any of them.
_DIGIT_WORDS_TEXT = """
    0 zero oh cero null nul
    1 one uno un um eins een
    2 two dos deux due dois zwei twee
    3 three tres trois tre drei drie
    4 four cuatro quatre quattro quatro vier
    5 five cinco cinq cinque funf fuenf vijf
    6 six seis sei sechs zes
    7 seven siete sept sette sete sieben zeven
    8 eight ocho huit otto oito acht
    9 nine nueve neuf nove neun negen
"""
_DIGIT_WORDS = {
    word: digit for digit, *words in map(str.split, _DIGIT_WORDS_TEXT.strip().splitlines()) for word in words
}
_DIGIT_WORD = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
# A digit word, perhaps doubled or tripled, not the start of a longer word; after it a "-" only before
# another digit word ("four-one-five", not "one-way").
_SPELLED_DIGIT = (
    rf"(?:(?:double|triple)\s+)?(?:{_DIGIT_WORD})(?![a-z0-9_]|-(?!(?:{_DIGIT_WORD})(?![a-z0-9_])))"
)
# The first letters of those words, "plus", "double" and "triple", checked first: most words start with none.
_SPELLED_FIRST = "".join(sorted({word[0] for word in (*_DIGIT_WORDS, "plus", "double", "triple")}))
_SPELLED_DIGITS = re.compile(
    rf"(?<![\w-])(?=[{_SPELLED_FIRST}])(plus\s+)?{_SPELLED_DIGIT}(?:[\s,.-]++{_SPELLED_DIGIT})++"
)
_SPELLED_TOKEN = re.compile(rf"(?:(double|triple)\s+)?({_DIGIT_WORD})(?![a-z])")
# Digits of other scripts ("٤١٥", "४१५"), which NFKC leaves as they are, read as the ASCII ones.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")

_STREET_SUFFIX = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|terrace|crescent|highway|hwy|parkway|pkwy"
    r"|way|court|ct|place|pl"
)
# Words that end streets' names too, in Britain most of all ("14 elm grove", "3 church close"), but also end
# ordinary phrases ("5 bears walk", "2 person close up", "4 seasons park", "3 oak trees in a row"): a
# street only with what pins it to a door after it (see `_address_evidence`), or a home just before it.
_WEAK_STREET_SUFFIX = (
    r"grove|close|gardens|mews|row|walk|square|sq|hill|rise|green|vale|park|circle|cir|trail|trl|path|alley"
    r"|loop|plaza"
)
_WEAK_SUFFIXES = frozenset(_WEAK_STREET_SUFFIX.split("|"))
# What names a home just before a street: "lives at 14 elm grove", "my address: 3 church close".
_HOME_BEFORE = re.compile(
    r"(?<![a-z])(?:lives?|living|resides?|address|home|house|flat|apartment)"
    r"(?:\s+(?:is|at|on|in))?\s*[:,-]?\s*$"
)
# What says someone lives at the street just after it, which a made-up setting around it does not undo:
# "the wizard lives at 13 raven court", "a cartoon of my neighbors house at 42 oak lane" (apostrophes are
# gone by now). A house that is nobody's ("a haunted house at 666 shadow lane") says nothing of the kind.
_SOMEONES_HOME = re.compile(
    r"(?<![a-z])(?:lives?|living|resides?|residing|address"
    r"|(?:my|our|your|his|her|their)(?:\s+[a-z]+)?\s+(?:house|home|flat|apartment|place))"
    r"(?:\s+(?:is|at|on|in))?\s*[:,-]?\s*$"
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
    meeting hiding happy resting final safe setting settings bit bits kb mb gb tb
"""
_NOT_STREET_NAMES = frozenset(_NOT_STREET_NAMES_TEXT.split()) | frozenset(_STREET_SUFFIX.split("|"))
# "123 Main Street", "123 N Main St", "350 5th Ave": a house number, a compass point, one to three name
# words (ordinals included), a suffix.
_ADDRESS = re.compile(
    rf"(?<![\w.])(\d{{1,5}}[a-d]?)\s+(?:[nsew]\.?\s+)?((?:(?:[a-z][a-z-]+|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}})"
    rf"({_STREET_SUFFIX}|{_WEAK_STREET_SUFFIX})\b\.?",
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
    game games painting paintings drawing drawings illustration sketch wallpaper background backgrounds
    pixel product trophy trophies
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
# Things named with a street's word, which a count or a size stands before: "2 moons milky way", "usb 3
# flash drive", "team 7 wins first place".
_NOT_STREETS_TEXT = """
    milky_way flash_drive hard_drive disk_drive disc_drive thumb_drive usb_drive pen_drive first_place
    second_place third_place last_place
"""
_NOT_STREETS = frozenset(phrase.replace("_", " ") for phrase in _NOT_STREETS_TEXT.split())
# A number after one of these words labels a road, not a house on it: "route 1 pacific coast highway".
_ROUTE_LABEL = re.compile(r"\b(?:route|highway|hwy|interstate|i-|exit|platform|gate|pier)\s*#?\s*$")
# A shop, a café or a sign, just before the street: "a bakery on 5 rose street", "the old bookshop at 12
# baker lane", "a sign reading 9 willow way". A business's door is public, and a sign's text a picture's.
_BUSINESSES = (
    r"bakery|bakeries|shop|shops|store|stores|storefront|cafe|coffeehouse|restaurant|diner"
    r"|pizzeria|pub|tavern|inn|hotel|motel|bookshop|bookstore|library|museum|gallery|theater|theatre|cinema"
    r"|church|temple|chapel|mosque|school|academy|university|college|hospital|clinic|pharmacy|apothecary|bank"
    r"|post office|office|offices|headquarters|factory|warehouse|garage|workshop|studio|salon|barbershop"
    r"|boutique|market|supermarket|mall|station|arcade|brewery|florist|teahouse|bistro|patisserie|parlou?r"
    r"|emporium|agency|embassy|town hall|city hall|courthouse|laundromat|hardware store|record store"
)
_PUBLIC_PLACE = re.compile(
    rf"(?<![a-z])(?:{_BUSINESSES})"
    r"(?:'s)?(?:\s+[a-z]+){0,3}?\s*(?:on|at|in|,|-|:)\s*$"
    r"|(?<![a-z])(?:sign|signs|signpost|plaque|banner|label|neon)\s+(?:that\s+)?"
    r"(?:reads?|reading|says|saying|with(?:\s+the)?\s+(?:text|words))\s*[:'\"“]?\s*$"
)
# What shows a business's or a venue's address, wherever in the prompt: its sign ("a pub sign "The Red
# Lion, 3 High Street""), its chalkboard, shopfront or plaque, its letterhead, business card, menu or
# logo, an invitation to it, a postcard from it, a design mockup. Posters, flyers, banners and ads show
# private addresses too ("missing cat poster, 27 birch road"): only with a business or venue named.
_BUSINESS_TEXT = re.compile(
    r"(?<![a-z])(?:signs?|signage|signboard|signpost|chalkboard|blackboard|a-frame|storefront|shopfront"
    r"|shop window|awning|letterheads?|business cards?|stationery|invitations?|invites?|save the date"
    r"|postcards?|mock-?ups?|logos?|brochures?|plaques?|billboards?|menus?|packaging|branding)(?![a-z])"
)
_ADVERT = re.compile(
    r"(?<![a-z])(?:posters?|flyers?|leaflets?|banners?|adverts?|advertisements?|ads?)(?![a-z])"
)
_BUSINESS = re.compile(
    rf"(?<![a-z])(?:{_BUSINESSES}|bar|venue|company|co\.|ltd|inc|llc|brand|business|hall|club|gym|farm)(?![a-z])"
)
# What makes an address on such a thing someone's all the same: someone living there, someone's home or
# address ("caption: emily chens house": apostrophes are gone by now), a letter, parcel or postcard sent
# to someone.
_SOMEONES_HOME_ANYWHERE = re.compile(
    r"(?<![a-z])(?:lives?|living\s+(?:at|in|on)|resides?|residing"
    r"|(?:home|postal|mailing|private|my|our|your|his|her|their)\s+address"
    r"|(?:my|our|your|his|her|their)\s+(?:[a-z]+\s+)?(?:house|home|flat|apartment)"
    r"|[a-z]+s\s+(?:house|home|flat|apartment)"
    r"|addressed|addressee|recipient|envelope|parcel|shipping|return address|deliver(?:y|ed)?\s+to"
    r"|(?:ship|send|sent|mail|mailed|postcard|letter|card|note)\s+to)(?![a-z])"
)
# Words that mark a street as a placeholder, nobody's: "123 fake street", "1 example road", "12 any street".
_PLACEHOLDER_STREETS_TEXT = (
    "fake fictional fictitious imaginary example sample placeholder dummy any anywhere nowhere"
)
_PLACEHOLDER_STREETS = frozenset(_PLACEHOLDER_STREETS_TEXT.split())
# A house number spelled out after what names a home ("becky lives at one four two eight oak street", "her
# address is twelve birch road"): read as the figures, then as any street (see `_street_address`).
_NUMBER_WORDS_TEXT = """
    0 zero oh
    1 one
    2 two
    3 three
    4 four
    5 five
    6 six
    7 seven
    8 eight
    9 nine
    10 ten
    11 eleven
    12 twelve
    13 thirteen
    14 fourteen
    15 fifteen
    16 sixteen
    17 seventeen
    18 eighteen
    19 nineteen
    20 twenty
    30 thirty
    40 forty
    50 fifty
    60 sixty
    70 seventy
    80 eighty
    90 ninety
    100 hundred
"""
_NUMBER_WORDS = {
    word: int(value)
    for value, *words in map(str.split, _NUMBER_WORDS_TEXT.strip().splitlines())
    for word in words
}
_NUMBER_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_SPELLED_HOUSE = re.compile(
    r"(?<![a-z])(?:lives?|living|resides?|residing|address|home|house|flat|apartment)"
    r"(?:\s+(?:is|at|on|in))?\s*[:,-]?\s*"
    rf"((?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}))*+)(?![a-z])"
)
_SPELLED_HOUSE_HINT = re.compile(r"liv|resid|address|home|house|flat|apartment")
_NUMBER_TOKEN = re.compile(_NUMBER_WORD)
# A date of birth, named ("dob", "date of birth", "born", "geb.", "né le", "дата рождения") and whole: day,
# month and year, in figures ("04/12/1990", "1985-05-13", "12.03.96") or with the month's name, in English
# or in the languages of the layouts above ("12 march 1996", "march 12th, 1996", "3 mai 1990", "3. märz
# 1990", "3 de mayo de 1990", "14 lipca 1987", "12 maret 1989").
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS_ELSEWHERE_TEXT = """
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    januar janner februar marz maerz juni juli oktober dezember
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
    janeiro fevereiro marco maio junho julho setembro outubro dezembro
    januari februari maart mei augustus
    stycznia lutego marca kwietnia maja czerwca lipca sierpnia wrzesnia pazdziernika listopada grudnia
    ocak subat mart nisan mayis haziran temmuz agustos eylul ekim kasim aralik
    maret agustus desember
"""
_MONTHS = "|".join(sorted({*_MONTHS_ELSEWHERE_TEXT.split()}, key=len, reverse=True)) + "|" + _MONTH
# The labels of a date of birth: in a record ("date of birth", "dob", "geburtsdatum", "data urodzenia",
# "doğum tarihi", "tanggal lahir", "дата рождения"), and in a sentence ("born on", "né le", "nata il",
# "urodzony", "родился").
_BIRTH_RECORD_LABELS = [
    r"dob",
    r"d\.o\.b\.?",
    r"date\s+of\s+birth",
    r"birth\s*date",
    r"birthday",
    r"geburtsdatum",
    r"geb\.?",
    r"geboortedatum",
    r"date\s+de\s+naissance",
    r"fecha\s+de\s+nacimiento",
    r"data\s+d[ie]\s+nasc(?:ita|imento)",
    r"data\s+urodzenia",
    r"dogum\s+tarihi",
    r"tanggal\s+lahir",
    re.escape(analyze("дата рождения").base),
]
_BIRTH_SENTENCE_LABELS = [
    r"born(?:\s+on)?",
    r"geboren(?:\s+(?:am|op))?",
    r"nee?\s+le",
    r"nacid[oa]\s+el",
    r"nat[oa]\s+il",
    r"nascid[oa]\s+em",
    r"urodzon[ya](?:\s+dnia)?",
    r"lahir(?:\s+(?:pada|tanggal))?",
    *(re.escape(analyze(word).base) for word in ("родился", "родилась")),
]
_BIRTH_DATE = re.compile(
    rf"(?<![a-z])(?:{'|'.join([*_BIRTH_RECORD_LABELS, *_BIRTH_SENTENCE_LABELS])})\s*[:#-]?\s*(?:the\s+)?"
    r"((?<!\d)(?:\d{1,2}([./-])\d{1,2}\2(?:(?:19|20)\d\d|\d\d)|(?:19|20)\d\d([./-])\d{1,2}\3\d{1,2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:of\s+|de\s+)?(?:{_MONTHS})\.?,?\s+(?:de\s+)?(?:19|20)\d\d"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)(?![\d.]\d|\d))"
)
_BIRTH_HINT = re.compile(
    r"dob|d\.o\.b|birth|born|geb|nacimiento|ne le|nee le|naissance|nacid|nat[oa] il|nasc|urodz|dogum|lahir"
    rf"|{re.escape(analyze('рожд').base)}|{re.escape(analyze('родил').base)}"
)
# A person named just before a date of birth ("Tom Becker, date of birth …", "Sarah Jones was born on …"):
# a given name and another word. Whose the date is, then, unless the prompt is an announcement of a birth
# or a memorial, where a newborn's or a dead person's date is the picture's subject.
_NAME_BEFORE = re.compile(r"(?<![a-z])([a-z]+)\s+([a-z]+)(?:\s+(?:was|is))?\s*[,(:-]?\s*$")
_ANNOUNCEMENT_OR_MEMORIAL = re.compile(
    r"(?<![a-z])(?:announce[a-z]*|newborn|new\s+baby|welcome|baptism|christening|gravestone|tombstone"
    r"|headstone|grave|memorial|obituary|in\s+(?:loving\s+)?memory|died|death|rip|r\.i\.p|passed\s+away)(?![a-z])"
)
# Words after a given name that are not a surname: "emma and tom, born …", "lily baby girl, born …".
_NOT_SURNAMES_TEXT = "and or with the a an is was who her his baby girl boy our my"
_NOT_SURNAMES = frozenset(_NOT_SURNAMES_TEXT.split())
# Given names read with the list the lexicon reads, and a few from the countries above that it leaves out.
_MORE_FIRST_NAMES = """
    julien pierre jean marie camille lukas jan piotr krzysztof katarzyna agnieszka ahmet mehmet mustafa
    ayse fatma budi siti agus dewi ivan dmitri sergei olga marco luca giulia francesco alessandro hans
    klaus jurgen juan carlos jose pedro lucia sofia dave greg steve ben sam nick josh matt jake tim bob jim
    ted phil rob rahul priya amit raj omar ahmed mohammed muhammad fatima ali hiroshi yuki kenji akira
"""
_IDENTIFYING = re.compile(
    r"(?<![a-z])(?:lives?|living\s+(?:at|in|on)|resides?|residing|address|works?\s+(?:at|for)"
    r"|working\s+(?:at|for)|employed|employer|employee|student\s+(?:at|of)|studies\s+at|attends"
    r"|licen[cs]e|passport|id|identity|ssn|social\s+security|insurance|patient|medical|diagnos[a-z]*|hiv"
    r"|prescription|(?:medical|police|criminal|patient|health|school|court|personnel)\s+records?|dossier"
    r"|mugshot)(?![a-z])"
)
# A house number and a street named apart ("the house number 27 and the street sign birch rd"): an address
# when the prompt says whose home it is ("caption: emily chens house").
_NAMED_HOUSE_NUMBER = re.compile(
    r"(?<![a-z])(?:house|door|building)\s+(?:number|no\.?|nr\.?|#)\s*[:#]?\s*(\d{1,5}[a-d]?)(?![\w])"
)
_NAMED_STREET = re.compile(
    r"(?<![a-z])street\s+(?:sign|name|plate)s?\s*(?:that\s+)?(?:reads?|reading|says|saying|shows|showing"
    r"|of|for)?\s*[:\"']?\s*((?:[a-z][a-z-]+\s+){1,3}?"
    rf"(?:{_STREET_SUFFIX}|{_WEAK_STREET_SUFFIX}))(?![a-z])"
)
# Make-believe settings, where a street is a place in the story, the game or the drawing: "a storybook
# cottage at 3 acorn lane", "a wizards tower at 13 raven court, fantasy art", "haunted house at 666 shadow
# lane, horror movie style", "a cozy house at 12 maple street, illustration", "a fictional company
# letterhead, 123 fake street".
_MADE_UP_SETTING = re.compile(
    r"(?<![a-z])(?:storybook|story book|fairy ?tale|children'?s book|picture book|bedtime story|nursery rhyme"
    r"|dollhouse|doll house|diorama|toy town|board game|monopoly"
    r"|fantasy|fictional|fiction|sci-?fi|science fiction|imaginary|make-?believe|made-?up|wizard|wizards"
    r"|witch|witches|sorcerer|dragon|dragons|goblin|goblins|elven|tavern|dungeon|dungeons|d&d|dnd|rpg"
    r"|haunted|horror|illustration|illustrated|comic|comics|cartoon|cartoons|anime|manga|pixel art)(?![a-z])"
)
# A postcode after a street written the continental way ("12 rue de rivoli, 75001 paris"): five digits
# and a town.
_TOWN_POSTCODE = re.compile(r"(?<![\w.-])\d{5}\s+[a-z]{3,}")
# US states and ZIP codes ("tx 78701", "il 62704"). The codes that are also words ("in 12345", "or 12345",
# "hi 10000 followers") only after a comma, or after a town after one ("springfield, il 62704", "…rd, boise
# id 83702"), and before a ZIP code of their own state: Idaho's start with 83, Indiana's with 46 or 47.
_US_STATES = "ak|az|ar|ca|ct|dc|fl|ga|ia|il|ks|ky|md|mi|mn|ms|mt|nv|nh|nj|nm|ny|nc|nd|ri|sc|sd|tn|tx|ut|vt|va|wa|wv|wi|wy"
_WORD_STATE_ZIPS = {
    "al": "3[56]",
    "co": "8[01]",
    "de": "19[7-9]",
    "hi": "96[78]",
    "id": "83[2-8]",
    "in": "4[67]",
    "la": "7[01]",
    "ma": "0[12]",
    "me": "0(?:39|4)",
    "mo": "6[3-5]",
    "ne": "6[89]",
    "oh": "4[3-5]",
    "ok": "7[34]",
    "or": "97",
    "pa": "1[5-9]",
}
_WORD_STATE_ZIP = "|".join(rf"{code}\.?,?\s+(?={zips})" for code, zips in _WORD_STATE_ZIPS.items())
# One or two words of a town's name, not a sentence's small words or verbs ("…, playing in 46201").
_TOWN = (
    r"(?!(?:the|a|an|and|or|but|with|from|in|on|at|to|of|for|by|born|lost)\s|[a-z]+ing\s)"
    r"[a-z]{3,}+(?:\s+[a-z]{3,}+)?\s+"
)
_STATE_ZIP_TEXT = (
    rf"(?:(?<![\w.])(?:{_US_STATES})\.?,?\s+|,\s*(?:{_TOWN})?(?:{_WORD_STATE_ZIP}))"
    rf"\d{{5}}(?:-\d{{4}})?(?![\w-])"
)
# What, after a street, pins it to one door rather than naming it: a flat or suite right after it, or
# within the next few words a US state and ZIP code, a British or a Canadian postcode.
# ("#1" is left out: "1990 tokyo street #1 trending".)
_UNIT_AFTER = re.compile(r",?\s*(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\s*\d")
_POSTAL_CODE = re.compile(
    rf"{_STATE_ZIP_TEXT}|\b(?:[a-z]{{1,2}}\d[a-z\d]?\s*\d[abd-hjlnp-uw-z]{{2}}|[a-z]\d[a-z]\s?\d[a-z]\d)\b"
)
_EVIDENCE_WINDOW = 60
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# A house number with no street suffix is still an address before a town, a US state and a ZIP code:
# "1234 Elm, Austin TX 78701". Found from the state and ZIP, the rarer part, then the house number is
# looked for at the start of one of the four comma-separated parts before them.
_STATE_ZIP = re.compile(_STATE_ZIP_TEXT)
_HOUSE_NUMBER = re.compile(r"\s*\d{1,6}[a-z]?\s+([a-z]+)")
# Where the street comes first or the number last: "12 rue de rivoli", "calle mayor 10", "rua augusta,
# 200", "hauptstrasse 5" ("ß" is casefolded to "ss"), "berliner strasse 5". English words that start such
# a phrase ("5 place settings", "largo from symphony 9", "boxing ring 5") are left out.
_ADDRESS_FRENCH = re.compile(
    r"(?<![\w.])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|allee|chemin|impasse|quai)\s+"
    r"(?:de\s+la\s+|de\s+l|du\s+|des\s+|de\s+|d)?[a-z][a-z-]+"
)
# French words for a street that are English words too ("5 place settings", "2 avenue trees", "3 route
# maps"): an address only with a postcode and a town after it ("8 avenue foch, 75116 paris"), not a count
# ("5 place settings, 10000 followers").
_ADDRESS_FRENCH_POSTCODE = re.compile(
    r"(?<![\w.])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:avenue|av\.|boulevard|bd|place|cours|square|route|passage"
    r"|promenade)\s+(?:de\s+la\s+|de\s+l'?\s*|du\s+|des\s+|de\s+|d'\s*)?[a-z][a-z-]+(?:\s+[a-z][a-z-]+){0,2}?"
    r",?\s+(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}\s+(?!(?:followers|views|likes|people|words|points|steps|pixels"
    r"|years|miles|km|feet|subscribers|dollars|euros)\b)[a-z]{3,}"
)
_ADDRESS_IBERIAN = re.compile(
    r"(?<!\w)(?:calle|avenida|avda|paseo|carrer|rua|travessa)\s+"
    r"(?:(?:de|del|da|do|dos|das)\s+(?:(?:la|los|las)\s+)?)?[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?,?\s+"
    r"(?:n[o.]?\s*)?\d{1,4}(?!\d)"
)
# Anchored at the suffix, after a letter or a word and a space: a pattern that starts with the street name
# would rescan "a-a-a-…" from every letter.
# Dutch ones end the same way: "kalverstraat 92", "keizersgracht 123", "jan luijkenstraat 2".
# "Platz" is a rank as well as a square: not after the small words that make it one ("auf platz 1", "pokal
# fur platz 1", "den platz 1"), where "pariser platz 1" or "marienplatz 1" are squares.
_ADDRESS_GERMAN = re.compile(
    r"(?:(?<=[a-z])|(?<=[a-z]\s))"
    r"(?:strasse|str\.|weg|allee|gasse|straat|gracht|laan|plein|kade|singel|steeg"
    r"|(?<!\bauf )(?<!\bfur )(?<!\bfuer )(?<!\bum )(?<!\bden )(?<!\bdem )(?<!\bim )(?<!\bam )(?<!\bzum )"
    r"(?<!\bvom )(?<!\bein )(?<!\bersten )platz)\s+\d{1,4}[a-z]?(?!\w)"
)
# Swedish and Danish suffixes are part of the word ("drottninggatan 12", "vesterbrogade" aside, as
# "brigade 5" ends the same way); a separate "gate 5" is an airport's.
_ADDRESS_NORDIC = re.compile(r"(?<=[a-z])(?:gatan|vagen|vej|veien)\s+\d{1,4}[a-z]?(?!\w)")
# A word for "street" first, then the name and number: Polish "ul. marszalkowska 15" ("ł" is folded to
# "l"), Indonesian and Malay "jl. sudirman no. 45". "al." and "pl." are left out: "et al. nature 2020";
# a whole word only: "placeholder phone 555" begins with "plac".
_ADDRESS_STREET_FIRST = re.compile(
    r"(?<!\w)(?:ul\.|jl\.|jln\.|(?:ulica|ulicy|aleja|alei|plac|jl|jln|jalan)(?![a-z]))\s*"
    r"[a-z][a-z.'-]*(?:\s+[a-z][a-z.'-]*){0,3}?,?\s+(?:no\.?\s*)?\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?(?!\w)"
)
# Turkish: the name, "caddesi" (avenue) or "sokak" (street), then the number: "ataturk caddesi no: 12".
_ADDRESS_TURKISH = re.compile(
    r"(?<=[a-z]\s)(?:caddesi|cad\.|cd\.|sokak|sokagi|sok\.|sk\.|bulvari)\s*,?\s*"
    r"(?:no\s*[:.]?\s*)?\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?(?!\w)"
)
# Italian: the street's kind, its name and number, then the postcode and town, without which "via dolorosa
# 3" (the stations of the cross) or "largo from symphony 9" are no address: "via roma 23, 00184 roma".
_ADDRESS_ITALIAN = re.compile(
    r"(?<!\w)(?:via|viale|vicolo|piazza|piazzale|corso|largo|lungomare|strada|contrada)\s+"
    r"(?:[a-z][a-z.-]*\s+){1,4}?(?:n\.?\s*)?\d{1,4}[a-z]?(?:/[a-z0-9]{1,3})?\s*[,-]?\s*\d{5}\s+[a-z]+"
)
# Each with the words one of its addresses must contain, to skip the pattern on most prompts.
_ADDRESS_ELSEWHERE = (
    (_ADDRESS_FRENCH, ("rue", "allee", "chemin", "impasse", "quai")),
    (
        _ADDRESS_FRENCH_POSTCODE,
        ("avenue", "av.", "boulevard", "bd", "place", "cours", "square", "route", "passage", "promenade"),
    ),
    (_ADDRESS_IBERIAN, ("calle", "avenida", "avda", "paseo", "carrer", "rua", "travessa")),
    (
        _ADDRESS_GERMAN,
        ("str", "weg", "allee", "platz", "gasse", "gracht", "laan", "plein", "kade", "singel", "steeg"),
    ),
    (_ADDRESS_NORDIC, ("gatan", "vagen", "vej", "veien")),
    (_ADDRESS_STREET_FIRST, ("ul.", "ulic", "alej", "alei", "plac", "jl", "jalan")),
    (_ADDRESS_TURKISH, ("caddesi", "cad.", "cd.", "sokak", "sokagi", "sok.", "sk.", "bulvari")),
    (_ADDRESS_ITALIAN, ("via", "vicolo", "piazza", "corso", "largo", "lungomare", "strada", "contrada")),
)
# Japanese and Chinese, written without spaces: kanji (with the repeat mark "々") and kana.
_KANJI = "\u3005\u3400-\u4dbf\u4e00-\u9fff"
_KANA = "\u3040-\u30ff"
# Japanese: a block number ("2-8-1", "2丁目8番1号", "8番地") just after a prefecture, city, ward, town or
# village and the district: "東京都新宿区西新宿2-8-1". Numbers after no such place ("2-8-1 combo") are none,
# nor a year after a ward ("新宿区 2024-05-12"): a chōme has one or two digits. Found from the number, the
# rarer part, then the place looked for just before it: from every kanji of a long run the place would be
# looked for again.
_JAPANESE_BLOCK = re.compile(
    r"(?<![\d-])(?:\d{1,2}\s?丁目\s?\d{1,4}(?:\s?番地?(?:\s?\d{1,4}\s?号?)?|[-ー]\d{1,4}号?)?"
    r"|\d{1,2}[-ー]\d{1,4}[-ー]\d{1,4}|\d{1,4}\s?(?:番地|番\s?\d{1,4}\s?号))(?!\d)"
)
_JAPANESE_PLACE = re.compile(rf"[{_KANJI}]{{1,6}}[都道府県市区町村郡][{_KANJI}{_KANA}]{{0,12}}\s?\Z")
# Chinese: a province, city, district or county, a road, lane or street, and the building's number with its
# "号" ("地铁1号线" is a metro line on no road). Found from the number, as the Japanese are.
_CHINESE_NUMBER = re.compile(r"(?<![\d-])\d{1,5}(?:-\d{1,5})?\s?[号號]")
_CHINESE_ROAD = re.compile(
    rf"[{_KANJI}]{{1,8}}[省市区區县縣镇鎮][{_KANJI}]{{0,12}}(?:路|街|道|巷|弄|胡同)\s?\Z"
)
_CJK_ADDRESSES = ((_JAPANESE_BLOCK, _JAPANESE_PLACE), (_CHINESE_NUMBER, _CHINESE_ROAD))
# How far before a block number its place can start: six characters of prefecture or city, a marker, twelve
# of district, a space.
_CJK_PLACE_WINDOW = 24
_ADDRESS_ELSEWHERE_HINT = re.compile(
    "|".join(re.escape(word) for _, words in _ADDRESS_ELSEWHERE for word in dict.fromkeys(words))
)
# Famous addresses of landmarks and fiction are subjects of pictures, not personal data, with the postcodes
# that are their own ("221b baker street, london nw1 6xe" is the museum's); someone else's postcode after
# one makes it a house on a street of the same name ("1428 elm street, springwood, oh 43210").
_FAMOUS_ADDRESSES: dict[str, tuple[str, ...]] = {
    "10 downing street": ("sw1a2aa",),
    "221b baker street": ("nw16xe",),
    "1600 pennsylvania avenue": ("20500",),
    "742 evergreen terrace": (),
    "4 privet drive": (),
    "12 grimmauld place": (),
    "1313 mockingbird lane": (),
    "42 wallaby way": (),
    "31 spooner street": (),
    "124 conch street": (),
    "177a bleecker street": ("10012",),
    "112 ocean avenue": ("11701",),
    "1640 riverside drive": (),
    "350 fifth avenue": ("10118",),
    "10 cloverfield lane": (),
    "123 sesame street": (),
    "3 abbey road": ("nw89ay",),
    "21 jump street": (),
    "1428 elm street": (),
    "129 west 81st street": ("10024",),
    "90 bedford street": ("10014",),
}

_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
# Nine digits with nothing between them, or with dots ("123.45.6789", which could be any three numbers),
# are an SSN only when the text says so.
_SSN_NAMED = re.compile(
    r"\b(?:ssn|social security(?:\s+(?:number|no\.?))?)(?:\s+is)?\s*[:#]?\s*"
    r"(\d{3})(\.?)(\d{2})\2(\d{4})(?![\d.-])"
)
# Spanish DNI and NIE: eight digits (or X, Y, Z and seven) and a check letter.
_DNI = re.compile(r"(?<![a-z0-9])([xyz]?\d{7,8})\s?-?\s?([a-z])(?![a-z0-9])")
_DNI_LETTERS = "trwagmyfpdxbnjzsqvhlcke"
# Indian Aadhaar: twelve digits in groups of four, not starting with 0 or 1, with a Verhoeff check digit.
_AADHAAR = re.compile(r"(?<![\d-])(?<!\d )([2-9]\d{3})\s(\d{4})\s(\d{4})(?![\d-]| \d)")
_UK_NINO = re.compile(
    r"(?<![a-z0-9])([a-ceghj-pr-tw-z][a-ceghj-npr-tw-z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?[a-d](?![a-z0-9])"
)
_UK_NINO_INVALID_PREFIXES = frozenset({"bg", "gb", "kn", "nk", "nt", "tn", "zz"})
_CA_SIN = re.compile(r"(?<![\d-])[0-79]\d{2}([- ])\d{3}\1\d{3}(?![\d-])")
# Identity numbers whose bare digits are common in prompts (nine to twelve digits, a check that one number
# in ten or a hundred passes): counted after their name, and then only if their check holds. A passport
# number has no check at all, so only its name makes one: "passport number X12345678", and the Russian
# series and number, "паспорт 45 12 345678" (read here as its look-alike letters fold it, "nacnopt").
# Polish, Turkish and Indonesian numbers after their names need only their shape, a wrong check digit
# included ("PESEL 90010112345", "TC kimlik no 12345678901", "NIK 3174012345670001"): named so, a number
# is shown as someone's identity, and the one typed is as likely a real one mistyped as a made-up one.
_RU_PASSPORT = re.escape(analyze("паспорт").base)
_NAMED_ID = re.compile(
    r"\b(bsn|burgerservicenummer|sofinummer|pesel|cpf|tckn|t\.?c\.?(?=\s+(?:kimlik|no|nr)\b)|kimlik|passport"
    rf"|pasport|{_RU_PASSPORT}|aadhaar|aadhar|personnummer|fodselsnummer|nik|ktp)"
    r"(?:\s+kimlik)?(?:\s+(?:no|nr|number|numarasi|numer|numero|nomor|#))?\.?(?:\s+is)?\s*[:#]?\s*"
    r"([a-z]{0,2}\d(?:[ .-]?\d){5,16}+[a-z]?)(?!\w)"
)
# Driving licences and identity cards have no check either, and a different layout in each country and
# state ("D1234567" in California, "MORGA753116SM9IJ" in Britain): after their names, anything with five
# digits or more in it (see `_licence_like`).
_NAMED_DOCUMENT = re.compile(
    r"\b(?:driv(?:er|ers|ing)\s+licen[cs]e|drivers?\s+permit|national\s+id(?:entity)?(?:\s+card)?"
    r"|identity\s+card|id\s+card|fuhrerschein|fuehrerschein|permis\s+de\s+conduire|patente\s+di\s+guida"
    r"|(?:carnet|licencia)\s+de\s+conducir)"
    r"(?:\s+(?:no|nr|number|num|numero|#))?\.?(?:\s+is)?\s*[:#]?\s*"
    r"([a-z0-9](?:-?[a-z0-9]){4,17})(?![a-z0-9-])"
)
# What one of those names contains, to skip the pattern on most prompts.
_DOCUMENT_HINT = re.compile(r"licen|permit|card|national|schein|permis|patente|conducir")
# Most licences and cards: up to three letters, five to fourteen digits, perhaps letters after; a British
# licence: five of the surname (padded with "9"), the birth date, two initials, a digit, two check letters.
_LICENCE_NUMBER = re.compile(r"[a-z]{0,3}\d{5,14}[a-z]{0,2}|[a-z9]{5}\d{6}[a-z9]{2}\d[a-z]{2}")
# A Chinese resident id: six digits of region, a birth date, three of sequence and a check digit or "x"
# (ISO 7064 mod 11-2). Dated and checked, eighteen digits need no name.
_CN_RESIDENT_ID = re.compile(
    r"(?<![a-z0-9])[1-8]\d{5}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx](?![a-z0-9])"
)
# An Italian codice fiscale: three letters of surname, three of name, the year, a month letter, the day
# (plus 40 for women), the place and a check letter. Digits may be replaced by the letters "lmnpqrstuv"
# when two people would share a code.
_CODICE_FISCALE = re.compile(
    r"(?<![a-z0-9])[a-z]{6}[\dl-np-v]{2}[abcdehlmprst][\dl-np-v]{2}[a-z][\dl-np-v]{3}[a-z](?![a-z0-9])"
)
_ELEVEN_DIGITS = re.compile(r"(?<![\w.+-])\d{11}(?!\w|[.,-]\d)")
# After its name, a codice fiscale needs only its layout, as the named numbers above do.
_CODICE_FISCALE_NAMED = re.compile(r"\bcodice\s+fiscale\s*[:#]?\s*$")
# A US bank routing number after its name, with its check, and the account number after it: "routing
# 021000021 account 123456789"; an account number after its own name.
_ROUTING = re.compile(
    r"\b(?:routing|aba|rtn)(?:\s+(?:transit\s+)?(?:no|nr|number|#))?\.?\s*[:#]?\s*(\d{9}(?!\d)"
    r"(?:[\s,;]+(?:and\s+)?(?:account|acct)(?:\s+(?:no|nr|number|#))?\.?\s*[:#]?\s*\d{4,17}(?!\d))?)"
)
_ROUTING_HINT = re.compile(r"routing|aba|rtn")
_BANK_ACCOUNT = re.compile(
    r"\b(?:(?:bank\s+)?account\s+(?:no\b|nr\b|number|#)|bank\s+account|acct\s*(?:no\b|#))\.?\s*[:#]?\s*"
    r"(\d(?:[ -]?\d){5,16}+)(?!\d)"
)
# A Brazilian CPF written as it is printed, "123.456.789-09", is that and nothing else: no name needed.
_CPF = re.compile(r"(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w.-])")
_IBAN = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,4})?(?![a-z0-9])")
_CARD = re.compile(r"(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d.])")
# Cards with dots or underscores between their groups ("4111.1111.1111.1111"), which version numbers
# ("1.2.3.4") and file names also have: only in a card's groups, four by four or Amex's 4-6-5.
_CARD_GROUPED = re.compile(
    r"(?<![\w.])\d{4}([._])(?:\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{6}\1\d{4,5})(?![\w-]|\.\d)"
)
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9])|35")
# Card numbers published for testing payments (Stripe's, Braintree's, PayPal's, the card networks' own)
# charge no one: "4242 4242 4242 4242" on a credit card mockup is a placeholder, as example.com is.
_TEST_CARDS_TEXT = """
    4242424242424242 4111111111111111 4000056655665556 4000002500003155 4000000000003220 4000000000009995 4012888888881881
    4222222222222 4000000760000002 4000001240000000
    5555555555554444 2223003122003222 5200828282828210 5105105105105100
    378282246310005 371449635398431 378734493671000
    6011111111111117 6011000990139424 6011981111111113
    3056930009020004 36227206271667 30569309025904 38520000023237
    3566002020360505 3530111333300000 6200000000000005
"""
_TEST_CARDS = frozenset(_TEST_CARDS_TEXT.split())


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


def _pesel_shape(digits: str) -> bool:
    """What a PESEL named as one must be: eleven digits opening with a birth date, its check not asked."""
    return len(digits) == 11 and 1 <= int(digits[2:4]) % 20 <= 12 and 1 <= int(digits[4:6]) <= 31


def _tckn_shape(digits: str) -> bool:
    """What a Turkish identity number named as one must be: eleven digits, not starting with 0."""
    return len(digits) == 11 and digits[0] != "0"


def _nik_shape(digits: str) -> bool:
    """An Indonesian NIK named as one: sixteen digits, opening with a province's code (11 to 94)."""
    return len(digits) == 16 and 11 <= int(digits[:2]) <= 94


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


def _aadhaar_valid(digits: str) -> bool:
    """An Indian Aadhaar number: twelve digits, not starting with 0 or 1, with a Verhoeff check digit."""
    return len(digits) == 12 and digits[0] not in "01" and _verhoeff_valid(digits)


def _personnummer_valid(digits: str) -> bool:
    """A Swedish personnummer: a birth date (the day plus 60 for a coordination number), three digits and a
    Luhn check over the ten digits without the century."""
    if len(digits) == 12:
        digits = digits[2:]
    if len(digits) != 10:
        return False
    month, day = int(digits[2:4]), int(digits[4:6]) % 60
    return 1 <= month <= 12 and 1 <= day <= 31 and _luhn_valid(digits)


def _fodselsnummer_valid(digits: str) -> bool:
    """A Norwegian fødselsnummer: a birth date (plus 40 to the day or the month for other numbers), three
    digits and two mod-11 check digits."""
    if len(digits) != 11:
        return False
    d = [int(c) for c in digits]
    if not (1 <= (d[0] * 10 + d[1]) % 40 <= 31 and 1 <= (d[2] * 10 + d[3]) % 40 <= 12):
        return False
    for place, weights in ((9, (3, 7, 6, 1, 8, 9, 4, 5, 2)), (10, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))):
        check = -sum(x * w for x, w in zip(d, weights, strict=False)) % 11
        if check == 10 or check != d[place]:
            return False
    return True


def _cn_resident_id_valid(number: str) -> bool:
    """ISO 7064 mod 11-2 over the first seventeen digits, "x" standing for 10."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(number[:17]))
    return "10x98765432"[total % 11] == number[17]


# What a character in an odd place of a codice fiscale counts, "a" to "z"; a digit counts as the letter
# in its place in the alphabet ("0" as "a"), and in an even place any character as that place.
_CF_ODD_VALUES = "1 0 5 7 9 13 15 17 19 21 2 4 18 20 11 3 6 8 12 14 16 10 22 25 24 23"
_CF_ODD = dict(zip("abcdefghijklmnopqrstuvwxyz", map(int, _CF_ODD_VALUES.split()), strict=True))
_CF_OMOCODES = str.maketrans("lmnpqrstuv", "0123456789")


def _codice_fiscale_valid(code: str) -> bool:
    """The day of birth (1 to 31, plus 40 for women) and the check letter: the characters in odd places
    weighted by a table, those in even places by their value, the sum mod 26."""
    day = int(code[9:11].translate(_CF_OMOCODES))
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    places = [int(c) if c.isdigit() else ord(c) - ord("a") for c in code[:15]]
    total = sum(_CF_ODD[chr(ord("a") + p)] if i % 2 == 0 else p for i, p in enumerate(places))
    return chr(ord("a") + total % 26) == code[15]


def _routing_valid(digits: str) -> bool:
    """An ABA routing number: a Federal Reserve prefix and the digits weighted 3, 7, 1 adding to a multiple
    of 10."""
    prefix = int(digits[:2])
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return False
    return sum(int(c) * (3, 7, 1)[i % 3] for i, c in enumerate(digits)) % 10 == 0


def _licence_like(number: str) -> bool:
    """What driving licences and identity cards print: up to three letters, five to fourteen digits, perhaps
    letters after (most of them), or a British licence's surname, birth date, initials and check."""
    return _LICENCE_NUMBER.fullmatch(number.replace("-", "")) is not None


def _passport_like(number: str) -> bool:
    """Up to two letters, six to nine digits, perhaps a letter: what most countries print. Even a number
    as made up as "X12345678" counts after the word "passport": a real one cannot be told from it. Ten
    digits are a Russian passport's series and number ("4512 345678")."""
    return re.fullmatch(r"[a-z]{0,2}\d{6,10}[a-z]?", number) is not None


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
    "pesel": _pesel_shape,
    "cpf": _cpf_valid,
    "tckn": _tckn_shape,
    "tc": _tckn_shape,
    "kimlik": _tckn_shape,
    "nik": _nik_shape,
    "ktp": _nik_shape,
    "aadhaar": _aadhaar_valid,
    "aadhar": _aadhaar_valid,
    "personnummer": _personnummer_valid,
    "fodselsnummer": _fodselsnummer_valid,
}


def _iban_valid(raw: str) -> bool:
    iban = re.sub(r"\s", "", raw).upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


_DIGIT = re.compile(r"\d")
_GROUPS = re.compile(r"\d+")


def _found(kind: PiiKind, match: re.Match[str], group: int | str = 0) -> PiiMatch:
    return PiiMatch(kind, match.group(group), match.start(group), match.end(group))


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


# Someone's contact data asked for with no number in it: "Taylor Swift's home address", "my landlord's
# cell number", "the phone number of streamer X", "his license number" about a neighbour named in the
# prompt. The model writes some number or street in its place; shown as a real or known person's, it is
# the same doxxing picture. People the member knows, as the normaliser leaves them (apostrophes gone, "my
# exs number"); public roles, whose holder "the judge" points at; and what is private about a person.
_RELATIONS_TEXT = """
    ex exes ex_girlfriend ex_boyfriend ex_wife ex_husband ex_partner exgf exbf girlfriend boyfriend gf bf
    wife husband fiance fiancee partner crush coworker co-worker co_worker colleague boss manager supervisor
    employee intern assistant secretary neighbor neighbour classmate schoolmate teammate roommate flatmate housemate
    friend best_friend bff bestie teacher professor tutor coach trainer principal student pupil landlord
    landlady tenant babysitter nanny therapist doctor dentist nurse pastor priest cousin niece nephew aunt
    uncle sister brother stepsister stepbrother stepmom stepdad mom mum dad mother father daughter son bully
    stalker rival enemy client customer patient barista waitress waiter cashier
"""
_RELATIONS = frozenset(word.replace("_", " ") for word in _RELATIONS_TEXT.split())
_ROLES_TEXT = """
    streamer youtuber vtuber tiktoker influencer celebrity celeb actor actress singer rapper musician
    politician senator congressman congresswoman mayor governor judge journalist reporter ceo cop officer
    sheriff prosecutor juror witness creator
"""
_ROLES = frozenset(_ROLES_TEXT.split())
# Whose someone the member knows is ("my ex"); "the" points at a role's holder ("the judge") only: "the
# coach" is as often a bus.
_OWNING = frozenset({"my", "our", "your", "his", "her", "their"})
_PRONOUNS = frozenset({"his", "her", "their"})
# Words after a given name that make it no person's name: "call jenny at", "tom and", "anna for".
_NOT_NAME_WORDS_TEXT = """
    and or with the a an is was who her his him she he baby girl boy our my at on in of for to from by as
    number phone cell call text says said lives writes wrote holding smiling style art card cards mockup
    poster sign logo brand bakery cafe shop store pizza design template placeholder sample example
"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME_WORDS_TEXT.split())
# Names printed on card and form mockups as placeholders: "JOHN DOE", "Max Mustermann", "Joe Bloggs".
_PLACEHOLDER_NAMES_TEXT = """
    doe appleseed bloggs mustermann musterfrau public citizen sample example test name surname lastname
    holder cardholder nobody
"""
_PLACEHOLDER_NAMES = frozenset(_PLACEHOLDER_NAMES_TEXT.split())
_PRIVATE_WORDS = r"private|personal|home|real|exact|current|full|actual|secret|direct|unlisted|leaked|new"
_DATUM = re.compile(
    rf"(?<![a-z])(?:(?P<private>(?:{_PRIVATE_WORDS})\s+){{0,3}})"
    r"(?:(?P<address>(?:home|house|street|postal|mailing|residential)\s+address(?:es)?|address(?:es)?)"
    r"|(?P<id>(?:licen[cs]e|passport|id|identity|id\s+card|ssn|social\s+security|tax\s+id|insurance)"
    r"\s+(?:number|no|#)s?|ssn|social\s+security)"
    r"|(?P<phone>(?:(?:cell|mobile|cell\s*phone|phone|telephone|whatsapp)\s+(?:number|no|#)s?"
    r"|number|contact\s+(?:details|info|information))))(?![a-z])"
)
_DATUM_KINDS = {"address": PiiKind.ADDRESS, "id": PiiKind.NATIONAL_ID, "phone": PiiKind.PHONE}
_DATUM_HINT = re.compile(r"address|number|ssn|social security|phone|contact")
# What a plain "number" after a possessive is when it is no phone number: "taylor swifts number one hit",
# "my sons number 7 jersey", "obamas number of votes".
_NOT_PHONE_NUMBER = re.compile(
    r"\s*(?:#|\d{1,3}(?![\d-])|one|two|three|four|five|six|seven|eight|nine|ten|of|plate|jersey|shirt|badge"
    r"|tattoo|hits?|songs?|albums?|singles?|fans?|retired|retirement)(?![a-z])"
)
# A plain "number" anywhere near these is on a shirt, a bib or a car: "my sons number on his football shirt".
_NUMBERED_THINGS = re.compile(
    r"(?<![a-z])(?:shirts?|jerseys?|kits?|uniforms?|bibs?|football|soccer|basketball|baseball|hockey|rugby"
    r"|cricket|team|player|race|racing|racer|runner|marathon|lottery|raffle|bingo|lucky|favou?rite)(?![a-z])"
)
# What an "address" is when it is a speech or a thing: "obamas address to the nation", "his address book".
_NOT_HOME_ADDRESS = re.compile(
    r"\s+(?:to|at|before|in\s+front|on\s+the|books?|bars?|labels?|lines?|fields?|forms?)(?![a-z])"
)
# The trailing words just before a datum (no punctuation between), and what follows one: "of", "for".
_TRAILING_WORDS = re.compile(r"(?:(?<![a-z])[a-z][a-z-]*\s+){1,4}\Z")
_OWNER_AFTER = re.compile(r"(?<![a-z])(?:of|for|belonging\s+to)\s+((?:[a-z][a-z-]*\s*){1,4})")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]\"|]")
# Doxxing named as such, which no datum needs: "the doxxed address of a twitch streamer"; not a poster
# against it ("anti-doxxing awareness poster").
_DOX = re.compile(r"(?<![a-z])doxx?(?:ed|ing|es|ers?)?(?![a-z])")
_DOX_DATA = re.compile(
    r"(?<![a-z])(?:address|number|phone|info|information|details|location|name|identity|workplace|school)"
    r"(?![a-z])"
)
_AGAINST_DOXXING = re.compile(
    r"(?<![a-z])(?:anti|awareness|prevent[a-z]*|protect[a-z]*|avoid[a-z]*|stop|against|victims?|warning"
    r"|safety|tips|security)(?![a-z])"
)
# Someone the member knows, said to be theirs ("my landlord", "our neighbour"): what a pronoun before a
# datum ("his license number") then points at.
_ACQUAINTED = re.compile(
    r"(?<![a-z])(?:my|our|your)\s+(?:[a-z]+\s+)?(?:"
    + "|".join(sorted(map(re.escape, _RELATIONS), key=len, reverse=True))
    + r")(?![a-z])"
)
_WORD = re.compile(r"[a-z][a-z-]*")
_WORD_PAIR = re.compile(r"(?<![a-z])(?=([a-z]+) ([a-z][a-z-]+)(?![a-z]))")


@lru_cache(maxsize=1)
def _public_figures() -> frozenset[str]:
    """The names and aliases of the lexicon's public figures, as the normaliser writes them."""
    names = (alias for line in data_lines("public_figures.txt") for alias in line.split("|"))
    return frozenset(analyze(name.strip()).base for name in names if name.strip())


def _person_name(first: str, last: str) -> bool:
    """Whether two words are a given name and a surname ("anna kowalski"), or a public figure's name."""
    if f"{first} {last}" in _public_figures():
        return True
    return (
        first in _first_names()
        and last not in _NOT_NAME_WORDS
        and last not in _NOT_SURNAMES
        and last not in _PLACEHOLDER_NAMES
        and last not in _first_names()
    )


@lru_cache(maxsize=16)
def _names_someone(text: str) -> bool:
    """Whether `text` names a person: someone the member knows, a given name and a surname, a public
    figure."""
    if _ACQUAINTED.search(text):
        return True
    figures = _public_figures()
    words = _WORD.findall(text)
    if any(word in figures for word in words):
        return True
    return any(_person_name(m.group(1), m.group(2)) for m in _WORD_PAIR.finditer(text))


def _possessor(words: list[str], text: str, *, public: bool = True) -> int:
    """How many of the `words` just before a datum say whose it is ("my landlords", "taylor swifts",
    "olivias", "the judges", "his" about someone named), or 0; public figures only if `public` (a
    footballer's "number" is on his shirt)."""
    last = words[-1]
    if last in _PRONOUNS:
        return 1 if _names_someone(text) else 0
    if len(last) < 3 or not last.endswith("s"):
        return 0
    stem = last[:-1]
    before = words[:-1]
    prev = before[-1] if before else ""
    figures = _public_figures()
    if stem in figures or (prev and f"{prev} {stem}" in figures):
        return 0 if not public else 2 if prev and f"{prev} {stem}" in figures else 1
    if prev and _person_name(prev, stem):
        return 2
    if stem in _first_names():
        return 1
    for size, relation in ((2, f"{prev} {stem}"), (1, stem)):
        owner = words[-size - 1] if len(words) > size else ""
        if _relation(relation) and owner in _OWNING:
            return size + 1
        if size == 1 and stem in _ROLES and owner == "the":
            return 2
    return 0


def _person_after(words: list[str]) -> int:
    """How many of the words after "of" or "for" name a person ("my landlord", "the judge", "streamer x",
    "taylor swift", "anna kowalski"), or 0."""
    first, rest = words[0], words[1:]
    if first in _OWNING and rest:
        return next((n + 1 for n in (2, 1) if len(rest) >= n and _relation(" ".join(rest[:n]))), 0)
    if first == "the" and rest:
        return 2 if rest[0] in _ROLES else 0
    figures = _public_figures()
    named = next((n for n in (3, 2, 1) if len(words) >= n and " ".join(words[:n]) in figures), 0)
    if named:
        return named
    for i, word in enumerate(words[:2]):
        if word in _ROLES and i + 1 < len(words):
            following = words[i + 1]
            return i + 2 if following not in _NOT_NAME_WORDS and following not in _ROLES else 0
    return 2 if rest and _person_name(first, rest[0]) else 0


@lru_cache(maxsize=16)
def _famous_address_in(text: str) -> bool:
    """Whether `text` names a famous address, a fictional character's or a landmark's ("harry potters
    address, 4 privet drive")."""
    return any(address in text for address in _FAMOUS_ADDRESSES)


def _relation(words: str) -> bool:
    """Whether words name someone the member may know: "ex", "ex girlfriend", "ex-girlfriend"."""
    return words in _RELATIONS or words.replace("-", " ") in _RELATIONS


def _numbered_thing(text: str, group: str) -> bool:
    return group == "phone" and _NUMBERED_THINGS.search(text) is not None


def _find_requests(text: str, found: list[PiiMatch]) -> None:
    """A real or known person's address, number or id asked for by name, with no figures (see `_DATUM`),
    and doxxing named as such."""
    for match in _DATUM.finditer(text):
        group = next(name for name in ("address", "id", "phone") if match.group(name))
        plain = not match.group("private") and match.group(group) in ("address", "addresses", "number")
        if (plain and (_NOT_PHONE_NUMBER.match(text, match.end()) or _numbered_thing(text, group))) or (
            group == "address" and (_NOT_HOME_ADDRESS.match(text, match.end()) or _famous_address_in(text))
        ):
            continue
        trailing = _TRAILING_WORDS.search(text, max(0, match.start() - 60), match.start())
        words = list(_WORD.finditer(text, trailing.start(), match.start())) if trailing else []
        owned = _possessor([word.group(0) for word in words], text, public=not plain) if words else 0
        if owned and not (plain and words[-1].group(0) in _PRONOUNS):
            start = words[-owned].start()
            found.append(PiiMatch(_DATUM_KINDS[group], text[start : match.end()], start, match.end()))
            continue
        if plain:
            continue
        following = text[match.end() : match.end() + 70]
        cut = _CLAUSE_END.search(following)
        after = _OWNER_AFTER.search(following[: cut.start()] if cut else following)
        named_words = list(_WORD.finditer(after.group(1))) if after else []
        person = _person_after([word.group(0) for word in named_words]) if named_words else 0
        if after and person and not _business_line(text)[0]:
            named = named_words[person - 1]
            end = match.end() + after.start(1) + named.end()
            found.append(PiiMatch(_DATUM_KINDS[group], text[match.start() : end], match.start(), end))
    if _DOX.search(text) is None or _AGAINST_DOXXING.search(text):
        return
    for dox in _DOX.finditer(text):
        data = _DOX_DATA.search(text, dox.end(), dox.end() + 80) or _DOX_DATA.search(
            text, max(0, dox.start() - 60), dox.start()
        )
        if data:
            start, end = min(dox.start(), data.start()), max(dox.end(), data.end())
            found.append(PiiMatch(PiiKind.ADDRESS, text[start:end], start, end))


# A number kept for fiction is still a person's when the prompt gives it to one: "call Jenny 212-555-0199"
# on a bathroom wall, "Anna Kowalski +1 202 555 0143" on a sticky note. Not on a business card, a
# letterhead or a shop's sign, where a name beside a made-up number is a design's.
_CALL_SOMEONE = re.compile(
    r"(?<![a-z])(?:call|text|ring|phone|whatsapp|message|ask\s+for|contact)\s+([a-z]+)"
    r"(?:\s+(?:at|on))?[\s,:-]*\Z"
)
# A number of any length after a given name to call: "call sarah 555-0134".
_CALL_NAMED = re.compile(
    r"(?<![a-z])(?:call|text|ring|whatsapp)\s+([a-z]+)(?:\s+(?:at|on))?[\s,:-]*(\+?\d[\d\s()./-]{5,}\d)"
)
_CALL_HINT = re.compile(r"call|text|ring|whatsapp")
_NAME_BEFORE_NUMBER = re.compile(
    r"(?<![a-z])([a-z]+) ([a-z][a-z-]+)\s*(?:\([^()]{0,30}\))?[\s,:;-]*(?:(?:tel|phone|cell|mob)\.?[\s:]*)?\Z"
)
_NAME_AFTER_NUMBER = re.compile(
    r"[\s,;:/-]*(?:\(?(?:call|text|ask\s+for)\s+)?([a-z]+) ([a-z][a-z-]+)(?![a-z])"
)
# What a business shows its own number on ("a pizza shop sign with its phone number", "a plumber's van,
# call 0161 …"): as with its address on its sign, a business's number on it is public. A business card
# is no business: the number on it is most often its holder's own. Nor is a line said to be somebody's
# own ("call me", "my cell", "private number").
_TRADES = re.compile(
    r"(?<![a-z])(?:bakery|bakeries|shop|store|storefront|cafe|coffeehouse|restaurant|diner|pizzeria|pub|bar"
    r"|tavern|inn|hotel|motel|bookshop|bookstore|cinema|salon|barbershop|barber|boutique|supermarket|brewery"
    r"|bistro|patisserie|parlou?r|emporium|agency|garage|laundromat|clinic|pharmacy|gym|company|ltd|inc|llc"
    r"|pizza|pizzas|taxi|cab|plumb[a-z]*|electrician|locksmith|takeaway|takeout|food\s+truck|catering"
    r"|laundry|cleaners|movers|roofing|repairs?|services|dental|veterinary|hotline|helpline"
    r"|dealership|realtor|real\s+estate|estate\s+agent|law\s+firm|lawyers?|attorneys?|burger|sushi|kebab"
    r"|tattoo|spa|nails|florist|car\s+wash|daycare|kennel|hostel|b&b|bed\s+and\s+breakfast)(?![a-z])"
)
_SHOWN_ON = re.compile(
    r"(?<![a-z])(?:vans?|trucks?|lorry|taxis?|cabs?|box|boxes|vehicles?|doors?|window|magnets?|stickers?)"
    r"(?![a-z])"
)
_PERSONAL_LINE = re.compile(
    r"(?<![a-z])(?:call\s+me|text\s+me|ring\s+me|whatsapp\s+me|my\s+(?:cell|number|phone|mobile)"
    r"|(?:cell|mobile|private|personal|home)\s+(?:number|phone|no)|cell\s*phone)(?![a-z])"
)
# Stationery and mockups, where a name stands beside a made-up number by design.
_STATIONERY = re.compile(
    r"(?<![a-z])(?:business\s+cards?|letterheads?|stationery|mock-?ups?|templates?|email\s+signature"
    r"|brochures?|websites?\s+footer|logos?)(?![a-z])"
)


@lru_cache(maxsize=16)
def _business_line(text: str) -> tuple[bool, bool]:
    """Whether a number in `text` is a business's, shown on its sign, van or advert, and whether a name
    beside a made-up number is a design's (stationery, a mockup, a business's sign)."""
    business = _TRADES.search(text) is not None
    shown = (
        _BUSINESS_TEXT.search(text) is not None
        or _ADVERT.search(text) is not None
        or _SHOWN_ON.search(text) is not None
    )
    public = business and shown and _PERSONAL_LINE.search(text) is None and _DOX.search(text) is None
    return public, public or _STATIONERY.search(text) is not None


def _called(text: str, start: int) -> bool:
    """Whether the number at `start` is one to call a person on: "call jenny …", "call her …" about
    someone the prompt names."""
    called = _CALL_SOMEONE.search(text, max(0, start - 40), start)
    if called is None:
        return False
    who = called.group(1)
    return who in _first_names() or (who in ("him", "her") and _names_someone(text))


def _named_beside(text: str, start: int, end: int) -> bool:
    """Whether a given name and a surname stand just before or after the number at `start`:`end`:
    "anna kowalski +1 …", "chris evans (not the actor), 555 …", "… - tom harris"."""
    named = _NAME_BEFORE_NUMBER.search(text, max(0, start - 50), start) or _NAME_AFTER_NUMBER.match(
        text, end, end + 40
    )
    return named is not None and _person_name(named.group(1), named.group(2))


def _someones_number(text: str, start: int, end: int, *, fictional: bool) -> bool:
    """Whether a number in a phone number's shape rings someone: a real one unless a business shows it
    as its own; one kept for fiction only when the prompt gives it to a person, by name beside it (not
    on a business card or a shop's sign) or to call."""
    public, design = _business_line(text)
    if _called(text, start):
        return True
    if fictional:
        return not design and _named_beside(text, start, end)
    return not public or _named_beside(text, start, end)


# An identity document named in any of the languages and scripts above, then (perhaps after whose it is)
# its number: "carte d'identité de Julien Moreau, numéro 880692310285", "Aadhaar card of Rahul Sharma,
# number 2345 6789 0123", "マイナンバーカード 山田太郎 番号 123456789012", "بطاقة هوية … رقم …", "паспорт …,
# серия 4509 номер 123456". Or a name that is the document's number itself: "Ausweisnummer L01X00T47",
# "주민등록번호 900101-1234567". Written as the normaliser writes them (kana without their voicing marks,
# Cyrillic as its Latin look-alikes).
_ID_DOCUMENTS_TEXT = """
    passport|id card|identity card|national id|national identity card|identity document|id document
    residence permit|social security card|aadhaar|aadhar|aadhaar card|pan card|voter id|green card
    drivers license|driver license|driving licence|driving license|carte didentite|carte nationale didentite
    cni|passeport|titre de sejour|carte vitale|permis de conduire|personalausweis|ausweis|reisepass
    aufenthaltstitel|fuhrerschein|documento de identidad|documento nacional de identidad|cedula
    cedula de identidad|pasaporte|carnet de identidad|carteira de identidade|bilhete de identidade
    cartao de cidadao|carta didentita|carta di identita|passaporto|identiteitskaart|paspoort
    rijbewijs|dowod osobisty|paszport|kimlik karti|nufus cuzdani|pasaport|kartu tanda penduduk
    паспорт|загранпаспорт|удостоверение личности|بطاقة هوية|بطاقة الهوية|بطاقة شخصية|بطاقة الرقم القومي
    جواز سفر|आधार|आधार कार्ड|पैन कार्ड|पहचान पत्र|マイナンバーカード|マイナンバー|運転免許証|在留カード|パスポート
    旅券|身分証|신분증|주민등록증|여권|운전면허증|身份证|居民身份证|护照
"""
_ID_NUMBER_NAMES_TEXT = """
    id number|identity number|id no|national id number|ausweisnummer|personalausweisnummer|passnummer
    reisepassnummer|numero didentite|numero de identidad|numero de documento|identiteitsnummer
    주민등록번호|주민번호|외국인등록번호|マイナンバー|個人番号|الرقم القومي|رقم قومي|رقم الهوية|身份证号|身份证号码
"""
# Documents whose numbers carry a check, which a number right after the name must pass ("aadhaar
# 2345 6789 0124"; see `_NAMED_ID`), unless the prompt says between them whose the document is. Then the
# words that stand for "number" before the figures, in the same languages.
_CHECKED_DOCUMENTS = {analyze(name).base: _aadhaar_valid for name in ("aadhaar", "aadhar", "आधार")}
_NUMBER_WORDS_FOR_IDS_TEXT = (
    "number|no|nr|num|numero|nummer|numer|nomor|numara|numarasi|#|номер|رقم|नंबर|番号|번호|号码"
)


def _folded_alternation(text: str) -> str:
    """The names in `text` ("|" and lines between them) as the normaliser writes them, as one regex
    alternation, longest first."""
    names = {analyze(name.strip()).base for line in text.strip().splitlines() for name in line.split("|")}
    return "|".join(re.escape(name) for name in sorted(names - {""}, key=len, reverse=True))


_ID_DOCUMENT = _folded_alternation(_ID_DOCUMENTS_TEXT)
_ID_NUMBER_NAME = _folded_alternation(_ID_NUMBER_NAMES_TEXT)
_ID_NUMBER_WORD = _folded_alternation(_NUMBER_WORDS_FOR_IDS_TEXT)
# The number: digits in groups ("2345 6789 0123", "900101-1234567"), perhaps a few letters around them
# ("x12345678"), or letters and digits mixed as Germany's cards print them ("l01x00t47").
_ID_TOKEN = r"(?:[a-z]{1,3}[ -]?)?\d(?:[ .-]?\d){4,19}[a-z]{0,2}(?![\w-])|[a-z0-9]{8,12}(?![\w-])"
_DOCUMENT_NUMBER = re.compile(
    rf"(?<!\w)(?:(?P<document>{_ID_DOCUMENT})(?![a-z])(?P<whose>[^.;!?|\n]{{0,60}}?)[\s,:-]"
    rf"(?:{_ID_NUMBER_WORD})|(?P<named>{_ID_NUMBER_NAME}))(?![a-z])\.?\s*[:#]?\s*(?P<number>{_ID_TOKEN})"
)
_ID_DOCUMENT_HINT = re.compile(rf"{_ID_DOCUMENT}|{_ID_NUMBER_NAME}")
_SIZE = re.compile(r"\d{2,5}x\d{2,5}")
# What says whose a document is, between its name and its number: "of", "de", "von", "atas nama" before a
# name, a label ("name", "nom"), the Russian series ("серия", as folded) that only a passport's owner has,
# or a name written in another script.
_WHOSE = re.compile(
    r"(?<![a-z])(?:of|for|de|del|da|do|von|van|di|du|des|atas\s+nama|belonging\s+to|issued\s+to|name|nom"
    rf"|nombre|nome|holder|{re.escape(analyze('серия').base)})\s+[^\W\d_]"
)
_OTHER_SCRIPT_WORD = re.compile(r"[^\W\d_a-z]")
_SPECIMEN = re.compile(
    r"(?<![a-z])(?:templates?|mock-?ups?|samples?|specimens?|examples?|placeholders?|blank|designs?|muster"
    r"|exemple|ejemplo|esempio|props?)(?![a-z])"
)


def _whose_document(between: str) -> bool:
    """Whether the words between a document's name and its number say whose it is (see `_WHOSE`), or
    name someone the member knows or a given name and a surname."""
    return (
        _WHOSE.search(between) is not None
        or _OTHER_SCRIPT_WORD.search(between) is not None
        or _ACQUAINTED.search(between) is not None
        or any(_person_name(m.group(1), m.group(2)) for m in _WORD_PAIR.finditer(between))
    )


def _document_number(match: re.Match[str]) -> bool:
    """Whether the figures after an identity document's name are its number: five to eighteen digits,
    not counting, sizes, years or a date; right after a name whose numbers have a check, that check."""
    number = match.group("number")
    digits = re.sub(r"\D", "", number)
    groups = _GROUPS.findall(number)
    if (
        not 5 <= len(digits) <= 18
        or _SIZE.fullmatch(number)
        or (len(groups) > 1 and _years_or_sizes(groups))
        or _DATE.fullmatch(number)
    ):
        return False
    # Words between the document's name and its number must say whose it is ("of rahul sharma", a name in
    # another script): "a vintage passport from 1952, stamps, number 004512" is an old prop's. Said so, a
    # number as made up as "123456789012" is that person's, as on a forged card; on a specimen none is.
    between = match.group("whose") or ""
    whose = _whose_document(between) and _SPECIMEN.search(match.string) is None
    if between.strip(" ,:-") and not whose:
        return False
    if _counting(digits) and not whose:
        return False
    check = _CHECKED_DOCUMENTS.get(match.group("document") or "")
    return check is None or whose or check(digits)


# A card number published for tests is still a person's card shown with its holder: "Visa 4111 1111 1111
# 1111, exp 09/27, CVV 123, name Paul Green", "an Amex … and billing address". Not with a placeholder's
# name ("JOHN DOE") or a form's blank fields.
_HOLDER_LABEL = re.compile(
    r"(?<![a-z])(?:name|cardholder|card\s+holder|holder|owner|titular|inhaber|nom|issued\s+to|belongs\s+to"
    r"|belonging\s+to)(?:\s+on\s+(?:the\s+)?card)?\s*[:=-]?\s*([a-z]+) ([a-z][a-z-]+)(?![a-z])"
)
_BILLING = re.compile(r"(?<![a-z])billing\s+(?:address|details|info|information|name)(?![a-z])")
_BLANK_FIELDS = re.compile(r"(?<![a-z])(?:fields?|forms?|blank|empty|placeholders?|templates?)(?![a-z])")


def _card_holder_shown(text: str, start: int, end: int) -> bool:
    """Whether a card number at `start`:`end` is shown with its holder: a name labelled so or beside it,
    or the billing address, not a form's blank field."""
    window = (max(0, start - 60), end + 80)
    if any(_person_name(m.group(1), m.group(2)) for m in _HOLDER_LABEL.finditer(text, *window)):
        return True
    if _named_beside(text, start, end):
        return True
    return _BILLING.search(text) is not None and _BLANK_FIELDS.search(text) is None


def find_pii(text: str) -> list[PiiMatch]:
    """Personal data in `text` (already NFKC-normalised and casefolded), most identifying first."""
    given = text
    if not text.isascii():
        # One character for one, so that what is found has its place in the text given.
        text = _OTHER_DIGIT.sub(lambda digit: str(unicodedata.digit(digit.group(0))), text)
    # Blanked to the same length, so that what is found has its place in the text given.
    text = _SETTING.sub(
        lambda m: " " * len(m.group(0)) if _SEED_NAME.search(m.group(1)) else m.group(0), text
    )
    if "isbn" in text:
        text = _ISBN.sub(
            lambda isbn: " " * len(isbn.group(0)) if _isbn_valid(isbn.group(1)) else isbn.group(0), text
        )
    found = _find_shapes(text)
    # 3. Someone's address, number or id asked for with no figures, and doxxing named as such.
    if _DATUM_HINT.search(text) or "dox" in text:
        _find_requests(text, found)

    # 4. Shapes written by hand to slip past the above: letters for digits ("415-362-O134"), every
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
        kind = _spelled_number(text, match)
        if kind:
            found.append(_found(kind, match))
    if "@" in text:
        unspaced, origin = _unspaced(text)
        for match in _EMAIL.finditer(unspaced) if unspaced != text else ():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            found.append(PiiMatch(PiiKind.EMAIL, text[start:end], start, end))
    if text != given:
        # Each match as it stands in the text given ("٤١٥-٥٥٥-٠١٣٤"), not as read.
        found = [replace(m, text=given[m.start : m.end]) for m in found]
    return [m for m in dict.fromkeys(found) if m.kind is not PiiKind.EMAIL or not _nobodys_address(m.text)]


def _nobodys_address(address: str) -> bool:
    """Whether an e-mail address found, its "@" and dots written however ("billing [at] example [dot]
    com"), is at a domain kept for examples (see `_PLACEHOLDER_DOMAIN`), or a business's role mailbox
    at its own domain (see `_ROLE_MAILBOXES`)."""
    parts = _WRITTEN_AT.split(address)
    domain = _WRITTEN_DOT.sub(".", parts[-1]).replace(" ", "")
    if _PLACEHOLDER_DOMAIN.fullmatch(domain):
        return True
    local = _NOT_ALNUM.sub("", _WRITTEN_DOT.sub(".", parts[0]))
    labels = domain.split(".")
    if local not in _ROLE_MAILBOXES or len(labels) < 2:
        return False
    # The name registered under the ending ("sunnystudio" in "mail.sunnystudio.co.uk").
    name = labels[-3] if len(labels) >= 3 and labels[-2] in _SECOND_LEVELS else labels[-2]
    return name not in _PERSONAL_MAIL_DOMAINS


def _find_shapes(text: str) -> list[PiiMatch]:
    found: list[PiiMatch] = []
    digits = _digit_count(text)

    # 1. Numbers with a checksum or a fixed layout; the shortest of them has six digits.
    if digits >= 6:
        _find_numbers(text, digits, found)

    # 2. Contact details.
    if "@" in text or "%40" in text or ("at" in text and (" at " in text or _BRACKETED_AT.search(text))):
        for pattern in (_EMAIL, _EMAIL_SPELLED, _EMAIL_NO_ENDING):
            found.extend(_found(PiiKind.EMAIL, m) for m in pattern.finditer(text))
        for pattern in (
            (_EMAIL_AT_SERVICE, _EMAIL_ASKED) if " at " in text and _MAIL_HINT.search(text) else ()
        ):
            found.extend(_found(PiiKind.EMAIL, m, 1) for m in pattern.finditer(text) if _mailbox(m.group(2)))
    if digits >= 7:
        _find_phones(text, found)

    # 3. Street addresses: a house number, one to three name words and a street suffix.
    if digits:
        _find_addresses(text, digits, found)
    if _SPELLED_HOUSE_HINT.search(text):
        _find_spelled_houses(text, found)
    # 4. A date of birth with what says whose it is.
    if digits >= 4 and _BIRTH_HINT.search(text):
        _find_birth_dates(text, found)
    return found


def _find_addresses(text: str, digit_count: int, found: list[PiiMatch]) -> None:
    for match in _ADDRESS.finditer(text):
        if _street_address(text, match):
            found.append(_found(PiiKind.ADDRESS, match))
    if "number" in text or "no" in text or "nr" in text or "#" in text:
        house = _NAMED_HOUSE_NUMBER.search(text)
        street = _NAMED_STREET.search(text) if house else None
        if house and street and _SOMEONES_HOME_ANYWHERE.search(text):
            # The two read as one address, "27 birch rd", after the text, so that what stands around it
            # (a made-up setting, a famous address) is weighed as it is for any street.
            joined = f"{text} | home: {house.group(1)} {street.group(1)}"
            address = _ADDRESS.match(joined, len(text) + 9)
            if address and address.end() == len(joined) and _street_address(joined, address, text):
                first, last = sorted((house, street), key=lambda m: m.start())
                begin, end = first.start(1), last.end(1)
                found.append(PiiMatch(PiiKind.ADDRESS, text[begin:end], begin, end))
    for match in _STATE_ZIP.finditer(text) if digit_count >= 6 else ():
        # The starts of the comma-separated parts before the state ("1234 elm", " austin").
        begin = max(0, match.start() - 80)
        starts = [
            *([0] if begin == 0 else []),
            *(i + 1 for i in range(begin, match.start()) if text[i] == ","),
        ]
        for start in starts[-4:]:
            house = _HOUSE_NUMBER.match(text, start, match.start())
            # "4 cats, …": a count (see `_COUNTED`), not a house number.
            if house and house.group(1) not in _COUNTED:
                start += len(house.group(0)) - len(house.group(0).lstrip())
                found.append(PiiMatch(PiiKind.ADDRESS, text[start : match.end()], start, match.end()))
                break
    for number_pattern, place_pattern in _CJK_ADDRESSES if not text.isascii() else ():
        for number in number_pattern.finditer(text):
            begin = max(0, number.start() - _CJK_PLACE_WINDOW)
            place = place_pattern.search(text[begin : number.start()])
            if place:
                start = begin + place.start()
                found.append(PiiMatch(PiiKind.ADDRESS, text[start : number.end()], start, number.end()))
    if _ADDRESS_ELSEWHERE_HINT.search(text):
        for pattern, words in _ADDRESS_ELSEWHERE:
            if any(word in text for word in words):
                found.extend(
                    _found(PiiKind.ADDRESS, m) for m in pattern.finditer(text) if _elsewhere_address(text, m)
                )


def _find_spelled_houses(text: str, found: list[PiiMatch]) -> None:
    """Streets after what names a home whose house number is spelled out (see `_SPELLED_HOUSE`)."""
    for match in _SPELLED_HOUSE.finditer(text):
        words = match.group(1)
        digits = _spelled_value(words)
        # The figures in place of the words, then the street weighed as if written so.
        joined = text[: match.start(1)] + digits + text[match.end(1) :]
        address = _ADDRESS.match(joined, match.start(1))
        if address and _street_address(joined, address, text):
            end = address.end() - len(digits) + len(words)
            found.append(PiiMatch(PiiKind.ADDRESS, text[match.start(1) : end], match.start(1), end))


def _spelled_value(words: str) -> str:
    """The figures of a number spelled out: digit by digit ("one four two eight"), in pairs ("fourteen
    twenty-eight"), or with hundreds ("one hundred twenty three")."""
    values = [_NUMBER_WORDS[word] for word in _NUMBER_TOKEN.findall(words)]
    if all(value < 10 for value in values):
        return "".join(map(str, values))
    chunks: list[int] = []
    for value in values:
        if value == 100 and chunks:
            chunks[-1] *= 100
        elif chunks and (
            (chunks[-1] >= 100 and chunks[-1] % 100 == 0 and value < 100)
            or (chunks[-1] >= 20 and chunks[-1] % 10 == 0 and value < 10)
        ):
            chunks[-1] += value
        else:
            chunks.append(value)
    return "".join(map(str, chunks))


def _find_birth_dates(text: str, found: list[PiiMatch]) -> None:
    """A whole date of birth (day, month and year) in a prompt that also says who has it: where they live or
    work, an identity document, a record, or other personal data. A birthday card's "born 1994", or a
    birth announcement's date alone, identifies no one."""
    identified = bool(found) or _IDENTIFYING.search(text) is not None
    for match in _BIRTH_DATE.finditer(text):
        numbers = [int(n) for n in _GROUPS.findall(match.group(1))]
        if len(numbers) == 3 and not _calendar_date(numbers):
            continue
        if identified or _named_before(text, match.start()):
            found.append(_found(PiiKind.DATE_OF_BIRTH, match, 1))


def _named_before(text: str, start: int) -> bool:
    """Whether a person is named just before a date of birth that starts at `start` ("tom becker, date of
    birth …"), in a prompt that announces no birth and remembers no one (see `_NAME_BEFORE`)."""
    name = _NAME_BEFORE.search(text, max(0, start - 40), start)
    return (
        name is not None
        and name.group(1) in _first_names()
        and name.group(2) not in _NOT_SURNAMES
        and _ANNOUNCEMENT_OR_MEMORIAL.search(text) is None
    )


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """The given names of `_MORE_FIRST_NAMES` and of the lexicon's list, read when first asked for."""
    return frozenset(" ".join([*data_lines("first_names.txt"), _MORE_FIRST_NAMES]).split())


def _calendar_date(numbers: list[int]) -> bool:
    """Whether a date in figures, year first or last, has a day and a month in either order."""
    first, second = numbers[1:] if numbers[0] > 31 else numbers[:2]
    return 1 <= min(first, second) <= 12 and max(first, second) <= 31


def _elsewhere_address(text: str, match: re.Match[str]) -> bool:
    """Whether a street written the way of another country is where someone lives: in a made-up setting
    ("13 rue del percebe, comic style") only with a flat or a postcode (which the Italian layout
    includes), or someone said to live there."""
    before = text[max(0, match.start() - 50) : match.start()]
    return (
        not _made_up(text, before)
        or _address_evidence(text, match.end())
        or _TOWN_POSTCODE.search(text, match.start(), match.end() + _EVIDENCE_WINDOW) is not None
    )


def _made_up(text: str, before: str) -> bool:
    """Whether `text` is set in a made-up world, and what stands `before` a street in it does not say
    that someone lives there."""
    return _setting(text)[0] and _SOMEONES_HOME.search(before) is None


def _business_text(text: str, before: str) -> bool:
    """Whether the streets in `text` are written on what shows a business's or venue's address (see
    `_BUSINESS_TEXT`), and nothing, anywhere or just `before` the street, says one is someone's home."""
    return _setting(text)[1] and _SOMEONES_HOME.search(before) is None


@lru_cache(maxsize=16)
def _setting(text: str) -> tuple[bool, bool]:
    """Whether `text` is set in a made-up world, and whether it shows a business's or venue's address
    with nothing saying whose home it is: read once for all the streets in a prompt."""
    business = (
        _BUSINESS_TEXT.search(text) is not None
        or (_ADVERT.search(text) is not None and _BUSINESS.search(text) is not None)
    ) and _SOMEONES_HOME_ANYWHERE.search(text) is None
    return _MADE_UP_SETTING.search(text) is not None, business


def _street_address(text: str, match: re.Match[str], whole: str | None = None) -> bool:
    """Whether "<number> <words> <suffix>" is where someone lives rather than a picture's subject; the
    prompt's setting is read from `whole` where `text` was made from it (a number spelled out written in
    figures)."""
    whole = whole or text
    number, names, suffix = match.group(1).lower(), match.group(2).lower().split(), match.group(3).lower()
    if any(n in _NOT_STREET_NAMES for n in names):
        return False
    if suffix in _WEAK_SUFFIXES and not _HOME_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
        return _address_evidence(text, match.end())
    # Each of these reads it as something else: a compound noun or a work's title ("21 jump street movie
    # poster"), a count ("2 girls street photography"), a road's number ("route 1 pacific coast highway"),
    # a thing named with a street's word ("2 moons milky way"), a famous address, a year before a street
    # ("1969 abbey road", "film noir poster, 1950 sunset boulevard", "1990 tokyo street"), a shop or a
    # sign on it, or a street in a made-up world. A house at 1950 on a Sunset Boulevard in no particular
    # town does not locate anyone; what pins the street to one door does, and outweighs them all: a flat
    # right after it, a postcode, a US state and ZIP code ("1950 Sunset Blvd, Los Angeles, CA 90028" is
    # refused), but for a famous address not its own postcode.
    following = _NEXT_WORD.match(text, match.end())
    street = _SUFFIX_WORDS.get(suffix, suffix)
    famous = _FAMOUS_ADDRESSES.get(" ".join([number, *names, street]))
    before = text[max(0, match.start() - 50) : match.start()]
    something_else = (
        (following is not None and following.group(1) in _COMPOUNDS)
        or (names[0] in _COUNTED and len(number) <= 2)
        or _ROUTE_LABEL.search(before[-12:]) is not None
        or f"{names[-1]} {street}" in _NOT_STREETS
        or famous is not None
        or (number.isdigit() and len(number) == 4 and 1800 <= int(number) <= 2099)
        or _PUBLIC_PLACE.search(before) is not None
        or _made_up(whole, before)
        or any(n in _PLACEHOLDER_STREETS for n in names)
        or _business_text(whole, before)
    )
    return not something_else or _address_evidence(text, match.end(), famous or ())


def _mailbox(local: str) -> bool:
    """Whether what stands before "at gmail" names a mailbox rather than being a word of the sentence."""
    return not (local.isalpha() and (local in _NOT_MAILBOXES or local.endswith("ing")))


def _address_evidence(text: str, end: int, own: tuple[str, ...] = ()) -> bool:
    """Whether a flat, a postcode, or a US state and ZIP code follow a street that ends at `end`; a
    postcode that is the street's `own` (written without spaces) is none."""
    return _UNIT_AFTER.match(text, end) is not None or any(
        not _NOT_ALNUM.sub("", code.group(0)).endswith(own)
        for code in _POSTAL_CODE.finditer(text, end, end + _EVIDENCE_WINDOW)
    )


def _spaced_phone(match: re.Match[str]) -> bool:
    """Whether digits written one by one are a phone number (see `_phone_digits`)."""
    digits = re.sub(r"\D", "", match.group(0))
    return _phone_digits(digits, plus=bool(match.group(1))) and _FICTIONAL_PHONE.fullmatch(digits) is None


def _phone_digits(digits: str, *, plus: bool) -> bool:
    """Whether digits written one at a time, in figures or in words, are a phone number: after a "+", or
    ten in the North American shape (a country code "1" before them or not), but not counting
    ("9 8 7 6 5 4 3 2 1 0") or one digit over and over."""
    if plus:
        return 8 <= len(digits) <= 15
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01" and not _counting(digits)


def _north_american(groups: Sequence[str]) -> bool:
    """Whether an area code, an exchange and a line written without dashes are a phone number rather than
    image sizes, round figures, counting, a service code ("N11"), or a power of two or one less, as the
    largest seeds are ("4294967295", "2147483647")."""
    area, exchange, _ = groups
    number = int("".join(groups))
    return (
        area[1:] != "11"
        and exchange[1:] != "11"
        and not _years_or_sizes(groups)
        and not all(group.endswith("0") for group in groups)
        and not _counting("".join(groups))
        and number & (number - 1) != 0
        and number & (number + 1) != 0
    )


def _counting(digits: str) -> bool:
    """Whether each digit is the one before it plus the same step: "0123456789", "987…", "5555…"."""
    return len({(int(b) - int(a)) % 10 for a, b in pairwise(digits)}) <= 1


def _spelled_number(text: str, match: re.Match[str]) -> PiiKind | None:
    """What a number spelled out in words is: a phone number (see `_phone_digits`), or, written in figures
    after the words before it ("my ssn is", "card"), whatever the figures would be: "social security
    number one two three …" is an SSN, sixteen digits passing the card check a card."""
    words = match.group(0).removeprefix(match.group(1) or "")
    times = {"": 1, "double": 2, "triple": 3}
    digits = "".join(_DIGIT_WORDS[word] * times[twice] for twice, word in _SPELLED_TOKEN.findall(words))
    if _phone_digits(digits, plus=bool(match.group(1))):
        # Spelled out, a number kept for fiction is still fiction's; ten or eleven digits are no other number.
        return None if _FICTIONAL_PHONE.fullmatch(digits) else PiiKind.PHONE
    before = text[max(0, match.start() - 40) : match.start()]
    figures: list[PiiMatch] = []
    _find_numbers(before + digits, _digit_count(before) + len(digits), figures)
    return next((m.kind for m in figures if m.end > len(before)), None)


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
    for match in (*_CARD.finditer(text), *_CARD_GROUPED.finditer(text)):
        digits = re.sub(r"\D", "", match.group(0))
        if (
            13 <= len(digits) <= 19
            and _CARD_PREFIX.match(digits)
            and _luhn_valid(digits)
            and (digits not in _TEST_CARDS or _card_holder_shown(text, match.start(), match.end()))
        ):
            found.append(_found(PiiKind.CREDIT_CARD, match))
    for match in _SSN.finditer(text):
        area, group, serial = match.group(1), match.group(3), match.group(4)
        if area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000":
            found.append(_found(PiiKind.NATIONAL_ID, match))
    named = _SSN_NAMED.finditer(text) if "ssn" in text or "social security" in text else ()
    for match in named:
        area, _, group, serial = match.groups()
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
        check = _NAMED_ID_CHECKS.get(name.replace(".", ""))
        if (number.isdigit() and check(number)) if check else _passport_like(number):
            found.append(_found(PiiKind.NATIONAL_ID, match, 2))
    for match in _NAMED_DOCUMENT.finditer(text) if _DOCUMENT_HINT.search(text) else ():
        if _licence_like(match.group(1)):
            found.append(_found(PiiKind.NATIONAL_ID, match, 1))
    for match in (
        _DOCUMENT_NUMBER.finditer(text) if digit_count >= 5 and _ID_DOCUMENT_HINT.search(text) else ()
    ):
        if _document_number(match):
            found.append(_found(PiiKind.NATIONAL_ID, match, "number"))
    for match in _CN_RESIDENT_ID.finditer(text) if digit_count >= 17 else ():
        if _cn_resident_id_valid(match.group(0)):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _CODICE_FISCALE.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if ("fiscale" in before and _CODICE_FISCALE_NAMED.search(before)) or _codice_fiscale_valid(
            match.group(0)
        ):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    # Eleven digits alone, a PESEL or a Turkish identity number by their checks (one number in a
    # thousand or a hundred passes), not counting ("12345678901"): seeds and hashes were blanked before.
    for match in _ELEVEN_DIGITS.finditer(text) if digit_count >= 11 else ():
        digits = match.group(0)
        if (_pesel_valid(digits) or _tckn_valid(digits)) and not _counting(digits):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _ROUTING.finditer(text) if digit_count >= 9 and _ROUTING_HINT.search(text) else ():
        if _routing_valid(match.group(1)[:9]):
            found.append(_found(PiiKind.NATIONAL_ID, match, 1))
    for match in _BANK_ACCOUNT.finditer(text) if "acc" in text else ():
        found.append(_found(PiiKind.NATIONAL_ID, match, 1))
    for match in _CPF.finditer(text):
        if _cpf_valid(re.sub(r"\D", "", match.group(0))):
            found.append(_found(PiiKind.NATIONAL_ID, match))
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group(0)):
            found.append(_found(PiiKind.NATIONAL_ID, match))


def _find_phones(text: str, found: list[PiiMatch]) -> None:
    def add(match: re.Match[str], group: int = 0) -> None:
        number = match.group(group)
        span = _SPAN.search(number)
        if span and (span.group(1) is None or span.group(1) <= span.group(2)):
            return
        fictional = _FICTIONAL_PHONE.fullmatch(re.sub(r"\D", "", number)) is not None
        if _someones_number(text, match.start(group), match.end(group), fictional=fictional):
            found.append(_found(PiiKind.PHONE, match, group))

    for match in _PHONE_NANP.finditer(text):
        if not _years_or_sizes(_GROUPS.findall(match.group(0))[-3:]):
            add(match)
    for pattern in (_PHONE_NANP_SPACED, _PHONE_NANP_BARE):
        for match in pattern.finditer(text):
            if _north_american(match.groups()):
                add(match)
    for match in _PHONE_INTERNATIONAL.finditer(text):
        if 8 <= _digit_count(match.group(0)) <= 15:
            add(match)
    for match in _PHONE_TRUNK.finditer(text):
        if 10 <= _digit_count(match.group(0)) <= 11:
            add(match)
    for match in _PHONE_NATIONAL.finditer(text):
        if not _counting(re.sub(r"\D", "", match.group(0))):
            add(match)
    for match in _PHONE_ID_RU.finditer(text):
        if 10 <= _digit_count(match.group(0)) <= 13 and not _counting(re.sub(r"\D", "", match.group(0))):
            add(match)
    contexts = (_PHONE_CONTEXT, _CALL_NAMED) if _CALL_HINT.search(text) else (_PHONE_CONTEXT,)
    for pattern in contexts:
        for match in pattern.finditer(text):
            number = match.group(pattern.groups)
            groups = _GROUPS.findall(number)
            if (
                7 <= _digit_count(number) <= 15
                and not _years_or_sizes(groups)
                and not _DATE.fullmatch(number.strip())
                and (pattern is _PHONE_CONTEXT or match.group(1) in _first_names())
            ):
                add(match, pattern.groups)
