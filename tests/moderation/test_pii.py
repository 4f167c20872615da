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
        ("call me at 312-492-4567", PiiKind.PHONE),
        ("312.492.4567", PiiKind.PHONE),
        ("(212) 736-0199", PiiKind.PHONE),
        ("+1 415 362 2671", PiiKind.PHONE),
        ("+44 20 7123 4567", PiiKind.PHONE),
        ("+49 30 1234567", PiiKind.PHONE),
        ("07911 123456", PiiKind.PHONE),
        ("020 7123 4567", PiiKind.PHONE),
        ("phone: 3124924567", PiiKind.PHONE),
        ("whatsapp me on 0612345678", PiiKind.PHONE),
        ("jane.doe@company.com", PiiKind.EMAIL),
        ("JANE.DOE@EXAMPLE.CO.UK", PiiKind.EMAIL),
        ("jane [at] company [dot] com", PiiKind.EMAIL),
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
        ("4526 0181 5908 3012", PiiKind.CREDIT_CARD),
        ("4526018159083012", PiiKind.CREDIT_CARD),
        ("5500-0000-0000-0004", PiiKind.CREDIT_CARD),
        ("3748 219935 18197", PiiKind.CREDIT_CARD),
        # obfuscated with full-width digits and zero-width characters
        ("３１２-４９２-４５６７", PiiKind.PHONE),
        ("jane.doe\u200b@company.com", PiiKind.EMAIL),
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
        ("jane at company dot com", PiiKind.EMAIL),
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
        ("415-362-O134", PiiKind.PHONE),
        ("4l5-362-0134", PiiKind.PHONE),
        ("(4I5) 362-0l34", PiiKind.PHONE),
        ("+44 2O 7123 O958", PiiKind.PHONE),
        ("4526 0l81 5908 3012", PiiKind.CREDIT_CARD),
        # Every digit, or every letter, on its own.
        ("4 1 5 3 6 2 0 1 3 4", PiiKind.PHONE),
        ("ring 4 1 5 - 3 6 2 - 0 1 3 4 tonight", PiiKind.PHONE),
        ("1 4 1 5 3 6 2 0 1 3 4", PiiKind.PHONE),
        ("+ 4 4 2 0 7 1 2 3 0 9 5 8", PiiKind.PHONE),
        ("b o b @ g m a i l . c o m", PiiKind.EMAIL),
        ("b o b @gmail.com", PiiKind.EMAIL),
        ("write to j a n e . d o e @ company.org", PiiKind.EMAIL),
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
        ("Call me at 415-362-0134 tonight", "Call me at [phone number] tonight"),
        ("E-mail Jane.Doe@Company.com or (212) 736-0199!", "E-mail [e-mail address] or [phone number]!"),
        ("jane [at] company [dot] com, smiling", "[e-mail address], smiling"),
        ("Portrait at 123 Main Street, golden hour", "Portrait at [street address], golden hour"),
        ("Café au 12 rue de Rivoli", "Café au [street address]"),
        ("card 4526 0181 5908 3012 on a table", "card [card number] on a table"),
        ("SSN 123-45-6789", "SSN [id number]"),
        ("позвони ３１２-４９２-４５６７ срочно", "позвони [phone number] срочно"),
        ("(call 415-362-0134:1.2), seed 12345", "(call [phone number]:1.2), seed 12345"),
        ("Ring 415-362-O134 now", "Ring [phone number] now"),
        ("mail B o b @ g m a i l . c o m!", "mail [e-mail address]!"),
        ("a castle at dawn, 1920x1080, --ar 16:9", "a castle at dawn, 1920x1080, --ar 16:9"),
    ],
)
def test_personal_data_is_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert find_pii(analyze(text).base) or text == redacted
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []
    assert redact_pii(redacted) == redacted


@pytest.mark.parametrize(
    "text",
    [
        # "<number> <words> street/road/boulevard/drive" that is a year and a title, a count, a compound noun
        "beatles crossing, 1969 abbey road album cover style",
        "film noir poster, 1950 sunset boulevard",
        "2001 mulholland drive movie poster",
        "21 Jump Street movie poster",
        "1990 tokyo street photography, film grain",
        "2 girls street photography, tokyo",
        "3 cats street art mural",
        "1 woman street fashion, paris",
        "4 friends road trip, vintage van, sunset",
        "route 1 pacific coast highway, convertible",  # a road's number, not a house's
        # two years are not a phone number after "text"
        "memorial poster, text 1914 1918, poppies",
        # " at … dot " between ordinary words
        "a cat staring at laser dot in the dark",
        # every setting named after the seed is a seed
        "noise_seed 4539578763621486, portrait of a knight",
        "subseed: 4539578763621486, portrait of a knight",
        "seed_resize_from_h: 4539578763621486",
        # image sizes are not an Aadhaar number or a Canadian SIN
        "resolution 2048 1080 2160, landscape",
        "sizes 512 256 512, pixel art sprite sheet",
    ],
)
def test_numbers_that_read_as_something_a_picture_shows_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # phone numbers in national layouts, and digits spelled out
        ("billboard with the number 0612345678", PiiKind.PHONE),
        ("poster: bel me op 06-12345678", PiiKind.PHONE),
        ("sign: zadzwoń 512 345 678", PiiKind.PHONE),
        ("banner: ara 0532 123 45 67", PiiKind.PHONE),
        ("06 12 34 56 78", PiiKind.PHONE),
        ("01.42.68.53.00", PiiKind.PHONE),
        ("07911123456", PiiKind.PHONE),
        ("015123456789", PiiKind.PHONE),
        ("call me on 06 1234 5678", PiiKind.PHONE),
        ("a note that reads four one five, three six two, zero one three four", PiiKind.PHONE),
        ("plus four four two zero seven one two three zero nine five eight", PiiKind.PHONE),
        # addresses: a house number before a US state and ZIP code, a street name before its number
        ("house number sign, 1234 Elm, Austin TX 78701", PiiKind.ADDRESS),
        ("12 Oak Lane, Springfield, IL 62704", PiiKind.ADDRESS),
        ("1234 Elm St Apt 5", PiiKind.ADDRESS),
        ("Kalverstraat 92, Amsterdam, front door photo", PiiKind.ADDRESS),
        ("Keizersgracht 123, Amsterdam", PiiKind.ADDRESS),
        ("drottninggatan 12, stockholm", PiiKind.ADDRESS),
        ("ul. Marszałkowska 15, Warszawa, storefront", PiiKind.ADDRESS),
        ("ul. Jana Pawła II 12/4, Kraków", PiiKind.ADDRESS),
        ("Atatürk Caddesi No: 12, Istanbul, apartment door", PiiKind.ADDRESS),
        ("Jl. Sudirman No. 45, Jakarta, house gate", PiiKind.ADDRESS),
        ("Jalan Ampang 12, Kuala Lumpur", PiiKind.ADDRESS),
        # a year, a title, a famous address: an address all the same with a flat, a postcode, a state and ZIP
        ("1950 Sunset Blvd, Los Angeles, CA 90028", PiiKind.ADDRESS),
        ("1950 oak street apt 4", PiiKind.ADDRESS),
        ("1428 Elm Street, Springwood, OH 43210", PiiKind.ADDRESS),
        ("2 girls street photography, 12 oak lane", PiiKind.ADDRESS),
        # identity numbers after their names, with their checks
        ("BSN 111222333 on a Dutch ID card", PiiKind.NATIONAL_ID),
        ("bsn: 1112.22.333", PiiKind.NATIONAL_ID),
        ("TC kimlik no 10000000146 on an ID card", PiiKind.NATIONAL_ID),
        ("PESEL 44051401359 on a document", PiiKind.NATIONAL_ID),
        ("CPF 123.456.789-09 on a card", PiiKind.NATIONAL_ID),
        ("123.456.789-09", PiiKind.NATIONAL_ID),  # the CPF's printed layout needs no name
        ("passport number X12345678 on a passport page", PiiKind.NATIONAL_ID),
        ("passport no. AB1234567", PiiKind.NATIONAL_ID),
        # an address at a big mail provider, no ending needed
        ("jane.doe@gmail on a sticky note", PiiKind.EMAIL),
        ("jane at company dot com", PiiKind.EMAIL),
    ],
)
def test_national_layouts_of_personal_data_are_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # The film's house, in a prompt about the film: 1428 Elm Street is a famous address, and without a
        # postcode or a flat no more locates anyone than "742 Evergreen Terrace" does.
        "A Nightmare on Elm Street, the house at 1428 Elm Street",
        # Sherlock Holmes's address, in the city it is in: a famous address stays one.
        "221B Baker Street, London",
        # A postcode alone is a street's worth of doors (this one is Buckingham Palace's), not a person's.
        "postcode SW1A 1AA doorplate",
        # Checks that fail: these are not the identity numbers they are named as.
        "BSN 111222334",
        "CPF 123.456.789-00",
        "cpf 111.111.111-11",
        "passport photo 2x2, white background",
        # A book's number, with its check digit, is not a phone number.
        "isbn 0679735771 book cover",
        "Model hash: 0612345678",
    ],
)
def test_judgment_calls_on_famous_addresses_postcodes_and_failed_checks(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "sdxl 1.0, 8k, masterpiece, best quality",
        "portrait, f/1.8 85mm, iso 400, bokeh, 1/200s",
        "route 66 diner at night, 1950s americana",
        "area 51 alien, ufo sighting, 1947 newspaper",
        "studio 54 disco party, 1978, glitter",
        "apollo 11 moon landing, 1969, grainy film",
        "boeing 747 at sunset, 35mm film, kodak portra 400",
        "hex colours #ff8800 #00ffcc #1a2b3c palette",
        "basketball player with jersey number 23 dunking",
        "final score 3-1, football stadium, fireworks",
        "score 21 15, volleyball",
        "a calendar showing 2024-05-12",
        "christmas card dated 12/25/2023",
        "05-12-2023 14:30 timestamp",
        "05.12.2023 diary page",
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 4539578763621486, Size: 512x768, "
        "Model hash: 6ce0161689, Variation seed: 4111111111111111, Seed resize from: 512x512",
        "resolution 1920 1080 2560 1440",
        "2048 1080 2160 4096 resolutions",
        "text 512 768 1024 on a sprite sheet",
        "years 2019 2020 2021 on a timeline",
        "world war 1914-1918 memorial, 1939 1945",
        "tokyo 2020 olympics stadium",
        "blade runner 2049 cityscape, neon",
        "a 1967 chevrolet impala on the highway",
        "2 fast 2 furious street racing, neon",
        "a 1985 miami street at night, synthwave",
        "1920 paris street scene, sepia",
        "1950 cadillac on sunset boulevard",
        "1950 main street, small town america",
        "2077 night city street, cyberpunk",
        "3 girls road trip, desert",
        "10 friends street party",
        "101 dalmatians poster",
        "7 eleven store at night, rain",
        "room 237 hallway, the shining",
        "platform 9 3/4, hogwarts express",
        "nikon d850 50mm f/1.4 iso 100",
        "rtx 4090 render, unreal engine 5",
        "iphone 15 pro max on a marble table",
        "12 angry men courtroom, 1957",
        "chanel no 5 perfume bottle",
        "interstate 95 road sign",
        "highway 1 big sur, 1970",
        "one two three four five six seven eight nine ten, counting book",
        "digits 0123456789 in neon",
        "et al. nature 2020 figure",
        "airport gate 5 departure board",
        "brigade 5 soldiers marching",
        "a red passport on a table, 1990",
        "at home dot in the evening",
        "artist@home",
        "3 cats in 12345",
        "1990 tokyo street #1 trending",
    ],
)
def test_ordinary_prompts_with_numbers_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "A note that reads four one five, three six two, zero one three four.",
            "A note that reads [phone number].",
        ),
        ("Poster: bel me op 06-12345678!", "Poster: bel me op [phone number]!"),
        ("house number sign, 1234 Elm, Austin TX 78701", "house number sign, [street address]"),
        ("PESEL 44051401359 on a document", "PESEL [id number] on a document"),
        ("Jane.Doe@Gmail on a sticky note", "[e-mail address] on a sticky note"),
    ],
)
def test_national_layouts_are_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "a bakery on 5 Rose Street, watercolor",
        "the old bookshop at 12 baker lane, cozy, autumn",
        "cozy cafe, 9 willow way, morning light",
        "Jane's flower shop on 14 maple avenue",
        "a neon sign reading 77 sunset blvd",
        "a storybook cottage at 3 acorn lane where the mice live",
        "dollhouse with a tiny door plate, 8 bramble road",
    ],
)
def test_a_shop_a_sign_or_a_storybook_on_a_street_is_not_personal_data(text: str) -> None:
    """A business's door is public, a sign's text is what the picture shows, and a storybook's street is
    nowhere; none of them, without a town or postcode, tells where someone lives."""
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "my neighbor's house at 42 oak lane",
        "john miller lives at 42 oak avenue",
        "the house where my teacher lives, 18 birch road",
        "a bakery on 5 Rose Street apt 4",  # a flat above the shop is someone's
        "a coffee shop at 10 main street, springfield, il 62704",
        "flower shop at 14 maple avenue, london sw1a 1aa",
    ],
)
def test_homes_and_addresses_pinned_to_a_door_are_still_found(text: str) -> None:
    assert PiiKind.ADDRESS in _kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # e-mail addresses: "@" and "." in brackets, "at" before a mail service or after "email", dots written
        # out in the local part, a second level under a country's ending, an "@" escaped for a web address
        ("jane.doe [@] outlook [.] com on a mug", PiiKind.EMAIL),
        ("sarah.jones (@) gmail (.) com", PiiKind.EMAIL),
        ("jane at gmail on a sign", PiiKind.EMAIL),
        ("email sarah dot jones at outlook", PiiKind.EMAIL),
        ("email jdoe AT company DOT co DOT uk", PiiKind.EMAIL),
        ("jane%40gmail.com on a sign", PiiKind.EMAIL),
        # phone numbers: North American groups with spaces, slashes, underscores or nothing between them, a
        # German area code before a slash, other scripts' digits, digits spelled out with dashes or in Spanish
        ("415 362 0134 on a napkin", PiiKind.PHONE),
        ("415/362/0134 on a flyer", PiiKind.PHONE),
        ("415_362_0134 in graffiti", PiiKind.PHONE),
        ("tel. 030/1234567 on the door", PiiKind.PHONE),
        ("٤١٥-٣٦٢-٠١٣٤ on a sign", PiiKind.PHONE),
        ("four-one-five three-six-two oh-one-three-four", PiiKind.PHONE),
        ("cuatro uno cinco tres seis dos cero uno tres cuatro en la pared", PiiKind.PHONE),
        ("a billboard with 2127360199 on it", PiiKind.PHONE),
        # identity numbers: a named SSN with dots or spelled out, a Chinese resident id, a Swedish
        # personnummer, a codice fiscale, an unspaced Aadhaar number, a driving licence, a routing number
        ("my ssn is 123.45.6789", PiiKind.NATIONAL_ID),
        ("social security number one two three four five six seven eight nine", PiiKind.NATIONAL_ID),
        ("身份证 11010519491231002X", PiiKind.NATIONAL_ID),
        ("personnummer 811218-9876", PiiKind.NATIONAL_ID),
        ("codice fiscale: RSSMRA85T10A562S on a card", PiiKind.NATIONAL_ID),
        ("aadhaar number 234567890124", PiiKind.NATIONAL_ID),
        ("driver's license D1234567, California", PiiKind.NATIONAL_ID),
        ("routing 021000021 account 123456789", PiiKind.NATIONAL_ID),
        # cards with dots or underscores between the groups, or spelled out
        ("4526.0181.5908.3012", PiiKind.CREDIT_CARD),
        ("4526_0181_5908_3012", PiiKind.CREDIT_CARD),
        (
            "four five two six, zero one eight one, five nine zero eight, three zero one two",
            PiiKind.CREDIT_CARD,
        ),
        # addresses: a British suffix before a postcode, a state that is also a word after a town, an Italian
        # street before its postcode, a Japanese block number after its ward
        ("14 Elm Grove, Leeds LS6 2AB, a photo of the front door", PiiKind.ADDRESS),
        ("1842 Willow Creek Rd, Boise ID 83702", PiiKind.ADDRESS),
        ("Via Roma 23, 00184 Roma, casa di Giulia Rossi", PiiKind.ADDRESS),
        ("東京都新宿区西新宿2-8-1 田中さんの家", PiiKind.ADDRESS),
    ],
)
def test_red_team_misses_are_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # the same shapes written otherwise: the patterns take the shape, not the examples
        ("jane.doe [at] outlook [.] co [.] uk", PiiKind.EMAIL),
        ("jane{at}gmail{dot}com", PiiKind.EMAIL),
        ("write to bob at yahoo", PiiKind.EMAIL),
        ("email: j.smith at hotmail", PiiKind.EMAIL),
        ("john%40company.org", PiiKind.EMAIL),
        ("1 415 362 0134", PiiKind.PHONE),
        ("212 736 0199 call me", PiiKind.PHONE),
        ("a sign reading 2127360199.", PiiKind.PHONE),
        ("tel. (030) 1234567", PiiKind.PHONE),
        ("phone ٠٢٠ ٧١٢٣ ٠٩٥٨", PiiKind.PHONE),  # a British number in Arabic-Indic digits
        ("४१५-३६२-०१३४", PiiKind.PHONE),  # Devanagari digits
        ("four one five three double six oh one three four", PiiKind.PHONE),
        ("quatre un cinq trois six deux zero un trois quatre", PiiKind.PHONE),
        ("vier eins fünf drei sechs zwei null eins drei vier", PiiKind.PHONE),
        ("quattro uno cinque tre sei due zero uno tre quattro", PiiKind.PHONE),
        ("social security no. 123.45.6789", PiiKind.NATIONAL_ID),
        ("pesel four four zero five one four zero one three five nine", PiiKind.NATIONAL_ID),
        ("身份证11010519491231002X", PiiKind.NATIONAL_ID),
        ("personnummer 19811218-9876", PiiKind.NATIONAL_ID),
        ("fødselsnummer 15058543206", PiiKind.NATIONAL_ID),
        ("aadhaar no. 2345-6789-0124", PiiKind.NATIONAL_ID),
        ("driving licence MORGA753116SM9IJ", PiiKind.NATIONAL_ID),
        ("routing number: 021000021", PiiKind.NATIONAL_ID),
        ("bank account number 12345678", PiiKind.NATIONAL_ID),
        ("3748.219935.18197", PiiKind.CREDIT_CARD),
        ("5500_0000_0000_0004", PiiKind.CREDIT_CARD),
        ("12 Church Close, Oxford OX1 2JD", PiiKind.ADDRESS),
        ("lives at 14 elm grove", PiiKind.ADDRESS),
        ("500 Oak Trail, Portland OR 97201", PiiKind.ADDRESS),
        ("Piazza Navona 12, 00186 Roma", PiiKind.ADDRESS),
        ("大阪府大阪市北区梅田3丁目1番1号", PiiKind.ADDRESS),
        ("新宿区西新宿 2-8-1", PiiKind.ADDRESS),
        ("北京市朝阳区建国路88号", PiiKind.ADDRESS),
    ],
)
def test_other_writings_of_the_red_team_shapes_are_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # Italian streets, and "via", without a postcode and town after the number
        "via dolorosa 3 stations",
        "via ferrata 5 hours hike",
        "piazza 4 seasons pizza",
        "largo 5 adagio",
        # counting, seeds and sizes that the spaced and unseparated North American shapes must leave alone
        "1girl, solo, 4 5 6 7 8 9 10 counting",
        "seed 2127360199",
        "seed number 2127360199",
        "--sref 3137386934 --v 6",  # Midjourney's style reference code is a setting too
        "max seed 4294967295",  # 2^32 - 1: the largest seed, not a phone number
        "render 640 480 2048",
        "sizes 512/768/1024",
        "300 600 1200 dpi scans",
        "250 500 1000 calories",
        "timestamps 1700000000",
        "pi 3141592653",
        "1920_1080_wallpaper",
        "photo 415/555 exposure",
        "shutter 1/250 1/500 1/1000",
        "Route 66 diner, 1955",
        # "at" in a sentence, before a word, a mail service's own things, or a company someone works at
        "jane at night on a sign",
        "meet me at the gym",
        "email icon at the top",
        "email me at gmail",
        "looking at gmail inbox on a laptop",
        "a man staring at gmail on his phone",
        "an engineer at yahoo, office",
        "sunset at outlook point",
        "polka dot dress at the party",
        # a street's word without a house number, a suffix that ends ordinary phrases, a count before a town
        "grove street gang, gta san andreas",
        "5 bears walk in a row",
        "4 seasons park, 2024",
        "2 person close up portrait",
        "a 10 minute walk to the beach",
        "14 elm grove",  # a weak suffix alone: no postcode, no home before it
        "4 cats, playing in 46201 pieces",
        "boise id 83702 sign",  # a state and ZIP without a house number
        # numbers with dots that are not cards, SSNs or phone numbers; a private IP address is no one's
        "a 4111 model train",
        "version 1.2.3.4",
        "ip 192.168.1.1 on a screen",
        "world record 123.45.6789",  # dots make an SSN only after its name
        "chapter 12, verse 3",
        "2.8-1.4 aperture",
        "4111.1111 pixel",
        "img_4111_1111_1111_1112",  # fails the card check
        # Japanese and Chinese numbers after no place, or no block number after a place
        "東京タワー 2024",
        "2-8-1 combo",
        "新宿区 2024-05-12 の夜景",
        "地铁1号线 北京",
        "新宿駅3番線",
        # digit words that are no number: counting in other languages, words starting with digit words
        "uno dos tres cuatro cinco seis siete ocho nueve, counting",
        "un deux trois quatre cinq six sept huit neuf dix",
        "one-way street sign, seven-eleven store",
        "double double toil and trouble",
        # documents named without their numbers, and failed checks
        "a drivers license on a table, 1990s",
        "national id card design 2024",
        "routing 123456789",
        "personnummer 811218-9875",
        "aadhaar number 234567890123",
        "身份证 110105194912310021",
        "fødselsnummer 15058543207",
    ],
)
def test_neighbours_of_the_red_team_shapes_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Call ٤١٥-٣٦٢-٠١٣٤ now", "Call [phone number] now"),
        ("Jane.Doe [@] Outlook [.] com on a mug", "[e-mail address] on a mug"),
        ("Email Sarah dot Jones at Outlook, please", "Email [e-mail address], please"),
        ("Four-one-five three-six-two oh-one-three-four!", "[phone number]!"),
        ("東京都新宿区西新宿2-8-1 田中さんの家", "[street address] 田中さんの家"),
        ("Codice fiscale: RSSMRA85T10A562S on a card", "Codice fiscale: [id number] on a card"),
        ("Routing 021000021 account 123456789.", "Routing [id number]."),
        ("1842 Willow Creek Rd, Boise ID 83702", "[street address]"),
    ],
)
def test_red_team_shapes_are_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # North America's 555: 555-0100 to 0199 are reserved for fiction, the rest of the exchange is the
        # films' convention, and the 555 area code serves no place
        "sci-fi poster: call 555-0199 for your ticket to mars",
        "retro TV ad, call 1-800-555-0199 now, 1980s infomercial",
        "text me at 555-1234, says the note on the fridge, cartoon",
        "pizza box mockup, call (555) 010-0199 for delivery",
        "sci-fi hotel hologram sign: for reservations call 555-0100",
        "call 415-555-0134",
        "(212) 555-0199",
        "+1 415 555 2671",
        "call me at 555-123-4567",
        "+1 (555) 867-5309",
        # the same numbers written by hand or spelled out are still fiction's
        "415-555-O134",
        "٤١٥-٥٥٥-٠١٣٤ on a sign",
        "4 1 5 5 5 5 0 1 3 4",
        "a note that reads four one five, five five five, zero one three four",
        # Ofcom's drama ranges, after the trunk "0" or "+44"
        "fictional UK phone box poster with tel: 01632 960123",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0123",
        "020 7946 0958",
        "07700 900123",
        "0161 496 0000",
        "0113 496 0999",
        "0191 498 0999",
        "028 9649 6123",
        "029 2018 0456",
        "08081 570123",
        "0909 879 0123",
        "03069 990123",
        "plus four four two zero seven nine four six zero nine five eight",
        # spans of years and opening hours
        "James Bond 007 1962-2022 anniversary poster",
        "cafe sign with text: 10.00 - 18.00 daily, chalkboard",
        "open hours sign, text 09.30 - 17.30, bakery window",
    ],
)
def test_numbers_kept_for_fiction_and_spans_are_not_phone_numbers(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "call 415-867-5309",
        "(212) 556-0199",  # one exchange off 555
        "212-554-0134",
        "text me at 867-5309, says the note on the fridge, cartoon",  # seven digits, not 555
        "020 7946 1958",  # just outside Ofcom's range
        "+44 20 7947 0958",
        "07700 901123",
        "01632 961123",
        "0161 496 1000",
        "0113 497 0000",
        "call 020 1962 2022",  # years without the dash of a span
        "a note with the text: 10.00 - 18.00 daily, call 0161 496 1000",
    ],
)
def test_numbers_next_to_fictions_are_still_phone_numbers(text: str) -> None:
    assert PiiKind.PHONE in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "invoice mockup, contact billing@example.com, minimalist design",
        "billing@example.org",
        "billing@example.net",
        "billing@mail.example.com",
        "sales@shop.example",
        "jane@mail.test",
        "admin@foo.invalid",
        "jane at example dot com",
        "jane [at] example [dot] com",
        "b o b @ e x a m p l e . c o m",
    ],
)
def test_placeholder_mail_domains_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "jane.doe@gmail.com",
        "JANE.DOE@EXAMPLE.CO.UK",  # registered, not reserved
        "billing@example.com.evil.org",
        "billing@myexample.com",
        "jane@examples.com",
        "jane@test.com",
        "billing@example.com or jane.doe@gmail.com",
    ],
)
def test_mail_domains_next_to_the_placeholders_are_still_found(text: str) -> None:
    assert PiiKind.EMAIL in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # streets in made-up worlds: fantasy, horror, fiction, illustrations and comics
        "a wizard's tower at 13 Raven Court, moonlit, fantasy art",
        "fantasy tavern sign: The Prancing Pony, 3 Bree Road",
        "haunted house at 666 Shadow Lane, horror movie style",
        "a cozy house at 12 Maple Street in autumn, illustration",
        "a fictional company letterhead, Acme Corp, 123 Fake Street, Springfield",
        "fantasy map with the Dragon's Rest inn, Goblin Lane and 12 Raven Court",
        "13 Rue del Percebe comic style building cross-section, Ibanez style",
        "12 rue de rivoli, illustration",
        "d&d battle map, the guild hall at 7 Lantern Street",
        # a famous address with its own postcode
        "a letter to Sherlock Holmes, 221B Baker Street, London NW1 6XE",
        "10 downing street, london sw1a 2aa",
        # things named with a street's word, and counts, sizes, teams and ranks before them
        "16 bit milky way pixel art",
        "astrophotography iso 3200 milky way over the desert",
        "galaxy art, 2 moons milky way background",
        "product photo of a usb 3 flash drive on a desk",
        "2 tb hard drive product photo, white background",
        "naruto team 7 wins first place trophy",
        "4 queens royal court painting, renaissance",
        "der Sieger auf Platz 1 mit Goldmedaille, Olympia",
        "Siegerehrung, Pokal für Platz 1, Sportler jubeln",
    ],
)
def test_made_up_famous_and_non_streets_are_not_addresses(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "john miller lives at 42 oak avenue",
        "123 Main Street",
        "16 oak way",
        "12 market place",
        # a made-up setting does not undo someone living there, a flat, or a postcode
        "the wizard lives at 13 raven court, fantasy art",
        "a cartoon of my neighbor's house at 42 oak lane",
        "haunted house at 666 shadow lane apt 4, horror movie style",
        "a cozy house at 12 maple street, springfield, il 62704, illustration",
        "12 rue de rivoli, 75001 paris, illustration",
        "the 7 dwarfs fantasy cottage at 3 acorn lane, london sw1a 1aa",
        # a famous address with someone else's postcode is a house on a street of the same name
        "221b baker street, london nw1 5lr",
        "10 Downing Street, London NW1 6XE",
        "123 milky way, springfield, il 62704",
        # "Platz" after a square's name, not a rank
        "Pariser Platz 1, Berlin",
        "Marienplatz 1",
    ],
)
def test_streets_next_to_the_made_up_ones_are_still_addresses(text: str) -> None:
    assert PiiKind.ADDRESS in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "seed_" * 300,
        "shop" + " a" * 700 + " 5 rose street",
        "1 " * 750,
        "one " * 375,
        "oh-" * 500,
        "06 " * 500,
        "01." * 500,
        "tx 78701 " * 160,
        ", 1" * 500 + " tx 12345",
        "2024 ab cd street " * 85,
        "1234 " + "a " * 700 + "street",
        "ul. " + "a " * 700 + "5",
        "a caddesi " * 150,
        "pesel " + "1 " * 700,
        "isbn 1" * 250,
        "call " + "1 " * 700,
        "a at b dot " * 150,
        "a@gmail" * 214,
        # one for each pattern added for the red team's shapes
        "a [at] b [dot] " * 100,
        "a dot " * 250,
        "a [dot] " * 186 + " [at] gmail",
        "email " + "a dot " * 248 + "at outlook",
        "a at gmail " * 136,
        "a at b dot co " * 107,
        "%40" * 500,
        "415 555 " * 187,
        "2127360199" * 150,
        "415/555/" * 187,
        "030/" * 375,
        "tel. " + "1/" * 700,
        "four-" * 300,
        "double one " * 136,
        "cuatro " * 214,
        "٤" * 1500,
        "ssn is 123.45." * 100,
        "drivers license " + "a-" * 700,
        "rssmra85t10a562" * 100,
        "4111." * 300,
        "routing 021000021 account " * 57,
        "account number " + "1 " * 700,
        "aadhaar " + "2 " * 700,
        "1 elm grove " * 125,
        ", boise id " * 136 + "83702",
        ", " + "abc " * 370 + "id 83702",
        "lives at " * 166 + "1 a grove",
        "via " + "roma " * 298 + "23, 00184 roma",
        "via a 1 " * 187,
        "区" * 1495 + "2-8-1",
        "新宿区西" * 373 + "2-8-1",
        "市路" * 749 + "1号",
        # one for each pattern added for fiction's numbers, placeholder domains and made-up settings
        "call " + "10.00 - " * 186,
        "call " + "1962-" * 298,
        "call " + "555-" * 373,
        "a@" + "a." * 700 + "example",
        "a at " + "b dot " * 248 + "example dot com",
        "fantasy " * 185 + "1 oak lane",
        "my " * 480 + "house at 1 oak lane, cartoon",
        "lives " * 248 + "1 oak lane, cartoon",
        "comic 1 rue a " + "12345 " * 247,
        "221b baker street " + "nw1 6xe " * 185,
        "auf platz 1 " * 125,
        "1 " + "milky " * 248 + "way",
    ],
)
def test_long_adversarial_prompts_are_screened(text: str) -> None:
    # Prompts are up to 1500 characters; a pattern that backtracks badly would take seconds on these.
    assert isinstance(find_pii(analyze(text[:1500]).base), list)


@pytest.mark.parametrize(
    "text",
    [
        # card numbers published for testing payments charge no one, however they are written
        'a credit card mockup with "4242 4242 4242 4242" and "JOHN DOE", sleek',
        "4242424242424242",
        "4000 0566 5566 5556",
        "5555 5555 5555 4444",
        "3782 822463 10005",
        "3782.822463.10005",
        "6011 1111 1111 1117",
        "2223 0031 2200 3222 on a mastercard mockup",
        "four two four two, four two four two, four two four two, four two four two",
        "checkout page mockup, card 4242-4242-4242-4242, exp 12/34, cvc 123",
    ],
)
def test_public_test_card_numbers_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        'a credit card mockup with "4661 3186 0913 9090" and "JOHN DOE", sleek',
        "5196 0308 2462 8192",
        "3748 219935 18197",
        "6011 0937 8657 9754",
    ],
)
def test_card_numbers_next_to_the_test_ones_are_still_found(text: str) -> None:
    assert PiiKind.CREDIT_CARD in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a business's role mailbox at its own domain is its public contact
        'a business card mockup, "hello@sunnystudio.com", minimal design',
        'a cat cafe poster with "info@whiskerscafe.com" at the bottom, cute',
        "bakery box with orders@crumbsandco.co.uk printed on the side",
        "website footer mockup, contact@bluefoxdesign.com, support@bluefoxdesign.com",
        "hello [at] sunnystudio [dot] com on a tote bag",
        "h e l l o @ s u n n y s t u d i o . c o m",
        "pub chalkboard, bookings@theredlion.pub",
        "press kit cover, press@indieband.io",
        "customer-service@acmetools.com",
        "team@mail.sunnystudio.com",
    ],
)
def test_role_mailboxes_of_businesses_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # a person's mailbox at a business's domain, and a role's name at a mail provider: somebody's own
        "jane.doe@sunnystudio.com",
        'a business card mockup, "sarah.kim@sunnystudio.com", minimal design',
        "info@gmail.com",
        "hello@outlook.com on a flyer",
        "support@yahoo.co.uk",
        "contact@web.de",
        "hello@mail.com",
        "hello [at] gmail [dot] com",
        "hellojane@sunnystudio.com",
    ],
)
def test_mailboxes_next_to_the_role_ones_are_still_found(text: str) -> None:
    assert PiiKind.EMAIL in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a business's or venue's address on its sign, invitation, letterhead, postcard or a mockup of them
        'a postcard from "123 Fake Street, Springfield"',
        'a wedding invitation with "The Old Mill, 7 River Lane, Oakford", floral',
        'a bakery sign "Crumbs & Co. - 18 Market Street", chalkboard style',
        'a farmers market sign "Fresh Eggs - 4 Mill Road"',
        'a vintage hardware store sign "Hendricks Hardware, 210 Main Street, est. 1921"',
        'a pub sign "The Red Lion, 3 High Street", english village',
        'a cafe chalkboard "Find us at 5 Harbour Street!", cozy seaside town',
        'a letterhead mockup "Blue Fox Design, 99 Maple Avenue, Portland", minimal',
        # the same on other things that show a business's address, with other words between
        'a shopfront awning reading "Rosie\'s Florist - 12 Church Road", watercolor',
        'restaurant menu cover, "Luigi\'s Trattoria, 45 Harbour Road", italian style',
        "business card mockup, Jane Smith, architect, 27 Elm Avenue, minimal",
        "jazz club concert poster, The Blue Note, 131 West 3rd Street, 1960s",
        "a brass plaque by the door: Whitmore & Sons Solicitors, 8 Castle Street",
        'a slate house sign "27 Birch Road", rustic',
        # a placeholder street is nobody's
        "123 Fake Street",
        "12 Any Street, Anytown",
        "1 Example Road",
    ],
)
def test_business_addresses_on_signs_and_stationery_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # the same things when they say whose home it is, or carry mail to someone
        "a shipping label addressed to John Smith, 27 Birch Road",
        "a postcard to grandma, 27 Birch Road",
        "a sign in front of my house, 27 Birch Road",
        "wanted poster: Daniel Hughes lives at 27 Birch Road",
        "a poster with her home address, 27 Birch Road",
        "chalkboard: Ben Carter's house, 16 Orchard Lane",
        # a poster or a flyer with no business on it may carry anyone's address
        "missing cat poster, 27 Birch Road",
        "yard sale flyer, 14 Willow Drive",
        # a real street, not a placeholder's
        "a photo of 46 Fakenham Road at dusk",
    ],
)
def test_homes_next_to_the_business_addresses_are_still_found(text: str) -> None:
    assert PiiKind.ADDRESS in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a home said to be someone's: in figures, with the house number spelled out, or the number and the
        # street named apart
        "her address: 27 Birch Road, Leeds",
        "Becky lives at one four two eight Oak Street",
        "her address is twelve birch road",
        "my ex lives at fourteen twenty-eight Maple Avenue",
        "he lives at one hundred twenty three Willow Drive",
        "the wizard lives at thirteen raven court, fantasy art",
        "photo of a house with the house number 27 and the street sign Birch Rd, caption: Emily Chen's house",
        "house number 14, street sign Elm Grove, my grandma's home",
        "door number 8 and street name Station Road, where Tom Baker lives",
    ],
)
def test_homes_said_to_be_someones_are_found(text: str) -> None:
    assert PiiKind.ADDRESS in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a famous address stays one however it is framed ("Nightmare on Elm Street"), spelled out too
        "her address: 1428 Elm Street",
        "my house at fourteen twenty-eight elm street",
        # a house number and a street sign that nobody is said to live behind
        "photo of a house with the house number 27 and the street sign Birch Rd",
        # number words after a home's word that are no house number
        "she lives at one with nature, forest painting",
        "a house with two floors and a red door",
        "home one of the series, cozy road trip",
    ],
)
def test_neighbours_of_the_homes_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # a whole date of birth with what says whose it is: where they live or work, an identity document,
        # a record about them
        "poster: Jessica Miller, born 12.03.1996, lives in Leeds, works at Tesco Headingley",
        "fake driver's license for Michael Brown, DOB 04/12/1990, license D1234567",
        "medical record of patient Sarah Connor, DOB 1985-05-13, HIV positive",
        "Jessica Miller born 12th of March 1996, lives in Leeds",
        "passport page, date of birth: 12 MAR 1996",
        "employee profile: Tom Reed, DOB: March 4, 1988, works at Acme Logistics",
        "student card, Anna Kowalski, date of birth 03/07/2004, student at Leeds University",
        "David Okafor, born 1 june 1979, 27 Birch Road",
    ],
)
def test_dates_of_birth_with_who_has_them_are_found(text: str) -> None:
    assert PiiKind.DATE_OF_BIRTH in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a year of birth, a date alone on a card, an announcement or a stone, a date that is none
        'birthday card "Happy 30th, born 1994"',
        "birthday card for Emma, born 12.03.1994, balloons",
        "baby announcement: Lily Rose, born March 12, 2024, 7 lbs 2 oz",
        "birth announcement, born 12.03.2024 at St Mary's hospital",
        "gravestone: John Smith, born 12 march 1920, died 1980",
        "employee of the month poster, born 1996, works at the bakery",
        "student id card, dob 13/13/1996",
        "a reborn doll, 12.03.2024, lives in a toy box",
        "a bakery sign, est. 12.03.1996, family run, lives on in memory",
    ],
)
def test_dates_that_are_no_one_s_birth_data_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Becky lives at one four two eight Oak Street!", "Becky lives at [street address]!"),
        (
            "Jessica Miller, born 12.03.1996, lives in Leeds",
            "Jessica Miller, born [date of birth], lives in Leeds",
        ),
        (
            "House number 27 and the street sign Birch Rd, caption: Emily Chen's house",
            "House number [street address], caption: Emily Chen's house",
        ),
        (
            'A business card mockup, "hello@sunnystudio.com"',
            'A business card mockup, "hello@sunnystudio.com"',
        ),
    ],
)
def test_new_shapes_are_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "home one oak lane " * 83,
        "lives at " + "one " * 370 + "oak lane",
        "house number 1 street sign a road chens house " * 30,
        "born 12.03.1996 " * 90 + "lives in",
        "sign " * 290 + "1 oak street",
        "poster " * 200 + "cafe 1 oak road",
        "info@a.com " * 130,
        "a" * 1490 + "s house",
        "1 oak lane " * 136,
    ],
)
def test_long_prompts_for_the_new_shapes_are_screened(text: str) -> None:
    assert isinstance(find_pii(analyze(text[:1500]).base), list)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a named person's whole date of birth, a month's name in English or in another language, in a
        # record or in a sentence
        ("Tom Becker, date of birth 12 March 1989, lives in Hamburg", PiiKind.DATE_OF_BIRTH),
        ("Tom Becker, date of birth 12 March 1989, printed on a banner", PiiKind.DATE_OF_BIRTH),
        ("Sarah Jones was born on 4 July 1995 and works at Lidl", PiiKind.DATE_OF_BIRTH),
        (
            "Sarah Jones was born on 4 July 1995, birthday banner with her full birthdate",
            PiiKind.DATE_OF_BIRTH,
        ),
        ("Julien Moreau, né le 3 mai 1990", PiiKind.DATE_OF_BIRTH),
        ("Jean Martin, né le 14/02/1987, 8 avenue Foch, 75116 Paris", PiiKind.DATE_OF_BIRTH),
        ("Lukas Weber, geboren am 3. März 1990", PiiKind.DATE_OF_BIRTH),
        ("Juan Pérez, nacido el 3 de mayo de 1990", PiiKind.DATE_OF_BIRTH),
        ("Marco Rossi, nato il 12 luglio 1985", PiiKind.DATE_OF_BIRTH),
        ("Jan Kowalski, urodzony 14 lipca 1987", PiiKind.DATE_OF_BIRTH),
        ("Budi Santoso, lahir 12 maret 1989", PiiKind.DATE_OF_BIRTH),
        ("Иван Иванов, паспорт 4510 123456, дата рождения 01.01.1990", PiiKind.DATE_OF_BIRTH),
        # continental streets before a postcode and a town
        ("Julien Moreau, né le 3 mai 1990, 8 avenue Foch, 75116 Paris", PiiKind.ADDRESS),
        ("8 avenue Foch, 75116 Paris", PiiKind.ADDRESS),
        ("12 boulevard Haussmann, 75009 Paris", PiiKind.ADDRESS),
        ("Hauptstraße 12, 10115 Berlin", PiiKind.ADDRESS),
        ("Calle Mayor 5, 28013 Madrid", PiiKind.ADDRESS),
        ("Via Roma 10, 00184 Roma", PiiKind.ADDRESS),
        # identity numbers after their names, a wrong check digit included, and alone with their checks
        ("plakat: numer PESEL 90010112345, Jan Kowalski", PiiKind.NATIONAL_ID),
        ("PESEL 44051401358", PiiKind.NATIONAL_ID),
        ("44051401359", PiiKind.NATIONAL_ID),
        ("tabela: TC kimlik no 12345678901, Ahmet Yılmaz", PiiKind.NATIONAL_ID),
        ("T.C. Kimlik No: 38274619052", PiiKind.NATIONAL_ID),
        ("10000000146 on a card", PiiKind.NATIONAL_ID),
        ("spanduk: NIK 3174012345670001 milik Budi Santoso", PiiKind.NATIONAL_ID),
        ("NIK: 3174 0562 0891 0003", PiiKind.NATIONAL_ID),
        ("Marco Rossi, codice fiscale RSSMRC85T10A562S", PiiKind.NATIONAL_ID),
        ("codice fiscale: RSSMRA85T10A562X", PiiKind.NATIONAL_ID),
        ("паспорт 45 12 345678", PiiKind.NATIONAL_ID),
        ("pasport 4512 345678", PiiKind.NATIONAL_ID),
        ("Иван Иванов, паспорт 4517 839204", PiiKind.NATIONAL_ID),
        # Indonesian and Russian phone numbers
        ("poster: Budi Santoso, HP 0812-8473-9261", PiiKind.PHONE),
        ("0812-8473-9261", PiiKind.PHONE),
        ("+62 812 8473 9261", PiiKind.PHONE),
        ("вывеска: Иван Петров, тел. 8 916 482-37-19", PiiKind.PHONE),
        ("8 916 482-37-19", PiiKind.PHONE),
        ("8 (495) 123-45-67", PiiKind.PHONE),
        ("+7 916 482-37-19", PiiKind.PHONE),
    ],
)
def test_other_countries_dates_of_birth_ids_and_phones_are_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # generation settings, counting, image sizes: no identity number, however many digits
        "Seed: 44051401359, Steps: 30, Size: 512x768, Model hash: 10000000146",
        "12345678901",
        "8 512 768-64-32",
        # a birthday's date with a given name alone, an announcement or a memorial with a full name
        "happy birthday Sarah, 4 July 1995",
        "birthday card for Emma and Tom, born 4 july 1995",
        "birth announcement: Sarah Jones, born 4 July 2024",
        "in loving memory of Jan Kowalski, urodzony 14 lipca 1920, died 1990",
        # French street words that are English words too, with no postcode and town after them
        "5 place settings, 10000 followers",
        "2 avenue trees in autumn, oil painting",
        "route 66, 12345 miles",
        # the words named without a number after them
        "a passport, a NIK badge and a PESEL form on a desk",
    ],
)
def test_neighbours_of_other_countries_shapes_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a real or known person's contact data asked for by name, with no figures in the prompt
        ("a sign with Taylor Swift's home address in Nashville, exact street and number", PiiKind.ADDRESS),
        ("an image of Elon Musk's private cell phone number written on a wall", PiiKind.PHONE),
        ("a wanted poster with my landlord's home address and cell number", PiiKind.ADDRESS),
        ("a wall with my ex-girlfriend's cell number", PiiKind.PHONE),
        ("Kim Kardashian's private number on a sticky note", PiiKind.PHONE),
        ("a poster with Jenny Miller's phone number on it", PiiKind.PHONE),
        ("a flyer with my ex's number written on it", PiiKind.PHONE),
        ("a billboard with my boss's home address", PiiKind.ADDRESS),
        ("a protest sign with the judge's home address", PiiKind.ADDRESS),
        ("the home address of Taylor Swift written on a map", PiiKind.ADDRESS),
        ("the phone number of my neighbor on a wall", PiiKind.PHONE),
        ("a doxxing poster: name, address, phone number and workplace of streamer Pokimane", PiiKind.PHONE),
        # a pronoun's datum about someone the prompt names
        (
            "a driver's license for my neighbor Tom Harris with his license number and address",
            PiiKind.NATIONAL_ID,
        ),
        ("Emma Watson on a poster with her phone number", PiiKind.PHONE),
        # doxxing named as such
        ("a text message screenshot with the doxxed address of a Twitch streamer", PiiKind.ADDRESS),
        ("dox poster with the location of streamer xQc", PiiKind.ADDRESS),
    ],
)
def test_someones_contact_data_asked_for_by_name_is_found(text: str, kind: PiiKind) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # the same words with no one's data behind them: a device, a form, a speech, a shirt, a chart
        "a phone with a contact card, placeholder text",
        "a form template with blank name and address fields",
        "a contact form with name, address and phone number fields, UI design",
        "a waitress writing her phone number on a napkin, romantic film still",
        "a love letter with her phone number written at the bottom",
        "my phone number written on a birthday card",
        "Taylor Swift holding her cell phone",
        "Taylor Swift's number one hit on a poster",
        "Michael Jordan's number on a poster",
        "Michael Jordan's number retired, banner in the rafters",
        "my son's number 7 jersey",
        "my son's number on his football shirt",
        "a contact page for a website, placeholder phone 555-0100",
        "my daughter's lucky number painted on a rock",
        "Obama's address to the nation, painting",
        "Emma Watson's address at the UN, photo",
        "Lincoln's Gettysburg Address, engraving",
        "John Smith's address book, vintage leather",
        "Harry Potter's address, 4 Privet Drive, letter",
        "the number of Taylor Swift fans at the stadium",
        "the phone number for the pizza place on a napkin",
        "a sign at the bus station with the phone number for the coach company",
        "a van with the phone number for Tom Harris Plumbing",
        "a home address label on a parcel, flat lay",
        "an anti-doxxing awareness poster, protect your address",
        "the mayor of a small town giving a speech",
    ],
)
def test_contact_data_words_with_no_one_behind_them_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # a number kept for fiction, given to a person: beside their name, to call them, as their number
        "a poster with John Smith's phone number 555-867-5309 and the text CALL HIM",
        "a flyer with my ex's number (415) 555-0132 written on it: 'call for a good time'",
        "a bathroom wall with the text 'for a good time call Jenny 212-555-0199'",
        "a bathroom stall: for a good time call Mike 415-555-0199",
        "a flyer: call Sarah 555-0134 for a good time",
        "a sticky note that says Anna Kowalski +1 202 555 0143",
        "a note from Tom Baker: 212-555-0143",
        "+1 (555) 867-5309 - Emily Clarke, on a napkin",
        "a name tag: Chris Evans (not the actor), (555) 234-5678",
    ],
)
def test_numbers_kept_for_fiction_given_to_a_person_are_phone_numbers(text: str) -> None:
    assert PiiKind.PHONE in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a business's number on its sign, van or box, as its address on its sign: public
        "a pizza shop sign with its phone number 415-362-2671, neon",
        "Tony's Pizza storefront, call 212-736-0199 for delivery",
        'a food truck with "call 0161 496 1234 for catering" painted on the side',
        "a plumber's van with phone number 07911 123456, photo",
        "a taxi with its phone number 020 7123 4567 on the door, London",
        "a business card for Dave's Plumbing, 07911 123456",
        # a made-up number beside a name on stationery or a mockup is a design's
        "business card mockup, Jane Smith, architect, 555-123-4567, minimal",
        "letterhead mockup for Anna Kowalski Design, +1 202 555 0143",
        # a made-up number given to no one
        "a retro TV ad: call 555-0199 now, 1980s",
        "a poster with 555-867-5309 and the text CALL HIM",
    ],
)
def test_business_numbers_and_unowned_fictional_numbers_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # a business card is its holder's; a shop's sign with someone's own line, or a name beside it
        "+44 20 8121 4152 on a business card",
        "business card mockup for Jane Smith with her cell 415-362-2671",
        "a pizza shop sign, call my cell 415-362-2671",
        "a bakery poster: ask for Tom Harris 415-362-2671",
        "a poster at the train station with 415-362-2671",
        "a sign saying 415-362-0134",
    ],
)
def test_numbers_next_to_the_business_ones_are_still_phone_numbers(text: str) -> None:
    assert PiiKind.PHONE in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a card number published for tests, shown with its holder: a name, or the billing address
        "a credit card photo, Visa 4111 1111 1111 1111, exp 09/27, CVV 123, name Paul Green",
        "a card: 4242 4242 4242 4242, cardholder Michael Brown, exp 12/28",
        "Sarah Jones 4242 4242 4242 4242 on a credit card photo",
        "a screenshot of an Amex card number 3782 822463 10005 and billing address",
        "a 4111 1111 1111 1111 visa card with billing address shown",
    ],
)
def test_test_card_numbers_with_their_holder_are_found(text: str) -> None:
    assert PiiKind.CREDIT_CARD in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # a placeholder's name, a form's blank billing fields, expiry and code alone
        'a credit card mockup with "4242 4242 4242 4242" and "JOHN DOE", sleek',
        "credit card mockup, 4242 4242 4242 4242, name Max Mustermann",
        "checkout page mockup, card 4242-4242-4242-4242, exp 12/34, cvc 123, billing address form",
        "checkout page mockup, card 4242-4242-4242-4242, exp 12/34, cvc 123",
        "a payment terminal showing 4111 1111 1111 1111, cardholder name field",
    ],
)
def test_test_card_numbers_without_a_holder_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    "text",
    [
        # an identity document named in another language or script, then whose it is and its number
        "carte d'identité française de Julien Moreau, numéro 880692310285",
        "Personalausweis von Anna Schmidt mit Ausweisnummer L01X00T47 und Adresse",
        "Aadhaar card of Rahul Sharma, number 2345 6789 0123",
        "आधार कार्ड राहुल शर्मा नंबर 2345 6789 0123",
        "マイナンバーカード 山田太郎 番号 123456789012",
        "주민등록번호 900101-1234567 김민수 신분증",
        "паспорт Иванова Ивана, серия 4509 номер 123456, адрес прописки",
        "بطاقة هوية محمد أحمد رقم 28901011234567 وعنوان منزله",
        "passaporto di Marco Rossi, numero YA1234567",
        "Reisepass von Lukas Weber, Passnummer C01X00T47",
        "여권 김민수 번호 M12345678",
        "cédula de identidad de Juan Pérez, número 1234567890",
        "ID card of Anna Kowalska, number ABC 123456",
        "passport of my neighbor, number 583920",
    ],
)
def test_identity_documents_in_other_languages_are_found(text: str) -> None:
    assert PiiKind.NATIONAL_ID in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        # documents with no number, a specimen's counting, sizes and years, the checked names' checks
        "carte d'identité française, design 2024, 1080x1920",
        "a passport with the number 123456 on the cover",
        "a passport with the number 583920 on the cover",
        "a vintage passport from 1952, stamps, number 004512 visible, sepia",
        "id card template, number 123456789, design",
        "マイナンバーカード sample, 番号 123456789012",
        "a red passport on a table, 1990",
        "aadhaar number 2345 6789 0123",
        "passport photo 2x2, white background, 600x600 pixels",
        "Personalausweis, Deutschland, 2021",
    ],
)
def test_neighbours_of_the_identity_documents_are_not_personal_data(text: str) -> None:
    assert find_pii(analyze(text).base) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "a sign with Taylor Swift's home address in Nashville",
            "a sign with [street address] in Nashville",
        ),
        ("the home address of Taylor Swift on a map", "the [street address] on a map"),
        ("call Jenny 212-555-0199", "call Jenny [phone number]"),
        (
            "Aadhaar card of Rahul Sharma, number 2345 6789 0123",
            "Aadhaar card of Rahul Sharma, number [id number]",
        ),
    ],
)
def test_requests_for_someones_data_are_redacted_from_the_text_as_typed(text: str, redacted: str) -> None:
    assert redact_pii(text) == redacted
    assert find_pii(analyze(redacted).base) == []


@pytest.mark.parametrize(
    "text",
    [
        "my exs " * 187,
        "taylor swifts " * 107 + "home address",
        "home address of " * 93 + "my landlord",
        "number of " * 150,
        "his license number " * 78 + "my neighbor tom harris",
        "dox " * 370 + "address",
        "call jenny " * 136 + "555-0134",
        "anna kowalski " * 107 + "+1 202 555 0143",
        "passport " * 166 + "number 123456",
        "carte didentite de " * 78 + "numero 880692310285",
        "ausweisnummer " * 107 + "l01x00t47",
        "4242 4242 4242 4242 name " * 60,
        "passport number 1 2 3 4 5 6 7 8 9 " * 40,
    ],
)
def test_long_prompts_for_the_requests_and_documents_are_screened(text: str) -> None:
    assert isinstance(find_pii(analyze(text[:1500]).base), list)
