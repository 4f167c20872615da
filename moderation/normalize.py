"""Prompt normalisation: undo the tricks people use to slip words past a filter.

`normalize` gives one canonical string. Screening uses `analyze`, which keeps several views of the same
text, because one view cannot serve every rule: "1" is an "i" in "k1d" and an "l" in "sk1ll", and a
leet-folded view would turn "4k" into "ak". So plain tokens are kept as typed, folded tokens are added
only where the result is all letters, and rules match against the union of views.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

# Emoji that stand for children, mapped to a word so that the minor rules see them.
_CHILD_EMOJI = "👶🧒👧👦🍼🚸🚼👼🧸🎒🏫👪"
_EXPLICIT_EMOJI = {"🔞": " nsfw ", "👙": " bikini ", "🩲": " underwear "}

# Letters from other scripts that look like Latin ones, and small capitals that NFKC leaves alone:
# each pair maps the first string's letters, one by one, to the second's.
_HOMOGLYPH_PAIRS = (
    ("авеёкмнорстухѕіїјԁԛԝһӏьɡпиг", "abeekmhopctyxsiijdqwhlbgnur"),  # Cyrillic
    ("αβγεηικμνορτυχωςσδ", "abyenikuvoptuxwsod"),  # Greek
    ("ոսօցհ", "nuogh"),  # Armenian
    (
        "ıłøđħŧðɑɩʀƅɓɗƙɲʋɦǀɖɠƈƒɱɳʂʈƴʐɭɽƭ",
        "ilodhtdairbbdknuhldgcfmnstyzlrt",
    ),  # Latin letters without a decomposition
    ("ϳ", "j"),  # Greek yot
    ("ⲁⲃⲅⲇⲉⲏⲓⲕⲙⲛⲟⲣⲥⲧⲩⲭⲱ", "abrdehikmnopctyxw"),  # Coptic
    # Cherokee (capitals: casefolding turns its small letters into them), Lisu and Canadian syllabics:
    # whole alphabets of Latin look-alikes that "fancy text" generators use.
    ("ᎠᎡᎢᎩᎪᎫᎬᎳᎷᎻᏀᏂᏃᏏᏔᏕᏚᏟᏢᏦᏞᏙᏴ", "drtyajewmhghzbwsscpklvb"),
    ("ꓐꓑꓓꓔꓖꓗꓙꓚꓜꓝꓟꓠꓡꓢꓣꓦꓧꓪꓫꓬꓮꓰꓲꓳꓴ", "bpdtgkjczfmnlsrvhwxyaeiou"),
    ("ᑕᕼᒪᗪᗩᑭᗷᑎᑌᐯᗯᔕᒍᖇᗰᕮᖴ", "chldapbnuvwsjrmef"),
    ("ᥱ", "e"),  # Tai Le tone letter, an "e" look-alike
    ("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqstuvwyz"),  # small capitals
)


def _letter_blocks() -> dict[int, str]:
    # Squared and negative circled letters have no NFKC folding. Regional indicators (🇳🇺🇩🇪) get
    # spaces around them, as pairs of them would otherwise render as flags; the run joiner rejoins them.
    table: dict[int, str] = {}
    for offset in range(26):
        letter = chr(ord("a") + offset)
        table[0x1F1E6 + offset] = f" {letter} "
        for start in (0x1F130, 0x1F150, 0x1F170):
            table[start + offset] = letter
    return table


_TRANSLATE: dict[int, str] = {
    **{ord(c): " child " for c in _CHILD_EMOJI},
    **{ord(k): v for k, v in _EXPLICIT_EMOJI.items()},
    **_letter_blocks(),
    # Apostrophes are dropped so that "cat's" is one token and "s" never stands alone.
    **{ord(c): "" for c in "'’ʼ`´"},
    # Dashes that NFKC keeps (hyphen, non-breaking hyphen, figure, en and em dashes, bar, minus) read as
    # "-": word processors put them in phone numbers ("415–555–0134"), and they split words ("nu–de").
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
}
# The lunate sigma looks like a "c", but NFKC turns it into "σ", which looks like an "o": fold it first.
_BEFORE_NFKC: dict[int, str] = {ord("ϲ"): "c", ord("Ϲ"): "c"}
_HOMOGLYPH_TABLE: dict[int, str] = {
    **{ord(k): v for scripts, latin in _HOMOGLYPH_PAIRS for k, v in zip(scripts, latin, strict=True)},
    ord("æ"): "ae",
    ord("œ"): "oe",
}
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Sk"})
# Blank letters and symbols: invisible, but not format characters, so they would split a word in two.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Stable Diffusion weighting and prompt-editing syntax: "(word:1.3)", "[word]", "<lora:name:0.8>".
# A weight is "1", "1.3", "1." or ".3", matched possessively: "\d*\.?\d+" would try every split of a long
# run of digits and take quadratic time on "(a:111…1" without a closing bracket.
_NUMBER = r"[+-]?(?:\d++(?:\.\d*+)?|\.\d++)"
_WEIGHTED = re.compile(rf"\(([^():]*):\s*({_NUMBER})\s*\)")
_LORA = re.compile(r"<\s*(?:lora|lyco|hypernet)\s*:\s*([^:>]*)(?::[^>]*)?>")
_BARE_WEIGHT = re.compile(rf":\s*{_NUMBER}\s*(?=[)\]>])")
# Emphasis past 2 ruins the image, so nobody writes "(girl:12)" for weight: a larger "weight" is read as
# text, where it may be an age ("(age: 12)", "(nude girl:14)").
_MAX_EMPHASIS = 2.0

# A token: letters, digits and the characters leetspeak uses; "!", "|" and "+" count only inside a word.
_TOKEN = re.compile(r"[a-z0-9@$€£]+(?:[!|+]+[a-z0-9@$€£]+)*")
# The same characters as separators: "c|h|i|l|d", "s+e+x" and the alternation "[child|adult]".
_SPLIT_TOKEN = re.compile(r"[a-z0-9@$€£]+")
_INTRA_WORD = re.compile(r"(?<=[a-z0-9@$])[.\-_*·~^]+(?=[a-z0-9@$])")
_LEET = str.maketrans("03456789@$€£!|+", "oeasgtbgaselilt")
_HAS_LETTER = re.compile(r"[a-z]")
# "4k", "1990s", "35mm", "3rd", "12yo": a number with a unit is never leetspeak.
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|s|k|p|px|mm|cm|m|km|fps|x|d|bit|hz|khz|gb|mb|mp|yo|y|yr|yrs|kg|lb|lbs|ft|in|am|pm|b|v|w|h|min|ms|sec)?"
)
# Anchored at a word's start, so that a long word without stars is not rescanned from every letter.
_MASKED = re.compile(r"(?<![a-z0-9@$*])[a-z0-9@$]++(?:\*+[a-z0-9@$]+)+")
# Chinese, Japanese and Korean: written without spaces between words (or with particles glued on), so
# their words are matched as substrings.
UNSPACED_SCRIPT = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"
)
_REPEATS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")
_RUN_MIN = 3


@dataclass(frozen=True, slots=True)
class TextViews:
    """Several normalised views of one text; rules match against any of them."""

    base: str
    """NFKC, casefolded, marks and zero-width characters removed, homoglyphs folded, weights stripped."""
    canonical: str
    """The joined, leet-folded view ("1" read as "i") as one string: what `normalize` returns."""
    sequences: tuple[tuple[str, ...], ...]
    """Token sequences: as typed, and leet-folded with spaced or dotted letters joined."""
    tokens: frozenset[str]
    """Every candidate single token: the sequences' tokens plus plural, repeat and leet variants."""
    runs: tuple[str, ...]
    """Runs of single letters joined ("n u d e" → "nude"); matched by substring, as word edges are lost."""
    squeezed: tuple[tuple[str, ...], ...]
    """The sequences with every run of a letter squeezed to one ("taaaylor swiift" → "taylor swift");
    only when the text stretches a letter three times or more, else empty."""
    masked: tuple[str, ...]
    """Words with stars in them ("s*x"), matched against listed words of the same length."""
    negated: str
    """Text that was given zero or negative weight, "(clothes:-1)": it acts as a negative prompt where
    weights are read, and stays in the other views, as the model reads it where they are not."""
    native: str
    """NFKC and casefolded only, accents and scripts kept: for moderators' patterns and terms written in
    other scripts ("café", "猫"), which the folded views would change or drop."""

    def has_unfolded_letters(self) -> bool:
        """Whether the text has letters that the token views drop: a script with no Latin look-alikes
        ("猫", the "ш" of "кошка"). Such text is matched in `native`."""
        return not self.base.isascii() and any(not c.isascii() and c.isalnum() for c in self.base)

    def grams(self, max_n: int, starts: Collection[str], *, squeezed: bool = False) -> set[str]:
        """The tokens, plus every 2..max_n-word sequence of every view that begins with a word in `starts`.

        With `squeezed`, only the word sequences of the squeezed views (see `squeeze`).
        """
        out: set[str] = set() if squeezed else set(self.tokens)
        for seq in self.squeezed if squeezed else self.sequences:
            for i, word in enumerate(seq):
                if word in starts:
                    for n in range(2, min(max_n, len(seq) - i) + 1):
                        out.add(" ".join(seq[i : i + n]))
        return out


def _canonical_chars(text: str) -> str:
    if text.isascii():
        return text.translate(_TRANSLATE).casefold()
    text = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC)).translate(_TRANSLATE).casefold()
    if text.isascii():
        return text
    # Decompose so that accents become separate marks, then drop marks, zero-width and format characters.
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch.isascii():
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in _DROP_CATEGORIES or ch in _INVISIBLE:
            continue
        if category[0] in "CZ":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out).translate(_HOMOGLYPH_TABLE)


def _strip_weighting(text: str) -> tuple[str, str]:
    negated: list[str] = []

    def _weighted(match: re.Match[str]) -> str:
        if float(match.group(2)) <= 0.0:
            # A zero or negative weight asks a weighting front end to avoid the words: a hidden negative
            # prompt. The words stay in the text too: diffusers' pipelines read no weights and give the
            # model "(child:0)" as it is written, "child" included.
            negated.append(match.group(1))
        if float(match.group(2)) > _MAX_EMPHASIS:
            return f" {match.group(1)} {match.group(2)} "
        return f" {match.group(1)} "

    text = _WEIGHTED.sub(_weighted, text)
    text = _LORA.sub(r" \1 ", text)
    text = _BARE_WEIGHT.sub(" ", text)
    return text, ", ".join(negated)


def _fold_variants(token: str) -> tuple[str, ...]:
    """Leet readings of a token that are made of letters only; "1" is read as both "i" and "l".

    The first reading reads every "1" as "i", the last every "1" as "l".
    """
    if token.isalpha() or not _HAS_LETTER.search(token) or _NUMBER_WITH_UNIT.fullmatch(token):
        return ()
    ones = token.count("1")
    readings = [token]
    if ones:
        parts = token.split("1")
        choices = itertools.product("il", repeat=ones) if ones <= 3 else iter(("i" * ones, "l" * ones))
        readings = ["".join(p + c for p, c in zip(parts, (*combo, ""), strict=True)) for combo in choices]
    out = []
    for reading in readings:
        folded = reading.translate(_LEET)
        if folded.isalpha():
            out.append(folded)
    return tuple(out)


def _variants(token: str, repeats: bool) -> set[str]:
    """Plural and repeated-letter variants of a folded token ("kids" → "kid", "nuuude" → "nude")."""
    out = {token}
    if repeats and _REPEATS.search(token):
        out.add(_REPEATS.sub(r"\1", token))
        out.add(_REPEATS.sub(r"\1\1", token))
    for word in list(out):
        if len(word) > 3 and word.endswith("s"):
            out.add(word[:-1])
            if word.endswith("ies"):
                out.add(word[:-3] + "y")
            elif word.endswith("es"):
                out.add(word[:-2])
    return out


def squeeze(text: str) -> str:
    """Every run of one character squeezed to a single one: "scarleeett" and "scarlett" → "scarlet"."""
    return _DOUBLES.sub(r"\1", text)


def _join_runs(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Join runs of three or more single characters ("n u d e", "n.u.d.e") into one token."""
    joined: list[str] = []
    runs: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and len(tokens[j]) == 1:
            j += 1
        if j - i >= _RUN_MIN:
            run = "".join(tokens[i:j])
            joined.append(run)
            runs.append(run)
            i = j
        else:
            joined.append(tokens[i])
            i += 1
    return joined, runs


@lru_cache(maxsize=4096)
def analyze(text: str) -> TextViews:
    """Build the views of `text` that the screening rules match against."""
    # 1. Characters: NFKC, emoji, case, accents, zero-width, homoglyphs; then weighting syntax.
    base, negated = _strip_weighting(_canonical_chars(text))
    base = " ".join(base.split())

    # 2. Tokens as typed.
    plain = _TOKEN.findall(base)

    # 3. Joined view: punctuation inside a word removed ("nu.de"), runs of single letters joined.
    unpunctuated = _INTRA_WORD.sub("", base)
    joined, runs = _join_runs(_TOKEN.findall(unpunctuated))
    # "!", "|" and "+" are leetspeak inside a word, but also separators: "c|h|i|l|d", "[child|adult]".
    split: list[str] = []
    if any(c in base for c in "!|+"):
        split, split_runs = _join_runs(_SPLIT_TOKEN.findall(unpunctuated))
        runs += split_runs

    # 4. Leet-folded views ("1" as "i" and as "l"), and every candidate token.
    folded_i: list[str] = []
    folded_l: list[str] = []
    for token in joined:
        readings = _fold_variants(token)
        folded_i.append(readings[0] if readings else token)
        folded_l.append(readings[-1] if readings else token)
    tokens: set[str] = set()
    # Leet folding can create a repeat ("nu0o0de"), so the check runs on the folded text.
    repeats = _REPEATS.search(base.translate(_LEET)) is not None
    for token in {*plain, *joined, *split}:
        tokens.update(_variants(token, repeats))
        for folded in _fold_variants(token):
            tokens.update(_variants(folded, repeats))
    folded_runs = {f for run in runs for f in (run, *_fold_variants(run))}

    split_seqs = [tuple(split), tuple(next(iter(_fold_variants(t)), t) for t in split)] if split else []
    sequences = tuple(dict.fromkeys((tuple(plain), tuple(folded_i), tuple(folded_l), *split_seqs)))
    squeezed = tuple(dict.fromkeys(tuple(squeeze(t) for t in seq) for seq in sequences)) if repeats else ()
    return TextViews(
        base=base,
        canonical=" ".join(folded_i),
        sequences=sequences,
        tokens=frozenset(tokens),
        runs=tuple(sorted(folded_runs)),
        squeezed=squeezed,
        masked=tuple(_MASKED.findall(base)) if "*" in base else (),
        negated=negated,
        native=_native(text),
    )


def fold_with_origin(text: str) -> tuple[str, list[int]]:
    """The characters of `TextViews.base` (weighting syntax kept), folded one at a time, and for each
    folded character the index in `text` of the character it came from: what is found in the folded
    text can then be put back into the text as typed."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for out in _canonical_chars(char):
            if out.isspace():
                # One space between words, as in `base`.
                if not folded or folded[-1] == " ":
                    continue
                out = " "
            folded.append(out)
            origin.append(index)
    if folded and folded[-1] == " ":
        folded.pop()
        origin.pop()
    return "".join(folded), origin


def _native(text: str) -> str:
    if text.isascii():
        return " ".join(text.casefold().split())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in _INVISIBLE)
    return " ".join(text.split())


def normalize(text: str) -> str:
    """The canonical form of `text`: folded, de-obfuscated, one space between words."""
    return analyze(text).canonical


# Typos: a word this long or longer is matched with one slip, its first letter kept. Shorter words have
# too many ordinary neighbours one letter away ("clown": "crown", "clows").
TYPO_MIN_WORD = 6


def deletions(text: str) -> set[str]:
    """`text` with one character dropped, at each place."""
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def one_typo_apart(typed: str, listed: str) -> bool:
    """One letter added, dropped, changed or swapped with its neighbour, in a word of six letters or more,
    with the same number of words and the same initials."""
    typed_words, listed_words = typed.split(), listed.split()
    if len(typed_words) != len(listed_words) or typed == listed:
        return False
    differing = [(t, w) for t, w in zip(typed_words, listed_words, strict=True) if t != w]
    if len(differing) != 1:
        return False
    t, w = differing[0]
    if t[0] != w[0] or max(len(t), len(w)) < TYPO_MIN_WORD:
        return False
    if len(t) == len(w):
        diffs = [i for i in range(len(t)) if t[i] != w[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and t[diffs[0]] == w[diffs[1]]
            and t[diffs[1]] == w[diffs[0]]
        )
    shorter, longer = sorted((t, w), key=len)
    return len(longer) - len(shorter) == 1 and shorter in deletions(longer)


class TypoIndex:
    """Listed forms found from a typed word one slip away (see `one_typo_apart`).

    Each form is kept under itself and under each of its one-letter deletions, so that looking up the
    typed text and its own deletions meets every form one letter added, dropped, changed or swapped
    away, without comparing the text with every form.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        index: dict[str, set[str]] = defaultdict(set)
        for form in forms:
            for variant in (form, *deletions(form)):
                index[variant].add(form)
        self._index = {variant: frozenset(found) for variant, found in index.items()}
        self.forms = frozenset(form for found in self._index.values() for form in found)
        """Every listed form."""
        lengths = [len(form) for form in self.forms]
        # A slip changes the length by one at most: other lengths are not looked up.
        self._lengths = range(min(lengths) - 1, max(lengths) + 2) if lengths else range(0)

    def __bool__(self) -> bool:
        return bool(self._index)

    def near(self, typed: str) -> set[str]:
        """The listed forms that `typed` misspells by one slip."""
        if len(typed) not in self._lengths:
            return set()
        candidates = {form for variant in (typed, *deletions(typed)) for form in self._index.get(variant, ())}
        return {form for form in candidates if one_typo_apart(typed, form)}


def words_of(text: str) -> str:
    """The text's words joined by single spaces, without the punctuation the base view keeps."""
    return " ".join(analyze(text).sequences[0])
