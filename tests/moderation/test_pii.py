"""Personal data is found in its real shapes, and the numbers prompts are full of are left alone."""

from __future__ import annotations

import pytest

from moderation.normalize import analyze
from moderation.pii import PiiKind, find_pii, redact_pii


def _kinds(text: str) -> set[PiiKind]:
    return {match.kind for match in find_pii(analyze(text).base)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("call me at 555-123-4567", PiiKind.PHONE),
        ("555.123.4567", PiiKind.PHONE),
        ("(212) 555-0199", PiiKind.PHONE),
        ("+1 415 555 2671", PiiKind.PHONE),
        ("+44 20 7946 0958", PiiKind.PHONE),
        ("+49 30 1234567", PiiKind.PHONE),
        ("07700 900123", PiiKind.PHONE),
        ("020 7946 0958", PiiKind.PHONE),
        ("phone: 5551234567", PiiKind.PHONE),
        ("whatsapp me on 0612345678", PiiKind.PHONE),
        ("jane.doe@example.com", PiiKind.EMAIL),
        ("JANE.DOE@EXAMPLE.CO.UK", PiiKind.EMAIL),
        ("jane [at] example [dot] com", PiiKind.EMAIL),
        ("john at gmail dot com", PiiKind.EMAIL),
        ("123 Main Street", PiiKind.ADDRESS),
        ("lives at 42 oak avenue", PiiKind.ADDRESS),
        ("1600 Amphitheatre Parkway", PiiKind.ADDRESS),
        ("77 sunset blvd.", PiiKind.ADDRESS),
        ("SSN 123-45-6789", PiiKind.NATIONAL_ID),
        ("123 45 6789", PiiKind.NATIONAL_ID),
        ("NI number AB 12 34 56 C", PiiKind.NATIONAL_ID),
        ("AB123456C", PiiKind.NATIONAL_ID),
        ("SIN 046 454 286", PiiKind.NATIONAL_ID),
        ("IBAN GB82 WEST 1234 5698 7654 32", PiiKind.NATIONAL_ID),
        ("4111 1111 1111 1111", PiiKind.CREDIT_CARD),
        ("4111111111111111", PiiKind.CREDIT_CARD),
        ("5500-0000-0000-0004", PiiKind.CREDIT_CARD),
        ("3782 822463 10005", PiiKind.CREDIT_CARD),
        # obfuscated with full-width digits and zero-width characters
        ("５５５-１２３-４５６７", PiiKind.PHONE),
        ("jane.doe\u200b@example.com", PiiKind.EMAIL),
    ],
)
def test_personal_data_is_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "1920x1080",
        "1024 x 1024",
        "16:9",
        "aspect 21:9, 3:2",
        "seed 12345",
        "seed: 4111111111111111",
        "seed=5551234567",
        "4k",
        "8k uhd",
        "1990s",
        "a 1950s diner",
        "the 1920s 1930s 1940s",
        "year 2024 and 2025",
        "2023-10-05",
        "render sizes 512 768 1024",
        "steps 30 cfg 7.5 sampler dpm++ 2m",
        "f/1.8 85mm iso 100 1/250s",
        "version 1.2.3",
        "+1.5 exposure",
        "3 cats crossing the street",
        "a 24 hour drive",
        "4 wheel drive truck",
        "2 lane road",
        "1 way street",
        "10 pin bowling alley",
        "35mm street photography",
        "10 downing street",
        "221b baker street",
        "route 66",
        "number 10 bus",
        "at 5:30 pm",
        "1080p 60fps",
        "a 4 story building on main street",
        "12345678901234",
        "$100 bill",
        "coordinates 40.7128 -74.0060",
        "1234 5678",
        "room 101",
        "catalog no. 555 123",
        "a@b",
    ],
)
def test_ordinary_prompt_numbers_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


def test_invalid_checksums_are_not_cards_or_ids() -> None:
    assert _kinds("4111 1111 1111 1112") == set()
    assert _kinds("IBAN GB82 WEST 1234 5698 7654 33") == set()
    # Area 000 and 9xx are never issued as social security numbers.
    assert _kinds("000-12-3456") == set()
    assert _kinds("912-34-5678") == set()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # e-mail addresses with spaces, angle brackets, or a spelled-out "dot" after any host
        ("jane @ gmail . com", PiiKind.EMAIL),
        ("jane @gmail.com", PiiKind.EMAIL),
        ("jane<at>gmail<dot>com", PiiKind.EMAIL),
        ("jane at example dot com", PiiKind.EMAIL),
        ("jane.doe AT company DOT com", PiiKind.EMAIL),
        ("jane at protonmail dot ch", PiiKind.EMAIL),
        # street addresses: a compass point, a numbered street, a "Dr", other countries' layouts
        ("123 N Main St", PiiKind.ADDRESS),
        ("350 5th Ave", PiiKind.ADDRESS),
        ("56 Maple Court", PiiKind.ADDRESS),
        ("12 High Street", PiiKind.ADDRESS),  # words that rule out "3 tennis court" must not rule these out
        ("123 First Street", PiiKind.ADDRESS),
        ("12 Elm Dr", PiiKind.ADDRESS),
        ("12 rue de Rivoli, Paris", PiiKind.ADDRESS),
        ("Calle Mayor 10, Madrid", PiiKind.ADDRESS),
        ("rua Augusta, 200", PiiKind.ADDRESS),
        ("Hauptstraße 5, Berlin", PiiKind.ADDRESS),
        ("Berliner Straße 5", PiiKind.ADDRESS),
        # identity numbers: an SSN written without separators but named, a Spanish DNI, an Aadhaar number
        ("ssn: 123456789", PiiKind.NATIONAL_ID),
        ("DNI 12345678Z", PiiKind.NATIONAL_ID),
        ("NIE X1234567L", PiiKind.NATIONAL_ID),
        ("aadhaar 2345 6789 0124", PiiKind.NATIONAL_ID),
    ],
)
def test_more_shapes_of_personal_data_are_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "me @ home. it was late",  # "it" is a domain ending, but not after spaces
        "a startup at the dot com peak",
        "look at this dot com bubble poster",
        "a bus with the number 1234567",
        "catalogue number 978-3-16-148410-0",
        "10 cloverfield lane",
        "123 sesame street",
        "4 privet dr",  # the famous address, abbreviated
        "a table with 5 place settings",
        "3 tennis court complex",
        "a boxing ring 5 meters wide",
        "largo from symphony 9",
        "1st place trophy",
        "DNI 12345678A",  # wrong check letter
        "aadhaar 2345 6789 0123",  # wrong check digit
        "1234 5678 9012",  # starts with 1: never an Aadhaar number
    ],
)
def test_more_ordinary_text_is_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Letters for digits, in numbers of the shapes above.
        ("415-555-O134", PiiKind.PHONE),
        ("4l5-555-0134", PiiKind.PHONE),
        ("(4I5) 555-0l34", PiiKind.PHONE),
        ("+44 2O 7946 O958", PiiKind.PHONE),
        ("4111 1111 1111 111l", PiiKind.CREDIT_CARD),
        # Every digit, or every letter, on its own.
        ("4 1 5 5 5 5 0 1 3 4", PiiKind.PHONE),
        ("ring 4 1 5 - 5 5 5 - 0 1 3 4 tonight", PiiKind.PHONE),
        ("1 4 1 5 5 5 5 0 1 3 4", PiiKind.PHONE),
        ("+ 4 4 2 0 7 9 4 6 0 9 5 8", PiiKind.PHONE),
        ("b o b @ g m a i l . c o m", PiiKind.EMAIL),
        ("b o b @gmail.com", PiiKind.EMAIL),
        ("write to j a n e . d o e @ example.org", PiiKind.EMAIL),
    ],
)
def test_personal_data_written_by_hand_is_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "1920 x 1080, --ar 16:9, seed 4155550134",
        "sdxl 1.0, sd 1.5, v1.5, 2001 a space odyssey, 1990s, 4o",
        "countdown 9 8 7 6 5 4 3 2 1 0",
        "the digits 1 2 3 4 5 6 7 8 9 0 in neon",
        "pi 3 1 4 1 5 9 2 6 5 3",
        "binary 1 0 1 1 0 0 1 0 1 1",
        "dice showing 6 5 4 6 2 3 5 1 2 6 5 4",  # twelve digits, no "+": no phone number
        "l0li art 1o1, 10l, oil on canvas 100 x 110",
        "a r t by @beeple, t r e n d i n g",
        "style @ a r t s t a t i o n",
    ],
)
def test_hand_written_shapes_leave_ordinary_numbers_alone(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Call me at 415-555-0134 tonight", "Call me at [phone number] tonight"),
        ("E-mail Jane.Doe@Example.com or (212) 555-0199!", "E-mail [e-mail address] or [phone number]!"),
        ("jane [at] example [dot] com, smiling", "[e-mail address], smiling"),
        ("Portrait at 123 Main Street, golden hour", "Portrait at [street address], golden hour"),
        ("Café au 12 rue de Rivoli", "Café au [street address]"),
        ("card 4111 1111 1111 1111 on a table", "card [card number] on a table"),
        ("SSN 123-45-6789", "SSN [id number]"),
        ("позвони ５５５-１２３-４５６７ срочно", "позвони [phone number] срочно"),
        ("(call 415-555-0134:1.2), seed 12345", "(call [phone number]:1.2), seed 12345"),
        ("Ring 415-555-O134 now", "Ring [phone number] now"),
        ("mail B o b @ g m a i l . c o m!", "mail [e-mail address]!"),
        ("a castle at dawn, 1920x1080, --ar 16:9", "a castle at dawn, 1920x1080, --ar 16:9"),
    ],
)
def test_personal_data_is_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert find_pii(analyze(text).base) or text == redacted
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []
    assert redact_pii(redacted) == redacted
