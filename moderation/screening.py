"""Prompt screening: the hard floor, the license's use restrictions, the guild's policy, then semantics
(whose hard-floor categories rank with the hard floor).

Rules are plain word and pattern matches over the normalised views of `moderation.normalize`, so one
prompt takes well under a millisecond. Every rule has an id, a category and a sentence a user
understands; the first rule that matches, in the order above, decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from moderation import harms
from moderation.errors import PromptBlocked
from moderation.harms import word_set
from moderation.lexicon import FAMILY, Hits, Lexicon, Term, load_lexicon
from moderation.normalize import TYPO_MIN_WORD, UNSPACED_SCRIPT, TextViews, TypoIndex, analyze, words_of
from moderation.pii import PiiKind, find_pii
from moderation.policy import MAX_TERM_WORDS, GuildPolicy, NsfwMode, compiled_patterns, emoji_term

if TYPE_CHECKING:
    from moderation.semantic import SemanticScreener


@dataclass(frozen=True, slots=True)
class Rule:
    """A screening rule's identity and the sentence shown to the user it blocks."""

    id: str
    category: str
    reason: str
    hard_floor: bool = False


_PII_REASONS = {
    PiiKind.PHONE: "a phone number",
    PiiKind.EMAIL: "an e-mail address",
    PiiKind.ADDRESS: "a street address",
    PiiKind.NATIONAL_ID: "an identity or account number",
    PiiKind.CREDIT_CARD: "a payment card number",
    PiiKind.DATE_OF_BIRTH: "a person's date of birth",
}

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "floor.minor_sexual",
            "minor_safety",
            "Prompts that combine children or teenagers with nudity or sexual content are never allowed.",
            hard_floor=True,
        ),
        Rule(
            "floor.minor_swimwear",
            "minor_safety",
            "Photographic or posed pictures of children in swimwear are never made here, on any server.",
            hard_floor=True,
        ),
        Rule(
            "floor.real_person_sexual",
            "real_person",
            "Sexual or nude images of real people are never allowed.",
            hard_floor=True,
        ),
        Rule(
            "floor.upload_sexual",
            "real_person",
            "Nude, sexual or revealing edits of an uploaded picture are never allowed: it may show a real "
            "person who did not agree to it.",
            hard_floor=True,
        ),
        *(
            Rule(
                f"floor.pii.{kind.value}",
                "privacy",
                f"Prompts may not contain personal information such as {what}.",
                hard_floor=True,
            )
            for kind, what in _PII_REASONS.items()
        ),
        Rule(
            "license.defamation",
            "harassment",
            "The model's license forbids images that defame, disparage or harass real people.",
        ),
        Rule(
            "license.violence",
            "violence",
            "The model's license forbids images of violence against real people.",
        ),
        Rule(
            "license.disinformation",
            "disinformation",
            "The model's license forbids fake news images of real people or real events.",
        ),
        Rule(
            "license.medical",
            "medical",
            "The model's license forbids medical advice, and this bot does not draw instructions for "
            "self-harm.",
        ),
        Rule(
            "license.discrimination",
            "hate",
            "The model's license forbids content that demeans people for who they are.",
        ),
        Rule(
            "policy.banned_term",
            "server_policy",
            "This server's moderators have banned a word in this prompt.",
        ),
        Rule(
            "policy.banned_pattern", "server_policy", "This prompt matches a pattern this server has banned."
        ),
        Rule("policy.nsfw", "nsfw", "This server does not allow sexual or explicit prompts."),
    )
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of screening one prompt."""

    allowed: bool
    rule_id: str | None = None
    category: str | None = None
    reason: str | None = None
    hard_floor: bool = False

    @classmethod
    def block(cls, rule: Rule, reason: str | None = None) -> Verdict:
        """A blocking verdict for `rule`, with its standard sentence unless `reason` is given."""
        return cls(
            allowed=False,
            rule_id=rule.id,
            category=rule.category,
            reason=reason or rule.reason,
            hard_floor=rule.hard_floor,
        )

    def raise_if_blocked(self) -> None:
        """Raise `PromptBlocked` when the prompt was blocked."""
        if not self.allowed:
            raise PromptBlocked(
                self.rule_id or "unknown",
                self.category or "unknown",
                self.reason or "",
                hard_floor=self.hard_floor,
            )


ALLOWED = Verdict(allowed=True)
_NO_HITS = Hits()


@dataclass(frozen=True, slots=True)
class _TermForms:
    """A policy's banned terms in the forms they are matched in."""

    forms: dict[str, str]
    """Each term's word sequences, spaced and glued, mapped to the term as listed."""
    first_words: frozenset[str]
    """The first words of the forms with several words."""
    run_pattern: re.Pattern[str] | None
    """The glued forms, searched inside runs of spaced letters."""
    typos: TypoIndex
    """The forms with a word long enough to be matched with a typo."""


# Runs are searched by substring, where a term of one or two letters would be found in any run.
_RUN_TERM_MIN = 3


@lru_cache(maxsize=1024)
def _banned_term_forms(terms: tuple[str, ...]) -> _TermForms:
    # A banned term matches in the same normalised forms as the built-in lists: "k1tty" bans "kitty".
    forms: dict[str, str] = {}
    for term in terms:
        views = analyze(term)
        if views.has_unfolded_letters():
            continue  # the word views would keep only its Latin look-alikes: see `_native_term_pattern`
        for seq in views.sequences:
            if seq:
                forms.setdefault(" ".join(seq), term)
                forms.setdefault("".join(seq), term)  # "hot dog" bans "hotdog" too
    # A run of spaced letters loses its word edges: "a c l o w n" is the run "aclown", as the article
    # is a single letter too. Runs are searched for the terms inside them, like the built-in lists'.
    glued = sorted((f for f in forms if " " not in f and len(f) >= _RUN_TERM_MIN), key=len, reverse=True)
    # "pikachuu", "spidermna", "micky mouse": a term is not evaded by a slip of the keyboard, in a word
    # long enough that ordinary words one letter away are rare (see TYPO_MIN_WORD).
    typos = TypoIndex(form for form in forms if max(map(len, form.split())) >= TYPO_MIN_WORD)
    return _TermForms(
        forms=forms,
        first_words=frozenset(form.split(" ", 1)[0] for form in forms if " " in form),
        run_pattern=re.compile("|".join(map(re.escape, glued))) if glued else None,
        typos=typos,
    )


def _misspelt_term(views: TextViews, banned: _TermForms) -> str | None:
    """The banned term that a word, or a sequence of words, of the text misspells by one slip."""
    if not banned.typos:
        return None
    words = {word for seq in views.sequences for word in seq}
    for gram in views.grams(MAX_TERM_WORDS, words):
        if misspelt := banned.typos.near(gram):
            return banned.forms[min(misspelt)]
    return None


@lru_cache(maxsize=1024)
def _native_term_pattern(terms: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Terms in scripts the word views drop ("猫", "кошка", "قطة"), as one pattern over the base and native
    views: whole words, or substrings in Chinese, Japanese and Korean, which have no spaces between words."""
    forms: dict[str, str] = {}
    for term in terms:
        views = analyze(term)
        if views.has_unfolded_letters():
            forms.setdefault(views.native, term)
            forms.setdefault(views.base, term)
    if not forms:
        return None, forms
    alternatives = (
        re.escape(form) if UNSPACED_SCRIPT.search(form) else rf"(?<!\w){re.escape(form)}(?!\w)"
        for form in sorted(forms, key=len, reverse=True)
    )
    return re.compile("|".join(alternatives)), forms


@lru_cache(maxsize=1024)
def _emoji_terms(terms: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The banned terms made of emoji, each with its emoji as prompts are compared (see `emoji_term`):
    found anywhere in a prompt, as emoji stand beside words and each other without spaces."""
    return tuple((term, emoji) for term in terms if (emoji := emoji_term(term)) is not None)


def _banned_term_verdict(term: str) -> Verdict:
    return Verdict.block(
        RULES["policy.banned_term"], f"This server's moderators have banned the term “{term}”."
    )


# Swimwear is suggestive next to a word for a child, but a girl with pigtails and a lollipop at the beach
# is at the beach: with childlike cues alone, it takes words that sexualise.
_SWIMWEAR = frozenset(
    {"bikini", "bikinis", "swimsuit", "swimsuits", "swimwear", "bathing suit", "biquini", "speedo", "speedos"}
)
# With a child, swimwear is a day at the beach ("family beach day, kids in swimsuits, cartoon") unless
# the picture is made to look at the child: a photographic look, a stated age, a pose or a photoshoot.
_LOOKED_AT = re.compile(
    r"(?<![a-z])(?:pose|poses|posed|posing|model|models|modeling|modelling|photoshoot|photo shoot|close ?up"
    r"|full body|spread|lying|laying|bent over|from behind|from below)(?![a-z])"
)


# Naked in words that are other words too (Polish "nago", French "nu" and "nue": a city in Okinawa, nu
# metal, a Japanese chimera), read as naked only said of someone named or known, at the end of a phrase:
# "Macron nu", "mon ex Julie nue au lit".
_NAKED_SAID_OF_SOMEONE = re.compile(
    r"(?<![a-z])(?:nago|nu|nue|nus|nues)(?=\s*(?:$|[,.;:!?)]|(?:au|sur|dans|na|w|on|in|at) ))"
)


def _sexualising(pos: Hits, undressing_negative: bool) -> bool:
    return (
        pos.has(Term.SEXUAL) or bool(pos.terms.get(Term.SUGGESTIVE, set()) - _SWIMWEAR) or undressing_negative
    )


# A film or series named as what the picture is from, and an actor cast "as" someone in it.
_SCREEN_WORK = re.compile(
    r"(?<![a-z])(?:movie|movies|film|films|tv series|tv show|series|episode|scene|still|poster|trailer"
    r"|blockbuster|sequel|remake|cinematic universe|mcu|dceu)(?![a-z])"
)
_CASTING = re.compile(
    r"(?<![a-z])(?:as|playing|plays|starring as|in the role of)\s+(?:the\s+|a\s+|an\s+)?[a-z]"
)
# Cast as a named character: "Johnny Depp as Jack Sparrow", "Chris Hemsworth as Thor" (on the prompt as
# typed, where the capitals are).
# Casting someone as a tyrant or a monster is no role: "Putin as Adolf Hitler".
_CAST_AS_NAMED = re.compile(
    r"(?<![A-Za-z])as (?:the )?(?!(?i:adolf|hitler|stalin|mussolini|satan|lucifer|devil|osama|bin laden"
    r"|saddam|pol pot|epstein|nazi|goebbels|himmler|goering|mengele|kkk)(?![a-z]))[A-Z][\w'’-]+"
)
# What makes a "news photo" of a disaster plainly fiction, or history: monsters, games and cartoons,
# and years before living memory (a 1999 disaster is one people could be fooled about).
_FICTION_CUE = re.compile(
    r"(?<![a-z])(?:godzilla|kaiju|zombies?|aliens?|ufos?|martians?|dragons?|monsters?|robots?|mechs?"
    r"|dinosaurs?|cyberpunk|steampunk|fantasy|sci ?fi|science fiction|video game|videogame|game screenshot"
    r"|cartoon|anime|manga|comic|pixel art|lego|minecraft|fortnite|pokemon|star wars|marvel|superheroe?s?"
    r"|teddy bears?|1[0-8][0-9]{2}s?|19[0-4][0-9]s?|retro|vintage|medieval|ancient|victorian|wild west"
    # Jokes, diagrams and what fools no one: "breaking news: cat knocks over the tree, meme", "live
    # broadcast of the fireworks", "press photo of a crash test".
    r"|memes?|funny|parody|satire|satirical|joke|diagram|infographic|fireworks|crash test|birthday cake"
    r"|sourdough)"
    r"(?![a-z])"
)


def _told_as_fiction(base: str) -> bool:
    """Whether a news picture says it is fiction, a joke or a diagram (see `_FICTION_CUE`). A joke asked
    to look real ("for an April fools joke, a realistic Reuters photo") is a hoax."""
    cues = {found.group(0) for found in _FICTION_CUE.finditer(base)}
    if cues and harms.MADE_TO_LOOK_REAL.search(base):
        cues.discard("joke")
    return bool(cues)


# A part played by whoever is in the picture, which makes blood and a coffin a costume.
_PART_PLAYED = re.compile(
    r"(?<![a-z])(?:zombies?|vampires?|werewol(?:f|ves)|monsters?|ghosts?|halloween|costumes?|cosplay"
    r"|superheroe?s?|knights?|warriors?|pirates?|dragons?|fantasy|video game|videogame|dnd|lego|minecraft"
    r"|fortnite|action figures?|paintball|laser tag|haunted house|as a character)(?![a-z])"
)


# "cp" (and "cheese pizza", its code) is child pornography abbreviated, as searches for it write it: with
# a word for the young and a sexual one ("cp, young, explicit"). Alone it is cerebral palsy, a command post
# or Cyberpunk.
_CSAM_CODE = re.compile(r"(?<![a-z0-9])(?:c ?p|cheese pizza)(?![a-z0-9])")
_YOUNG_WORDS = frozenset({"young", "yng", "younger", "youngest", "little", "lil", "tiny", "small", "smol"})


def _csam_code(prompt: str, *, minor: bool) -> bool:
    views = analyze(prompt)
    return (
        bool(views.tokens & {"cp", "c", "cheese"})
        and (minor or bool(views.tokens & _YOUNG_WORDS))
        and _CSAM_CODE.search(words_of(prompt)) is not None
    )


def _called_names(prompt: str) -> bool:
    """Whether the prompt calls someone names (see `_NAME_CALLING`)."""
    views = analyze(prompt)
    return bool(views.tokens & _INSULT_WORDS) and _NAME_CALLING.search(words_of(prompt)) is not None


def _outside_the_family(acquainted: set[str]) -> bool:
    """Whether someone of the member's life is named who is not family (an ex, a classmate, a member)."""
    return any(
        known.split()[-1] not in FAMILY and known.split()[-1].removesuffix("s") not in FAMILY
        for known in acquainted
    )


# Mockery that makes a picture of someone the member knows harassment, family too: "a mocking picture of
# my fat sister eating from a trough".
_MOCKING = re.compile(
    r"(?<![a-z])(?:mocking|mock|mocks|humiliat\w*|ridicul\w*|degrading|to shame|shaming|fat shaming"
    r"|body shaming|make fun of|making fun of|eating (?:from|out of) a trough|at a trough|like a pig|as a pig"
    r"|as a whale|as a cow|as a hippo|pig snout|ugly fat|fat ugly)(?![a-z])"
)
# Names called: "Jessica Turner from the 3rd floor is a slut", "a poster calling @Sam a loser". Said of
# someone named or known it is harassment, not a sexual picture: no one is drawn undressed.
_NAME_CALLING = re.compile(
    r"(?<![a-z])(?:is|are|was|calling|call|called|calls|labell?ing|labell?ed)(?: [a-z0-9]+){0,6}? (?:a |an |the )?"
    r"(?:(?:fat|ugly|dirty|stupid|dumb|worthless|disgusting|lying|cheap|filthy|total|huge|big|little|nasty"
    r"|pathetic|useless|cheating|lazy) )*(?:slut|whore|skank|hoe|thot|bitch|cunt|loser|retard|idiot|moron"
    r"|freak|liar|cheater|thief|snitch|creep|pervert|perv|pedo|pedophile|junkie|crackhead|failure"
    r"|hooker|tramp|slag|bimbo)s?(?![a-z])"
)
_INSULT_WORDS = word_set(
    "slut sluts whore whores skank skanks hoe hoes thot thots bitch cunt loser losers retard idiot moron"
    " freak liar cheater thief snitch creep pervert perv pedo pedophile junkie crackhead failure hooker"
    " hookers tramp slag bimbo"
)
# The sexual words that are insults too: with nothing else sexual, a name called.
_SEXUAL_INSULTS = frozenset({"slut", "sluts", "slutty", "whore", "whores"})


# A real person pictured with a terrorist or a notorious criminal, a meeting that never happened.
_NOTORIOUS = re.compile(
    r"(?<![a-z])(?:with|and|hugging|embracing|shaking hands with|meeting|meets|kissing|partying with"
    r"|dining with|having dinner with|on a plane with|on the island with)(?: the)? (?:osama bin laden|bin laden"
    r"|al baghdadi|abu bakr al baghdadi|jeffrey epstein|epstein|ghislaine maxwell|el chapo|pablo escobar"
    r"|charles manson|ted bundy|adolf hitler|hitler|isis fighters|isis leaders?|al qaeda|taliban leaders?|kkk"
    r"|ku klux klan|harvey weinstein)(?![a-z])"
)
# Murder of an office-holder taught: "how to assassinate the governor, step by step".
_ATTACK_PLAN = re.compile(
    r"(?<![a-z])(?:how to|plan to|planning to|guide to|ways to|instructions (?:to|for)|step by step)"
    r"(?: [a-z]+){0,3} (?:assassinate|assassinating|kill|killing|murder|murdering|shoot|shooting|poison"
    r"|poisoning|kidnap|kidnapping|bomb|bombing|stab|stabbing|attack|attacking|ambush)(?: the| our| my| a)?"
    r" (?:[a-z]+ )?(?:president|governor|mayor|senator|judge|prime minister|congressman|congresswoman|ceo"
    r"|police chief|sheriff|councillor|council members?|minister|king|queen|pope|politician|mp|chancellor)s?"
    r"(?![a-z])"
)
# Lists of people to be killed: "a kill list poster with photos of the city council members".
_KILL_LIST = re.compile(
    r"(?<![a-z])(?:kill|hit|death|target) lists?(?: [a-z]+){0,6} (?:photos?|faces|names|members|council"
    r"|mayor|officials|politicians|judges|journalists|teachers|classmates|coworkers|senators|employees|staff"
    r"|neighbou?rs|crossed out|x over|x s over)(?![a-z])"
)
# Someone in an uploaded picture, whom a violent edit is done to: "put a noose around his neck".
_SOMEONE_IN_THE_PICTURE = re.compile(
    r"(?<![a-z])(?:he|she|him|her|his|hers|them|their|guy|man|woman|person|politician|girl|boy|lady|face"
    r"|forehead|head|neck|chest|throat|body)(?![a-z])"
)


# Swimwear already in an uploaded photo ("her bikini", "the swimsuit"), restyled without showing more of
# whoever wears it: "make her bikini red". Putting someone in swimwear ("in a bikini") or shrinking it is
# a revealing edit.
_SWIMWEAR_WORD = r"(?:bikini|bikinis|swimsuit|swimsuits|swimwear|bathing suit|biquini)(?![a-z])"
_WORN = r"(?:her|his|their|the|my|your|its)\s+(?:[a-z]+\s+)?"
_WORN_SWIMWEAR = re.compile(rf"(?<![a-z]){_WORN}{_SWIMWEAR_WORD}")
_SWIMWEAR_PUT_ON = re.compile(
    rf"(?<![a-z])(?:with|into|to|for|in|wearing|wear|wears|wore|put on|puts on|swap|swapped)\s+{_WORN}"
    rf"{_SWIMWEAR_WORD}"
)
_ANY_SWIMWEAR = re.compile(rf"(?<![a-z]){_SWIMWEAR_WORD}")
_REVEALING_CHANGE = re.compile(
    r"(?<![a-z])(?:small|smaller|smallest|tiny|tinier|tiniest|skimpier|micro|mini|short|shorter|tight"
    r"|tighter|thin|thinner|wet|sheer|transparent|translucent|invisible|lower|low cut|cut ?outs?|revealing"
    r"|less|barely|string|cheeky|brazilian|high cut|loose|looser|falling|slipping|untied|undone|open|off"
    r"|away|malfunction|wedgie|shrink|shrunk|shrinking|remove|removed|without|wetter|tug|pull|pulled|lift)"
    r"(?![a-z])"
)


# Edits of an uploaded photo that reveal its subject without the words the lists hold: what is under the
# clothes, sheer or wet fabric, a towel loosening, a censor removed, a famous nude's pose with "same face".
# Only for uploads, where the bot cannot know who the picture shows.
_GARMENT = (
    r"(?:clothes|clothing|outfit|dress|skirt|shirt|t ?shirt|blouse|top|towel|bathrobe|robe|gown|bikini|bra"
    r"|swimsuit|leggings|pants|jeans|trousers|uniform|costume|fabric)"
)
_REVEALING_EDIT = re.compile(
    r"(?<![a-z])(?:"
    r"x[ -]?ray(?: vision| filter| specs| effect| view| glasses)?|clothing[ -]optional|forgot to get dressed"
    r"|skin everywhere|only skin|no fabric|without (?:the |any )?fabric|birthday attire|fig leaf|fig leaves"
    rf"|(?:under|beneath|underneath|below) (?:her|his|their|the) {_GARMENT}"
    rf"|(?:her|his|the) {_GARMENT}(?: [a-z]+){{0,2}} (?:wet|soaked|sheer|mesh|see through|of glass|cling film"
    r"|plastic wrap|shorter|tighter|lower|smaller|tinier|skimpier|fly away|flies away|blows? off|falls?"
    r"|falling|slipping|open|opacity|alpha)"
    rf"|(?:make|turn|replace|soak|wet)\w* (?:her|his|the) (?:[a-z]+ )?{_GARMENT}(?: [a-z]+){{0,3}}"
    r" (?:wet|sheer|mesh|see through|glass|cling film|plastic wrap|clings?)"
    r"|(?:opacity|alpha)(?: to)? (?:0|zero)|nothing (?:more|else|under|underneath|below|beneath)"
    r"|(?:wear|wears|wearing) only(?: (?:a|an|her|his))?|so short|shorter until|neckline (?:down|lower|all)"
    r"|(?:pull|slide|roll|lower)\w*(?: down)? (?:her|his) (?:neckline|straps?|leggings|tights|pants|jeans|trousers)"
    r"|straps? (?:down|off)|(?:untie|unhook|unclasp|undo)\w* (?:her|his|the) (?:bikini|bra|top|robe)"
    r"|(?:loosen|drop)\w* (?:her|his|the) towel|towel (?:slipping|falling|dropping|drops|slips)"
    r"|(?:bathrobe|robe) open|down (?:her|his) (?:shirt|top|blouse)|(?:carry|lift|blow)\w* (?:her|the) skirt"
    r"|pixels covering|(?:remove|delete|erase)\w* (?:the )?(?:mosaic|censor\w*|pixelation|blur on)"
    r"|unblur\w* (?:her|his) (?:chest|body|breasts?|crotch|butt)|decensor\w*|uncensor\w*"
    r"|cover\w* (?:her|his) (?:chest|breasts|body)(?: only)? with|(?:covered|cover her) only (?:with|in|by)"
    r"|eve in the garden|garden of eden|birth of venus|lady godiva|playboy bunny|centerfold|centrefold"
    r"|body paint|(?:make|made) (?:her|him) shirtless|in the shower|out of the shower|showering|under the sheets"
    r"|sheets? barely covering|barely covering|zoom\w* in on (?:her|his) (?:chest|breasts|butt|ass|crotch|cleavage)"
    r"|(?:bend|bends|bent) over|on (?:her|his) knees in front of|grabbing (?:her|him)|make (?:her|him) moan"
    r"|(?:enlarge|bigger|larger)\w* (?:her )?(?:chest|bust|breasts|butt)|(?:her|his) (?:chest|bust|breasts|butt)"
    r" (?:bigger|larger)"
    r")(?![a-z])"
)


def _restyles_worn_swimwear(prompt: str, pos: Hits) -> bool:
    """Whether swimwear is the only suggestive word and each mention is one already worn, being restyled
    rather than revealing more (see `_WORN_SWIMWEAR`); never with a child in the prompt."""
    if (
        pos.has(Term.SEXUAL)
        or pos.has(Term.MINOR)
        or pos.ages
        or pos.terms.get(Term.SUGGESTIVE, set()) - _SWIMWEAR
    ):
        return False
    base = analyze(prompt).base
    worn = len(_WORN_SWIMWEAR.findall(base))
    return (
        worn > 0
        and worn == len(_ANY_SWIMWEAR.findall(base))
        and _REVEALING_CHANGE.search(base) is None
        and _SWIMWEAR_PUT_ON.search(base) is None
    )


# History painting, where an office or a crown is no one alive: "the king of france guillotined, 1793".
_HISTORY_CUE = re.compile(
    r"(?<![a-z])(?:1[0-8][0-9]{2}s?|19[0-4][0-9]s?|medieval|ancient|victorian|renaissance|baroque|historical"
    r"|history painting|[0-9]{1,2}(?:st|nd|rd|th) century|roman|tudor|napoleonic|french revolution"
    # A numbered monarch: "king charles xii of sweden" (the living ones are listed by name).
    r"|(?:king|queen|emperor|empress|tsar|czar|kaiser|pope) [a-z]+ (?:[ivx]{1,5}))(?![a-z])"
)
# Where, when and how to vote, told wrong to one side: "Republicans vote on Wednesday", "vote by text".
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|the day after|next week|tomorrow"
_VOTING_LIE = re.compile(
    rf"(?<![a-z])(?:republicans|democrats|conservatives|tories|labour voters|liberals|[a-z]+ voters)"
    rf" (?:vote|can vote|must vote|will vote) (?:on )?(?:{_DAYS})(?![a-z])"
)
# How to vote told wrong, in an election's notice (a radio contest's "vote by text" is no lie).
_ELECTION = re.compile(r"(?<![a-z])(?:elections?|ballots?|polling|presidential|midterms?|electoral)(?![a-z])")
_VOTING_METHOD_LIE = re.compile(
    rf"(?<![a-z])(?:(?:vote|voting) (?:by text|by sms|by phone|online)(?: only)?|text your vote"
    rf"|voting (?:has )?moved (?:online|to (?:{_DAYS}))|polling station has moved)(?![a-z])"
)


# A child with an unrelated adult in bed, a shower or a hot tub, kissing or bent over: abuse said without a
# sexual word ("child in bed with an adult man", "middle schooler showering with her coach"). Parents are
# not listed: "dad reading a bedtime story in bed" is a family's evening.
_INTIMATE = re.compile(
    r"(?<![a-z])(?:in bed|on a bed|on the bed|under the covers|under the sheets|in the shower|showering"
    r"|in a hot tub|in the hot tub|in the bath|bathing together|kissing|straddling"
    r"|alone with|bent over|from behind)(?![a-z])"
)
_ADULTS = (
    r"(?:man|men|woman|coach|stranger|strangers|uncle|stepdad|stepfather|step father|boyfriend|teacher"
    r"|priest|neighbou?r|adults?)"
)
_UNRELATED_ADULT = re.compile(
    r"(?<![a-z])(?:"
    rf"with (?:an? |the |her |his |their |some |two |three )?(?:adult |grown |older |old )?{_ADULTS}"
    rf"|{_ADULTS} and (?:his|her|a|the)|(?:adult|grown|older) (?:man|men|woman|women)"
    r")(?![a-z])"
)


# A child whatever other words say: "young" or "little" makes a student, a girl or a boy one.
_TOUCHED_CHILD = (
    r"(?:(?:young|little|small|underage) (?:niece|nephew|stepdaughter|stepson|daughter|son|girl|boy|student"
    r"|pupil)|niece|nephew|stepdaughter|stepson|child|kid|toddler)s?"
)
# An adult's hands on a child: "uncle touching his young niece", "coach fondling a little boy". Not a
# hand on a head or a shoulder.
_TOUCHING_A_CHILD = re.compile(
    rf"(?<![a-z]){_ADULTS} (?:touching|fondling|groping|caressing|undressing|feeling up)"
    rf" (?:his |her |their |the |a |an )?{_TOUCHED_CHILD}(?![a-z])"
    r"(?!'?s? (?:(?:on|by) (?:the|his|her|their) )?(?:head|hands?|shoulders?|hair|arms?|cheeks?|face|back"
    r"|forehead)(?![a-z]))"
)


def _alone_with_an_adult(prompt: str) -> bool:
    """Whether the prompt puts someone with an unrelated adult somewhere intimate (see `_INTIMATE`)."""
    base = analyze(prompt).base
    return _INTIMATE.search(base) is not None and _UNRELATED_ADULT.search(base) is not None


# The member's own children, whom "my ..." names without making them someone else's child.
_OWN_CHILD = re.compile(
    r"(?:my|our)(?: (?:little|baby|youngest|oldest|eldest|two|three))? (?:daughters?|sons?|kids|children)"
)


def _swimwear_looked_at(prompt: str, pos: Hits) -> bool:
    """Swimwear on a child in a picture made to look at them (see `_LOOKED_AT`)."""
    return (
        pos.has(Term.PHOTO)
        or bool(pos.ages)
        or bool(pos.terms.get(Term.YOUTHFUL))
        or _LOOKED_AT.search(analyze(prompt).base) is not None
    )


def _childlike(pos: Hits) -> bool:
    """Whether cues that name no child add up to one: three youthful cues, or two with a childish one
    ("petite, flat chest, pigtails"; "pigtails and a lollipop")."""
    # One cue is often found in several forms ("pigtails" and "pigtail", "teddy bear" and "teddybear").
    childish = {_cue(c) for c in pos.terms.get(Term.CHILDISH, ())}
    cues = childish | {_cue(c) for c in pos.terms.get(Term.YOUTHFUL, ())}
    return len(cues) >= 3 or (bool(childish) and len(cues) >= 2)


def _cue(form: str) -> str:
    return form.replace(" ", "").removesuffix("s")


class PromptScreener:
    """Screens prompts. Build one at start-up and share it: it is stateless and thread-safe."""

    def __init__(self, *, semantic: SemanticScreener | None = None, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or load_lexicon()
        self._semantic = semantic
        self._default_policy = GuildPolicy()

    def screen(
        self,
        prompt: str,
        negative_prompt: str = "",
        policy: GuildPolicy | None = None,
        *,
        edits_upload: bool = False,
    ) -> Verdict:
        """Screen a prompt and its negative prompt under `policy` (the defaults when None);
        `edits_upload` for a prompt that edits a picture a member uploaded (img2img)."""
        if policy is None:
            policy = self._default_policy
        pos = self._lexicon.scan(prompt)
        # Words given zero or negative weight, "(clothes:-1)", act as a negative prompt.
        negative = ", ".join(filter(None, (negative_prompt.strip(), analyze(prompt).negated)))
        neg = self._lexicon.scan(negative) if negative else _NO_HITS
        # "Clothes" (or a whole outfit) in the negative prompt asks for nudity.
        young = pos.has(Term.MINOR) or any(age < 18 for age in pos.ages)
        someone = edits_upload or bool(pos.people or pos.described or pos.acquainted) or young
        # A real person is undressed by swimwear in the negative prompt as a child is: "Taylor Swift at
        # the beach --no bikini, swimsuit".
        real_person = bool(pos.people or pos.described)
        undressing = bool(negative) and self._lexicon.undressing_negative(
            negative, prompt, someone=someone, strict=young or edits_upload or real_person
        )
        floor = self._hard_floor(prompt, negative, pos, neg, undressing, edits_upload=edits_upload)
        if floor is not None:
            return floor
        # The semantic hard floor outranks the rules a server sets: a paraphrase sexualising a child is
        # recorded and told as that, not as this server's NSFW setting, which its moderators could lift.
        semantic = self._semantic_check(prompt, policy)
        if semantic is not None and semantic.hard_floor:
            return semantic
        return (
            self._license(prompt, pos, neg, negative, edits_upload=edits_upload)
            or self._policy(prompt, negative, policy, pos, undressing)
            or semantic
            or ALLOWED
        )

    def _hard_floor(
        self, prompt: str, negative: str, pos: Hits, neg: Hits, undressing: bool, *, edits_upload: bool
    ) -> Verdict | None:
        # "Adult" in the negative prompt asks for someone younger.
        sexual = pos.has(Term.SEXUAL) or pos.has(Term.SUGGESTIVE) or undressing
        sexualising = _sexualising(pos, undressing)
        minor = pos.has(Term.MINOR) or any(age < 18 for age in pos.ages) or neg.has(Term.ADULT)
        if pos.has(Term.CSAM) or (sexualising and _childlike(pos)):
            return Verdict.block(RULES["floor.minor_sexual"])
        if sexual and _csam_code(prompt, minor=minor):
            return Verdict.block(RULES["floor.minor_sexual"])
        if sexual and minor and sexualising:
            return Verdict.block(RULES["floor.minor_sexual"])
        if minor and _alone_with_an_adult(prompt):
            return Verdict.block(RULES["floor.minor_sexual"])
        if _TOUCHING_A_CHILD.search(analyze(prompt).base):
            return Verdict.block(RULES["floor.minor_sexual"])
        # Said apart: a family's beach photo is refused for what such pictures are used for, not
        # because its member asked for anything sexual.
        # Someone else's child the member knows ("my neighbour's daughter in a bikini") is looked at by
        # being asked for; "my daughter at the beach, cartoon" is a family picture.
        others_child = any(_OWN_CHILD.fullmatch(known) is None for known in pos.acquainted)
        if sexual and minor and (_swimwear_looked_at(prompt, pos) or others_child):
            return Verdict.block(RULES["floor.minor_swimwear"])
        # "Jessica from the 3rd floor is a slut" insults her (see `_license`); it draws no one undressed.
        name_called = (
            pos.terms.get(Term.SEXUAL, set()) <= _SEXUAL_INSULTS
            and not pos.has(Term.SUGGESTIVE)
            and not undressing
            and _called_names(prompt)
        )
        if (
            sexual
            and not name_called
            and (pos.people or pos.described or self._lexicon.misspelt_people(prompt))
        ):
            return Verdict.block(RULES["floor.real_person_sexual"])
        if (pos.people or pos.acquainted) and _NAKED_SAID_OF_SOMEONE.search(analyze(prompt).base):
            return Verdict.block(RULES["floor.real_person_sexual"])
        # Swimwear on "my wife" is a holiday picture; a nude of "my ex" is one to share against her.
        if sexualising and pos.acquainted and not name_called:
            return Verdict.block(RULES["floor.real_person_sexual"])
        # An uploaded picture may be a photo of anyone (a classmate, an ex): undressing it, or putting it
        # in lingerie, is refused whatever the server allows, as the bot cannot know who it shows.
        if edits_upload and _REVEALING_EDIT.search(analyze(prompt).base):
            return Verdict.block(RULES["floor.upload_sexual"])
        if sexual and edits_upload and (undressing or not _restyles_worn_swimwear(prompt, pos)):
            return Verdict.block(RULES["floor.upload_sexual"])
        # An unlisted "Firstname Lastname" counts only with explicit words and a photographic look.
        if pos.has(Term.SEXUAL) and pos.has(Term.PHOTO) and self._lexicon.guess_people(prompt):
            return Verdict.block(RULES["floor.real_person_sexual"])
        for text in (prompt, negative):
            if text:
                found = find_pii(analyze(text).base)
                if found:
                    return Verdict.block(RULES[f"floor.pii.{found[0].kind.value}"])
        return None

    def _license(
        self, prompt: str, pos: Hits, neg: Hits, negative: str = "", *, edits_upload: bool = False
    ) -> Verdict | None:
        views = analyze(prompt)
        base, words = views.base, words_of(prompt)
        if (
            pos.hate
            or neg.hate
            or pos.has(Term.SLUR)
            or neg.has(Term.SLUR)
            or harms.hate_said_otherwise(base, words, views.native)
        ):
            return Verdict.block(RULES["license.discrimination"])
        # An actor in a role ("Morgan Freeman as a prisoner, movie poster") is acting, not defamed.
        in_a_role = _CAST_AS_NAMED.search(prompt) is not None or (
            _CASTING.search(base) is not None and _SCREEN_WORK.search(base) is not None
        )
        # "The current us president" is as real as his name; "the king of france" in 1793 is history.
        # Someone from the member's life ("my ex", a classmate, a member mentioned) is as real, unless
        # family or a part played: "my dad as a zombie, bloody" is Halloween.
        real = (
            bool(pos.people)
            or (bool(pos.described) and _HISTORY_CUE.search(base) is None)
            or (_outside_the_family(pos.acquainted) and _PART_PLAYED.search(base) is None)
            # An uploaded picture may show anyone: a violent or defaming edit of whoever is in it.
            or (
                edits_upload
                and _SOMEONE_IN_THE_PICTURE.search(base) is not None
                and _PART_PLAYED.search(base) is None
            )
            # Someone of the member's town or school named by office ("our mayor") is as real as a name.
            or (harms.OUR_OFFICIAL.search(base) is not None and _PART_PLAYED.search(base) is None)
        )
        if pos.acquainted and _MOCKING.search(base):
            return Verdict.block(RULES["license.defamation"])
        if real and not in_a_role and harms.CAUGHT_IN_THE_ACT.search(words):
            return Verdict.block(RULES["license.defamation"])
        # A face on a target, a home set on fire with someone inside, a kill list of names, or violence
        # said in another script: of anyone real, family too ("my stepdad run over, gore"), unless a
        # part is played.
        if (
            (real or pos.acquainted)
            and not in_a_role
            and (
                harms.FACE_ON_A_TARGET.search(words)
                or harms.SOMEONE_BURNED_INSIDE.search(words)
                or (pos.people and harms.KILL_LIST.search(words))
                or (pos.people and harms.VIOLENCE_NATIVE.search(views.native))
                or (
                    pos.acquainted
                    and pos.has(Term.VIOLENCE)
                    and harms.GORE.search(words)
                    and _PART_PLAYED.search(base) is None
                )
            )
        ):
            return Verdict.block(RULES["license.violence"])
        # A name called of someone named: a public figure, someone of the member's life, a member, or a
        # "Firstname Lastname" that looks like anyone's.
        if (
            _called_names(prompt)
            and not in_a_role
            and (
                pos.people
                or pos.described
                or _outside_the_family(pos.acquainted)
                or self._lexicon.guess_people(prompt)
            )
        ):
            return Verdict.block(RULES["license.defamation"])
        if pos.people and not in_a_role and _NOTORIOUS.search(base):
            return Verdict.block(RULES["license.defamation"])
        if _ATTACK_PLAN.search(base) or _KILL_LIST.search(base):
            return Verdict.block(RULES["license.violence"])
        if real and pos.has(Term.DEFAMATION) and not in_a_role:
            return Verdict.block(RULES["license.defamation"])
        if real and pos.has(Term.VIOLENCE) and not in_a_role:
            return Verdict.block(RULES["license.violence"])
        framing = pos.terms.get(Term.FRAMING, set())
        if (
            framing
            and real
            and (
                framing - harms.PLAIN_FRAMING
                or pos.has(Term.DISASTER)
                or pos.has(Term.DEFAMATION)
                or harms.TELLS_WORD.search(base)
            )
        ):
            return Verdict.block(RULES["license.disinformation"])
        if harms.forgery(words, edits_upload=edits_upload):
            return Verdict.block(RULES["license.disinformation"])
        # A disaster "on the news" with Godzilla in it, or drawn as a cartoon, fools no one.
        # "A firefighter at a wildfire, photojournalism style" is a look: a framing that says only that a
        # photo is a photo makes a disaster news with a time or a claim ("today", "2025", "announcing").
        told_as_fiction = bool(framing) and _told_as_fiction(base)
        if (
            framing
            and pos.has(Term.DISASTER)
            and not told_as_fiction
            and (
                framing - harms.PLAIN_FRAMING
                or harms.NEWS_MOMENT.search(base)
                or harms.TELLS_WORD.search(base)
                or harms.names_a_place(prompt, framing)
            )
        ):
            return Verdict.block(RULES["license.disinformation"])
        if _VOTING_LIE.search(base) or (_VOTING_METHOD_LIE.search(base) and _ELECTION.search(base)):
            return Verdict.block(RULES["license.disinformation"])
        # A conspiracy proved in a news picture, a headline that a named country or leader did what
        # would be news ("une du Monde : « La France quitte l'UE »"), a disaster as news in another script.
        if (
            framing
            and not told_as_fiction
            and (
                harms.CONSPIRACY_PROVED.search(words)
                or (
                    framing - harms.PLAIN_FRAMING
                    and harms.HEADLINE_CLAIM.search(words)
                    and harms.names_a_place(prompt, framing)
                )
            )
        ) or harms.news_native(views.native):
            return Verdict.block(RULES["license.disinformation"])
        # "v4cc1nes c4use 4ut1sm": the myth in leetspeak, read as its letters (the second word view).
        unleet = " ".join(views.sequences[1]) if len(views.sequences) > 1 else words
        if (
            harms.medical_harm(base, words, views.tokens)
            or harms.harmful_first_aid(words)
            or (unleet != words and harms.medical_harm(unleet, unleet, views.tokens))
            or harms.self_harm(words, views.native)
            or harms.self_harm_by_negation(prompt, negative)
        ):
            return Verdict.block(RULES["license.medical"])
        return None

    def _policy(
        self, prompt: str, negative: str, policy: GuildPolicy, pos: Hits, undressing: bool
    ) -> Verdict | None:
        if policy.banned_terms:
            banned = _banned_term_forms(tuple(policy.banned_terms))
            for text in (prompt, negative):
                if not text:
                    continue
                views = analyze(text)
                for gram in views.grams(MAX_TERM_WORDS, banned.first_words) & banned.forms.keys():
                    return _banned_term_verdict(banned.forms[gram])
                if banned.run_pattern is not None:
                    for run in views.runs:
                        found = banned.run_pattern.search(run)
                        if found:
                            return _banned_term_verdict(banned.forms[found.group(0)])
                if (misspelt := _misspelt_term(views, banned)) is not None:
                    return _banned_term_verdict(misspelt)
            for term, emoji in _emoji_terms(tuple(policy.banned_terms)):
                if any(emoji in analyze(text).base for text in (prompt, negative) if text):
                    return _banned_term_verdict(term)
            native_pattern, native_forms = _native_term_pattern(tuple(policy.banned_terms))
            if native_pattern is not None:
                for text in (prompt, negative):
                    views = analyze(text)
                    if text and views.has_unfolded_letters():
                        found = native_pattern.search(views.native) or native_pattern.search(views.base)
                        if found:
                            return _banned_term_verdict(native_forms[found.group(0)])
        if policy.banned_patterns:
            patterns: tuple[Any, ...] = compiled_patterns(tuple(policy.banned_patterns))
            for text in (prompt, negative):
                if not text:
                    continue
                views = analyze(text)
                # The native view keeps accents and scripts, for patterns such as "café" or "猫".
                for view in dict.fromkeys((views.base, views.canonical, views.native)):
                    if any(p.search(view) for p in patterns):
                        return Verdict.block(RULES["policy.banned_pattern"])
        if policy.nsfw_mode is NsfwMode.OFF and (pos.has(Term.SEXUAL) or undressing):
            return Verdict.block(RULES["policy.nsfw"])
        return None

    def _semantic_check(self, prompt: str, policy: GuildPolicy) -> Verdict | None:
        if self._semantic is None:
            return None
        # Explicit-but-legal content is the guild's choice; the other categories apply everywhere.
        skip = () if policy.nsfw_mode is NsfwMode.OFF else ("sexual_explicit",)
        verdict = self._semantic.screen(prompt, skip=skip)
        return None if verdict.allowed else verdict
