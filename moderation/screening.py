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

from moderation.errors import PromptBlocked
from moderation.lexicon import FAMILY, Hits, Lexicon, Term, load_lexicon
from moderation.normalize import TYPO_MIN_WORD, UNSPACED_SCRIPT, TextViews, TypoIndex, analyze
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


def _word_set(text: str) -> frozenset[str]:
    """The words of `text`: a set kept as a line of prose, easier to read and extend than a list."""
    return frozenset(text.split())


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
        and _CSAM_CODE.search(_words_of(prompt)) is not None
    )


def _called_names(prompt: str) -> bool:
    """Whether the prompt calls someone names (see `_NAME_CALLING`)."""
    views = analyze(prompt)
    return bool(views.tokens & _INSULT_WORDS) and _NAME_CALLING.search(_words_of(prompt)) is not None


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
_INSULT_WORDS = _word_set(
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
# Illnesses false cures and false causes are claimed for.
_ILLS = (
    r"covid|covid 19|corona|coronavirus|cancer|autism|autisme|autismus|autismo|autyzm|hiv|aids|diabetes"
    r"|malaria|measles|infertility|sids|parasites"
)
_VACCINES = (
    r"(?:vaccines?|vaccinations?|vacunas?|vaccins?|impfungen|impfung|impfstoffe?|szczepionki|vacinas?|vaksin"
    r"|asilar)"
)
# Medical advice the license forbids, and pictures that teach self-harm: false cures, dosing children,
# "where to cut", pro-anorexia posters, vaccine myths.
_MEDICAL_HARM = re.compile(
    r"(?<![a-z])(?:(?:drink|drinking|how much) bleach|bleach to (?:cure|treat)"
    r"|cures? (?:covid|cancer|diabetes|autism|hiv|aids)(?: [a-z]+)? with|(?:covid|cancer|diabetes|autism) cure"
    r" with|stop (?:taking )?(?:insulin|chemo|chemotherapy|your meds|medication)|chemotherapy is poison"
    r"|(?:dose|dosage|doses) (?:chart |for )?(?:[a-z]+ ){0,3}(?:children|kids|baby|babies|infants?|toddlers?)"
    r"|(?:ivermectin|benadryl|melatonin|tylenol) (?:dose|dosage) for (?:children|kids|a baby|babies)"
    r"|to make (?:it|the baby|a baby|him|her) sleep|cut (?:your|my|their) wrists|where to cut"
    r"|how to (?:kill yourself|commit suicide|hang yourself)|suicide methods?|to overdose|overdose on"
    r"|pro[ -]?ana|pro[ -]?mia|thinspiration|thinspo|meanspo|bonespo"
    # False claims about vaccines and cures, in the languages of the word lists.
    rf"|{_VACCINES}(?: [a-z]+){{0,3}} (?:can )?(?:cause|causes|causing|caused|causan|causent|verursachen"
    rf"|verursacht|powoduja|causam|menyebabkan|contain|contains)(?: [a-z]+){{0,2}} (?:l'|l )?(?:{_ILLS}"
    rf"|microchips?|chips?|death|deaths|poison|tracking devices?)"
    rf"|{_VACCINES}(?: [a-z]+){{0,3}} (?:killed|kill|kills|tue|tuent|mata|matam)(?: [a-z0-9]+){{0,2}}"
    rf" (?:children|kids|enfants|ninos|kinder|people|thousands|babies|you)"
    rf"|{_VACCINES}(?: [a-z]+){{0,2}} (?:are poison|to trucizna|kisirlastiriyor|alter your dna)"
    rf"|dont vaccinate|do not vaccinate|nie szczep|asilatmayin|skip the (?:[a-z]+ )?vaccines?"
    rf"|covid is a hoax|masks cause|chemo(?:therapy)? kills|quimioterapia mata|cure yourself with|curate con"
    rf"|colloidal silver cures|how much ivermectin|ivermectin (?:horse paste|dose|dosage) |horse paste"
    rf"|stop taking (?:your |their |my )?(?:[a-z]+ ){{0,2}}(?:meds|medication|pills|medicine|antidepressants"
    rf"|insulin)|stop your (?:[a-z]+ )?(?:antidepressants|meds|medication|insulin)|antidepressants cold turkey"
    rf"|5g (?:causes|caused|spreads|spread) (?:covid|cancer"
    rf"|corona)|(?:cures|cured|cura|curan|heals|healed|can cure|will cure) (?:the |l |el |la )?(?:{_ILLS})"
    rf"|antibiotics (?:cure|for|against) (?:the )?(?:flu|a cold|colds|viruses)"
    rf"|(?:{_ILLS}) (?:can be|is|are) (?:cured|healed|treated) (?:with|by)"
    rf"|(?:ivermectin|hydroxychloroquine|bleach|garlic|prayer|essential oils?) instead of (?:the |your )?"
    rf"(?:[a-z]+ )?(?:vaccines?|chemo|chemotherapy|insulin|medication|antibiotics)"
    rf"|(?:drink|drinking|swallow|inject|injecting) (?:some |a cup of )?(?:turpentine|kerosene|hydrogen peroxide"
    rf"|chlorine dioxide|mms|lye|antifreeze)|mix(?:ing)? bleach and ammonia|bleach and ammonia"
    rf"|pills are poison|self ?harm (?:safely|guide|tips|tutorial|instructions)|how to self ?harm"
    rf"|cutting guide|how to cut (?:yourself|myself)|instructions for suicide|suicide (?:by|guide|instructions"
    rf"|tutorial)|lethal dose|to end it all|to end my life|how to purge|purging tips|bulimia tips"
    rf"|anorexia tips|coat hanger abortion|abortion with a coat hanger|home abortion)(?![a-z])"
)


# Illnesses a false cure is sold for, beyond `_ILLS`: what people die of when they are told to skip
# their treatment.
_SERIOUS_ILLS = (
    rf"{_ILLS}|(?:type [12] |type one |type two )?diabetes|tuberculosis|tb|meningitis|epilepsy|asthma"
    r"|hepatitis|lupus|multiple sclerosis|parkinsons|alzheimers|dementia|leukemia|leukaemia|tumou?rs?"
    r"|sepsis|pneumonia|infections?|fevers?|a fever|strep|stds?|syphilis|gonorrh?ea|rabies|cholera|ebola"
    r"|heart disease|kidney disease|depression|schizophrenia|bipolar|adhd|stroke|gangrene|lyme"
)
# A claim that something cures an illness: "cures stage 4 cancer", "heal autism", "treat meningitis
# with", "tuberculosis is cured by".
_CURE_CLAIM = re.compile(
    r"(?<![a-z])(?:(?:cure|cures|cured|curing|heal|heals|healed|healing|reverse|reverses|reversing|treat"
    r"|treats|treating|beat|beats|eliminate|eliminates|eradicate|eradicates|kill|kills|fix|fixes"
    rf"|get rid of)(?: [a-z0-9]+){{0,3}} (?:{_SERIOUS_ILLS})"
    rf"|(?:{_SERIOUS_ILLS}) (?:can be|is|are|gets|get) (?:cured|healed|reversed|treated|gone)"
    r"|(?:cura|curan|curar|guerit|guerissent|heilt|heilen|sembuhkan|menyembuhkan|iyilestirir) )"
    r"(?![a-z])"
)
# What is sold as the cure, or is a poison given as one.
_QUACK_REMEDY = re.compile(
    r"(?<![a-z])(?:urine|pee|urotherapy|fasting|water fast|dry fast|herbal|herbs|tea|prayer|prayers|pray"
    r"|faith|holy water|essential oils?|baking soda|lemon|vinegar|juice|juicing|garlic|turmeric|ginger"
    r"|homeopath\w*|crystals?|sungazing|enemas?|detox|cleanse|alkaline|bleach|turpentine|kerosene|chlorine"
    r" dioxide|mms|miracle mineral|colloidal silver|hydrogen peroxide|ozone|magnets?|reiki|miracle|raw vegan"
    r"|vitamin c|apple cider|castor oil|borax|black salve|coffee enemas?|ivermectin|horse paste|oregano oil"
    r"|silver|raw milk|sunlight|sun exposure|cannabis oil|weed|kratom)(?![a-z])"
)
# Medicines thrown away or withheld: "stopping insulin", "throw away the pills", "don't give your kids
# antibiotics". Not "never stop taking your antibiotics early", which is a doctor's advice.
_TREATMENT = (
    r"(?:insulin|chemo|chemotherapy|antibiotics|antiretrovirals|arvs|meds|medication|medications|medicine"
    r"|medicines|pills|inhaler|inhalers|vaccines?|vaccinations?|antidepressants|epipen|dialysis|blood thinners)"
)
_TREATMENT_REFUSED = re.compile(
    r"(?<![a-z])(?<!dont )(?<!do not )(?<!never )(?:stop|stopping|stops|quit|quitting|ditch|ditching|skip"
    r"|skipping|refuse|refusing|throw away|throwing away|throw out|flush|flushing|no more|replace|replaces"
    r"|replacing)(?: taking| using)? (?:all )?(?:your |the |their |my |his |her )?(?:[a-z]+ )?"
    rf"{_TREATMENT}(?![a-z])"
    r"|(?:dont|do not|never) (?:give|giving|take|taking|use|using|trust) (?:your |their |the )?"
    rf"(?:[a-z]+ )?(?:[a-z]+ )?{_TREATMENT}(?![a-z])"
    rf"|(?<![a-z]){_TREATMENT} (?:is|are) (?:a )?(?:poison|poisonous|toxic|killing you|a scam|a lie|the real killer)"
    r"(?![a-z])"
)
# Poisons taken as medicine, and what ends a pregnancy taken by mouth or by force.
_POISON_AS_MEDICINE = re.compile(
    r"(?<![a-z])(?:(?:drink|drinking|drinks|swallow|swallowing|give|giving|take|taking|inject|injecting"
    r"|gargle|gargling)(?: (?:some|a cup of|a glass of|your own|their own|your|their|a few|drops of))?"
    r" (?:own )?(?:urine|pee|turpentine|kerosene|bleach|chlorine dioxide|mms|hydrogen peroxide|borax|lye"
    r"|antifreeze|methanol|gasoline|petrol|colloidal silver)"
    r"|(?:turpentine|kerosene|chlorine dioxide|mms|bleach|borax|hydrogen peroxide) (?:drops|enemas?|baths?"
    r" for (?:your |the )?(?:baby|kids|children)|for (?:babies|kids|children|your baby|the baby))"
    r"|(?:measles|chicken ?pox|covid|flu|polio) part(?:y|ies)"
    r"|(?:sungazing|breatharian\w*|inedia|prana)(?: [a-z]+){0,3} (?:replaces?|instead of|is all you need)"
    r"|(?:you|we|humans) (?:dont|do not|don t) need (?:food|to eat|water)"
    r"|(?:induce|inducing|perform|performing|do|doing|self induce|self inducing)(?: an| a| your own| her own)?"
    r" (?:abortion|miscarriage) (?:at home|yourself|alone|with)"
    r"|(?:coat hanger|knitting needle)(?: [a-z]+){0,3} (?:abortion|miscarriage)"
    r"|abortion(?: [a-z]+){0,4} (?:coat hanger|knitting needle)"
    r"|(?:safe|right|correct|recreational|how much) (?:dose|dosage|amount)s? (?:of )?(?:[a-z]+ )?(?:fentanyl"
    r"|heroin|carfentanil|meth|ketamine|ghb|xanax|oxycodone|oxy|morphine)"
    r"|(?:fentanyl|heroin|carfentanil|meth|ketamine|ghb|xanax|oxycodone)(?: [a-z]+){0,5}"
    r" (?:to get high|dosing guide|dosage guide|dose chart|dosing chart)"
    r"|to get high at home)(?![a-z])"
)
_PREGNANT = re.compile(r"(?<![a-z])(?:pregnant|pregnancy|expecting mothers?)(?![a-z])")
_ABORTIFACIENT = re.compile(
    r"(?<![a-z])(?:quinine|castor oil|pennyroyal|mugwort|tansy|blue cohosh|black cohosh|rue|savin)(?![a-z])"
)
# Myths about vaccines said with any word between: "the vaccine is a bioweapon designed to depopulate",
# "the HPV vaccine makes girls infertile", "vaccine injury death toll". Debunking them says the words
# too, with a word that says it is debunking.
_VACCINE_WORD = re.compile(
    r"(?<![a-z])(?:vaccines?|vaccinations?|vaccinated|jabs?|vacunas?|vaccins?|impfen|impfung|impfungen"
    r"|impfstoffe?|szczepionki|szczepionka|vacinas?|vaksin|asilar|asi|mrna)(?![a-z])"
)
_VACCINE_MYTH = re.compile(
    r"(?<![a-z])(?:bioweapons?|bio weapons?|depopulat\w*|sterili[sz]\w*|infertil\w*|death toll|mark of the beast"
    r"|microchips?|nanobots?|graphene|magnetic|magnetism|shedding|turbo cancer|died suddenly|genocide"
    r"|population control|poison|poisoned|poisonous|kills|killing|killer|autism|autistic|autisme|autismus"
    r"|autismo|autyzm|[ld]autisme?|bioarma|arma biologica|biowaffe|unfruchtbar\w*|esterilidad|despoblacion|kisir\w*"
    r"|mandul|provoquent l autisme|provoque l autisme|alter (?:your|the) dna|changes? your dna)(?![a-z])"
)
_DEBUNKING = re.compile(
    r"(?<![a-z])(?:myths?|debunk\w*|false|fact check\w*|misinformation|disinformation|hoax(?:es)? debunked"
    r"|do not|dont|does not|doesnt|dont cause|no link|not cause|safe and effective|faits?|mythe|mito"
    r"|falso|faux)(?![a-z])"
)


_DENIED = re.compile(r"(?<![a-z])(?:not|dont|doesnt|never|no)(?![a-z])")


def _denied(claim: str) -> bool:
    """Whether a negation comes after a claim's first word: "vaccines do not cause autism"."""
    return _DENIED.search(claim) is not None and _DENIED.match(claim.removeprefix("do ")) is None


# A word each way of `_POISON_AS_MEDICINE`, `_TREATMENT_REFUSED` and `_CURE_CLAIM` needs: the patterns
# are long, and most prompts hold none of these (`_medical_harm` skips them then).
_POISON_WORDS = _word_set(
    "urine pee turpentine kerosene bleach chlorine mms hydrogen borax lye antifreeze methanol gasoline"
    " petrol colloidal party parties sungazing breatharian breatharians breatharianism inedia prana need"
    " abortion miscarriage hanger needle dose doses dosage dosages amount amounts fentanyl heroin"
    " carfentanil meth ketamine ghb xanax oxycodone oxy morphine high"
)
_TREATMENT_WORDS = _word_set(
    "insulin chemo chemotherapy antibiotics antiretrovirals arvs meds medication medications medicine"
    " medicines pills inhaler inhalers vaccine vaccines vaccination vaccinations antidepressants epipen"
    " dialysis thinners"
)
_CURE_WORDS = _word_set(
    "cure cures cured curing heal heals healed healing reverse reverses reversing reversed treat treats"
    " treating treated beat beats eliminate eliminates eradicate eradicates kill kills fix fixes rid gone"
    " cura curan curar guerit guerissent heilt heilen sembuhkan menyembuhkan iyilestirir"
)


# A warning said before the advice it warns against: "a poster on the dangers of drinking bleach", "never
# mix bleach and ammonia", "the risks of stopping insulin".
_WARNING_BEFORE = re.compile(
    r"(?<![a-z])(?:dangers?|dangerous|risks?|hazards?|warning|warnings|warns?|never|dont|do not|don t|avoid"
    r"|against|shouldnt|should not|myths?|deaths? from|poisoned by)(?: (?:of|about|against|in|from))?"
    r"(?: [a-z]+){0,2} $"
)


# Advice that is a thing done, which a warning can come before; a claim ("chemotherapy is poison") said
# after "the dangers of chemotherapy" is still the claim.
_DONE_ADVICE = re.compile(
    r"(?:drink|drinking|drinks|swallow|swallowing|inject|injecting|mix|mixing|gargle|gargling|give|giving"
    r"|take|taking|stop|stopping|how|cut|to overdose|overdose|bleach and)(?![a-z])"
)


def _warned_against(text: str, start: int) -> bool:
    """Whether the advice found at `start` of `text` is a thing done that comes after a warning (see
    `_WARNING_BEFORE`)."""
    return (
        _DONE_ADVICE.match(text, start) is not None
        and _WARNING_BEFORE.search(text, max(0, start - 48), start) is not None
    )


def _medical_harm(base: str, words: str, tokens: frozenset[str]) -> bool:
    """Medical advice the license forbids (see `_MEDICAL_HARM` and the patterns above); `tokens` are
    the prompt's (`TextViews.tokens`)."""
    # "Vaccines do not cause autism" says the myth's words to deny it ("do not vaccinate" begins with
    # its negation: that is the advice).
    if any(
        _denied(found.group(0)) is False and not _warned_against(base, found.start())
        for found in _MEDICAL_HARM.finditer(base)
    ):
        return True
    if tokens & _POISON_WORDS and any(
        not _warned_against(words, found.start()) for found in _POISON_AS_MEDICINE.finditer(words)
    ):
        return True
    if tokens & _TREATMENT_WORDS and _TREATMENT_REFUSED.search(words):
        return True
    if tokens & _CURE_WORDS and _CURE_CLAIM.search(words) and _QUACK_REMEDY.search(words):
        return True
    if _PREGNANT.search(words) and _ABORTIFACIENT.search(words):
        return True
    return (
        _VACCINE_WORD.search(words) is not None
        and _VACCINE_MYTH.search(words) is not None
        and _DEBUNKING.search(words) is None
    )


# Official bodies and companies whose letters, notices and pages are forged to frighten or to defraud.
_AGENCIES = (
    r"irs|fbi|cia|nsa|cdc|fda|dhs|fema|nhs|hmrc|dvla|ssa|social security(?: administration)?|home office"
    r"|white house|pentagon|kremlin|downing street|number 10|(?:l|d)?elysee|bundesregierung|bundeskanzleramt"
    r"|polizei|police(?: department)?|sheriff s office|sheriffs office|interpol|europol|nasa|united nations"
    r"|world health organi[sz]ation|(?:us |uk |federal )?government|state department|treasury|federal reserve"
    r"|supreme court|congress|parliament|rki|robert koch institut|department of [a-z]+|ministry of [a-z]+"
    r"|ministere de (?:l )?[a-z]+|ministerio de [a-z]+|gendarmerie|policia|guardia civil|carabinieri"
    r"|city council|town hall|electoral commission|election commission|dmv|customs|border patrol|immigration"
    r"|pfizer|moderna|mayo clinic|harvard|oxford university|stanford"
)
_OFFICIAL_PAPER = (
    r"letters?|letterhead|notices?|alerts?|warnings?|press releases?|announcements?|memos?|memorandum|seals?"
    r"|stamps?|e ?mails?|sms|text messages?|communiques?|comunicados?|statements?|orders?|decrees?|summons"
    r"|subpoenas?|bulletins?|advisor(?:y|ies)|directives?|circulars?|press images?|press photos?|websites?"
    r"|pages?|forms?|documents?|invoices?|fines?|citations?|mandates?|pressemitteilung|bescheid|schreiben"
    r"|lettres?|cartas?|avisos?|avis|oficios?"
)
# What makes such a paper pass for real: "official", a seal, a signature, a screenshot, "realistic".
_PASSES_FOR_REAL = (
    r"official|officially|official looking|officiel|officielle|oficial|offiziell\w*|amtlich\w*|realistic"
    r"|realistically|realista|realiste|authentic|genuine|fake|forged|letterhead|seal|signed|signature|stamped"
    r"|screenshot|print ready|printable|leaked|looks real|convincing"
)
# What it tells its reader: a claim, an order or a demand (not "showing", which any photo does).
_TELLS = (
    r"saying|says|announcing|announces|announced|declaring|declares|ordering|orders|demanding|demands"
    r"|requiring|requires|asking|asks|telling|tells|warning|warns|admitting|admits|confirming|confirms"
    r"|cancelling|canceling|cancels|stating|states|claiming|claims|proving|proves|revealing|reveals"
    r"|admitting|caught|exposed|secretly|spotted|busted|faked|staged|hoax|filmed in a studio|payment"
    r"|gift cards|immediately|evacuate|deport\w*|arrest\w*|suspend\w*"
    r"|annoncant|annonce|anunciando|anuncia|ordenando|ordonnant|exigeant|exigiendo|verkundet|fordert"
)
_AGENCY_PAPER = re.compile(
    rf"(?<![a-z])(?:(?:{_AGENCIES})(?: [a-z]+){{0,2}} (?:{_OFFICIAL_PAPER})"
    rf"|(?:{_OFFICIAL_PAPER})(?: [a-z]+){{0,2}} (?:from|of|by|on|de|du|des|der|von) (?:the |la |le |l )?"
    rf"(?:[a-z]+ ){{0,2}}(?:{_AGENCIES}))(?![a-z])"
)
_PASSES_FOR_REAL_WORD = re.compile(rf"(?<![a-z])(?:{_PASSES_FOR_REAL})(?![a-z])")
_TELLS_WORD = re.compile(rf"(?<![a-z])(?:{_TELLS})(?![a-z])")
# A login or payment page of a brand that asks for what a thief wants.
_BRANDS = (
    r"paypal|amazon|apple|icloud|microsoft|outlook|office 365|google|gmail|netflix|facebook|instagram"
    r"|whatsapp|bank of america|chase|wells fargo|hsbc|barclays|lloyds|santander|citibank|irs|hmrc|dhl|fedex"
    r"|ups|usps|royal mail|coinbase|binance|metamask|steam|discord|ebay|venmo|cash app|zelle|revolut|visa"
    r"|mastercard|american express|amex"
)
_CREDENTIALS_ASKED = re.compile(
    r"(?<![a-z])(?:(?:asking|asks|ask|enter|entering|confirm|confirming|verify|verifying|update|updating"
    r"|requesting|request|provide|re enter|type)(?: for)?(?: in)? (?:your |the |their |my )?(?:password"
    r"|passwords|card details|card number|credit card|login|login details|pin|cvv|bank details"
    r"|account details|seed phrase|recovery phrase|social security number|ssn|2fa code|verification code)"
    r"|(?:account|card) (?:suspension|suspended|locked|compromised|verification|on hold)|security alert"
    r"|unusual (?:activity|sign in)|verify your (?:account|identity))(?![a-z])"
)
_BRAND = re.compile(rf"(?<![a-z])(?:{_BRANDS})(?![a-z])")
# Banknotes made to be printed: an amount of money with a printer's words, or counterfeit outright (a
# museum's scan of both sides is no forgery).
_MONEY = re.compile(
    r"(?<![a-z])(?:[$€£¥₹]\s?[0-9]+|[0-9]+ ?(?:dollars?|euros?|pounds?|yen|rupees?|pesos?|usd|eur|gbp))"
    r" (?:[a-z]+ )?(?:bills?|notes?|banknotes?)(?![a-z])|(?<![a-z])(?:banknotes?|bank notes?|currency notes?"
    r"|dollar bills?|euro notes?|pound notes?)(?![a-z])"
)
_PRINTED_MONEY = re.compile(
    r"(?<![a-z])(?:print ready|printable|for printing|to print|exact size|actual size|true size|real size"
    r"|uv features|security thread|counterfeit|fake money|replica)(?![a-z])"
)
_COUNTERFEIT = re.compile(
    r"(?<![a-z])(?:counterfeit|fake|forged) (?:[a-z]+ )?(?:[$€£¥₹][0-9]+ )?(?:money|cash|currency|bills?"
    r"|banknotes?|notes|dollars|euros)(?![a-z])"
)
# Papers that prove who someone is or what they did, made out for someone or made to pass.
_PERSONAL_PAPERS = re.compile(
    r"(?<![a-z])(?:(?:covid |covid 19 )?(?:vaccination|vaccine|immuni[sz]ation) (?:card|certificate|record"
    r"|pass|passport)|passports?|visa pages?|visa stamps?|diplomas?|degree certificates?|sick notes?"
    r"|doctor s notes?|doctors notes?|medical certificates?|driver s licen[cs]es?|drivers licen[cs]es?"
    r"|driving licen[cs]es?|id cards?|identity cards?|birth certificates?|prescriptions?|work permits?"
    r"|residence permits?|green cards?|social security cards?|pay ?stubs?|bank statements?)(?![a-z])"
)
_MADE_TO_PASS = re.compile(
    r"(?<![a-z])(?:fake|forged|forgery|counterfeit|with my name|in my name|with his name|with her name"
    r"|made out to|for john doe|for jane doe|signature and stamp|stamp and signature|signed and stamped"
    r"|official seal|filled in|filled out|lot number|print ready|printable|blank template|editable template"
    r")(?![a-z])"
)


def _forgery(words: str, *, edits_upload: bool) -> bool:
    """Whether a prompt forges an official paper, a brand's page, a banknote or a personal paper."""
    # Each part's rarer, shorter pattern first: most prompts stop there.
    # An upload has its text already: an official letterhead or seal added to it forges it.
    if (
        _PASSES_FOR_REAL_WORD.search(words)
        and (edits_upload or _TELLS_WORD.search(words))
        and _AGENCY_PAPER.search(words)
    ):
        return True
    if _CREDENTIALS_ASKED.search(words) and _BRAND.search(words):
        return True
    if _COUNTERFEIT.search(words) or (_PRINTED_MONEY.search(words) and _MONEY.search(words)):
        return True
    return _MADE_TO_PASS.search(words) is not None and _PERSONAL_PAPERS.search(words) is not None


# When a news picture says its event happened: "today", "this morning", "breaking", a recent year.
_NEWS_MOMENT = re.compile(
    r"(?<![a-z0-9])(?:today|todays|tonight|yesterday|yesterdays|this (?:morning|afternoon|evening|week|weekend)|last night"
    r"|just now|right now|moments ago|hours ago|breaking|happening now|just happened|live|20[0-9]{2}"
    r"|19[5-9][0-9])(?![a-z0-9])"
)


_CAPITALISED_WORD = re.compile(r"(?<![\w'’])[A-Z][a-z]+")


def _names_a_place(prompt: str, framing: set[str]) -> bool:
    """Whether a news picture names where or what it shows: a capitalised word, after the first, that is
    not its framing ("Getty Images photo of the Statue of Liberty", not "Photojournalism style")."""
    framing_words = {word for form in framing for word in form.split()}
    words = [w.lower() for w in _CAPITALISED_WORD.findall(prompt, 1)]
    return any(word not in framing_words for word in words)


# News framings that say only that a photo is a photo ("documentary photo", "press photo"): of a real
# person they are a news picture only with an event or a claim in it.
_PLAIN_FRAMING = frozenset(
    (
        "documentary photo",
        "official photo",
        "press photo",
        "real photo",
        "genuine photo",
        "authentic photo",
        "photojournalism",
        "white house photo",
        "official white house photo",
        "press conference photo",
        "pool photo",
        "press pool",
        "getty",
        "getty images",
        "ap photo",
        "reuters style",
        "ap style",
        "exclusive photo",
        "live broadcast",
        "live footage",
        "instagram post",
    )
)


# Antisemitic tropes around a word for Jews: the hooked nose, the greedy banker, the puppet master.
_JEWISH = re.compile(
    r"(?<![a-z])(?:jews?|jewish|juden?|judios?|judias?|juifs?|juives?|zydzi|zydow|zyd|yahudi\w*|ebrei|ebreo"
    r"|joden|joods|rothschilds?)(?![a-z])"
)
_ANTISEMITIC_TROPE = re.compile(
    r"(?<![a-z])(?:hook(?:ed)? noses?|big noses?|huge noses?|long noses?|greedy|greed|pulling (?:the )?strings"
    r"|puppet ?masters?|puppeteers?|(?:controls?|controlling|run|runs|running|rule|rules|ruling) the (?:world"
    r"|media|banks|money)|world domination|they run it|money grabbing|shekels?|happy merchant|christ killers?"
    r"|blood libel)(?![a-z])"
)
# The antisemitic "echo" with nothing inside, and named outright.
_EMPTY_ECHO = re.compile(r"\(\(\(\s*\)\)\)|(?<![a-z])(?:triple|echo) parenthes[ie]s(?![a-z])")
# Mass killers made saints and heroes: "Saint Tarrant", "the Christchurch shooter as a saint".
_MASS_KILLER = re.compile(
    r"(?<![a-z])(?:(?:christchurch|el paso|buffalo|charleston|columbine|parkland|uvalde|sandy hook|las vegas"
    r"|orlando|pittsburgh|poway|utoya|isla vista|halle|hanau|mass|school|church|mosque|synagogue)"
    r" (?:shooters?|gunmen|gunman|killers?|attackers?|murderers?)|brenton tarrant|tarrant|dylann roof"
    r"|breivik|elliot rodger|payton gendron|patrick crusius|robert bowers|timothy mcveigh|eric harris"
    r"|dylan klebold)(?![a-z])"
)
_GLORIFIED = re.compile(
    r"(?<![a-z])(?:saint|st|halo|hero|heroes|heroic|icon|glorif\w*|celebrat\w*|tribute|worship\w*|legend"
    r"|legendary|martyr|praise|praising|shrine|fan art|king|god|based|high score|kill count|stained glass)"
    r"(?![a-z])"
)
# Code words for groups ("skypes", "googles", "yahoos"; "jogger" for a Black man), read as code when
# two are together or one is with a noose or a lamppost.
_CODE_WORDS = re.compile(r"(?<![a-z])(?:skypes|googles|yahoos|bings|joggers?|dindus?)(?![a-z])")
_LYNCHING = re.compile(
    r"(?<![a-z])(?:noose|nooses|hanging|hanged|hung|lynch\w*|gas|gassed|ovens?|lampposts?|rope|gallows)"
    r"(?![a-z])"
)
# Groups and what demeans them in other languages, said in one phrase: "judíos como ratas", "Kürtler hain",
# "ユダヤ人は害虫", "اليهود خنازير". Latin-script words as folded, a few words apart; other scripts anywhere in
# the phrase.
_GROUPS_ELSEWHERE = (
    r"judios|judias|juifs|juives|juden|zydzi|zydow|yahudiler|ebrei|joden|musulmanes|musulmans|muslime|moslems"
    r"|musulmani|muzulmanie|muslumanlar|negros|noirs|schwarze|neri|negri|gitanos|gitans|zigeuner|zingari"
    r"|cyganie|kurtler|suriyeliler|araber|arabes|arabi|arabowie|inmigrantes|immigres|immigrati|auslander"
    r"|fluchtlinge|migranten|refugiados|refugies|mexicanos|homosexuales|homosexuels|schwule|maricones"
    r"|lesbianas|chinos|chinois|asiaticos|rumanos|roumains|polacos|turcos|turken|ermeniler|aleviler"
    r"|orang cina|yahudi|kafirler"
)
_DEMEANED_ELSEWHERE = (
    r"ratas|rats|ratten|szczury|fareler|tikus|cucarachas|cafards|kakerlaken|karaluchy|basura|ordures|abschaum"
    r"|dreck|untermenschen|parasitos|parasites|parasiten|pasozyty|animales|animaux|tiere|zwierzeta|hayvanlar"
    r"|binatang|cerdos|puercos|porcs|schweine|swinie|domuzlar|babi|monos|singes|affen|malpy|maymunlar|monyet"
    r"|terroristas|terroristes|terroristen|terrorysci|teroristler|teroris|hain|haindir|hainler|pis|plaga"
    r"|ungeziefer|vermine|alimanas|sous hommes|bichos|ladrones|voleurs|diebe|hirsiz|hirsizlar|violadores"
    r"|violeurs|vergewaltiger|sanguijuelas|sangsues|blutsauger|invasores|envahisseurs|invasoren|istilacilar"
    r"|dehors|raus|fuera|defolun|kanker"
)
_HATE_ELSEWHERE = re.compile(
    rf"(?<![a-z])(?:(?:{_GROUPS_ELSEWHERE})(?: [a-z]+){{0,3}} (?:{_DEMEANED_ELSEWHERE})"
    rf"|(?:{_DEMEANED_ELSEWHERE})(?: [a-z]+){{0,3}} (?:{_GROUPS_ELSEWHERE}))(?![a-z])"
)
_GROUPS_NATIVE = re.compile(
    r"유대인|ユダヤ|犹太|猶太|евре\w*|мусульман\w*|негр\w*|цыган\w*|اليهود|يهود|المسلمين|مسلمون|مسلمين|السود"
    r"|मुसलमान|मुस्लिम|यहूदी|दलित|ईसाई|黑人|穆斯林|回教徒|朝鮮人|韓国人|中国人|在日|흑인|무슬림|조선족|한국인|일본인"
)
_DEMEANED_NATIVE = re.compile(
    r"害虫|ゴキブリ|ネズミ|寄生虫|豚|猿|ゴミ|蟑螂|老鼠|猪|猴子|垃圾|病毒|쥐|바퀴벌레|기생충|돼지|원숭이|벌레|쓰레기"
    r"|крыс\w*|таракан\w*|паразит\w*|свинь\w*|обезьян\w*|мусор|خنازير|قردة|فئران|صراصير|حشرات|طفيليات"
    r"|إرهابيون|ارهابيون|आतंकवादी|कीड़े|सूअर|चूहे|गद्दार|правят миром|правят"
)
_PHRASE_END = re.compile(r"[,.;:!?()\[\]|]+")
_NATIVE_PHRASE_END = re.compile(r"[,.;:!?，、。：；！？،]+")


def _hate_said_otherwise(base: str, words: str, native: str) -> bool:
    """Hate the word lists miss: antisemitic tropes, the empty echo, mass killers glorified, code words
    for groups, and groups demeaned in other languages (see the patterns above)."""
    # In one phrase: "the Jewish quarter of Prague, greedy pigeons" is two.
    if _JEWISH.search(words) and any(
        _JEWISH.search(phrase) and _ANTISEMITIC_TROPE.search(phrase) for phrase in _PHRASE_END.split(base)
    ):
        return True
    if ("(((" in base and _EMPTY_ECHO.search(base)) or ("parenthes" in words and _EMPTY_ECHO.search(words)):
        return True
    if _MASS_KILLER.search(words) and _GLORIFIED.search(words):
        return True
    code_words = set(_CODE_WORDS.findall(words))
    if len(code_words) >= 2 or (code_words and _LYNCHING.search(words)):
        return True
    # On the base view, whose punctuation keeps the words of different phrases apart.
    if _HATE_ELSEWHERE.search(base):
        return True
    return not native.isascii() and any(
        _GROUPS_NATIVE.search(phrase) and _DEMEANED_NATIVE.search(phrase)
        for phrase in _NATIVE_PHRASE_END.split(native)
    )


# Self-harm taught: an act of self-harm together with what makes a picture a lesson ("how to", "guide",
# "painless", "step by step"), in English and the languages members write in. The acts alone are the
# subject of grief art, awareness posters and films ("suicide squad", "suicide prevention month").
_NOT_SELF_HARM = (
    r"(?!(?: [a-z]+)? (?:squad|prevention|awareness|hotline|helpline|lifeline|crisis|watch|doors?|king|kings"
    r"|bombers?|bombing|vests?|mission|missions|run|runs|pact|survivors?|loss|grief|rates?|statistics"
    r"|support|counsell?ing|call|line|risk|blonde|girls|boys|song|season|note)(?![a-z]))"
)
_SELF_HARM_ACT = (
    r"(?:kill|killing|kills|hang|hanging|drown|drowning|poison|poisoning|starve|starving|shoot|shooting"
    r"|harm|harming|hurt|hurting|cut|cutting|burn|burning|off|overdose|overdosing)"
    r" (?:yourself|myself|oneself|themselves|herself|himself|urself)"
    r"|(?:end|ending|take|taking) (?:your|my|one s|their|her|his) (?:own )?life"
    rf"|(?:commit|committing|commits|complete|completing) suicide|suicide{_NOT_SELF_HARM}|suicidal"
    r"|(?:cut|cutting|slit|slitting|slash|slashing|open|opening)(?: (?:your|my|their|her|his|one s|the))?"
    r" (?:own )?(?:wrists?|veins?|forearms?|thighs?)|(?:wrist|vein) cutting"
    r"|self ?harm(?:ing)?|self ?injur(?:y|ies|ing)|self ?mutilat(?:ion|ing)"
    r"|(?:pills?|tablets?|dose|doses|amount|much|many) (?:[a-z]+ ){0,4}to (?:take )?(?:to )?die"
    r"|to die (?:in (?:your|my|their) sleep|painlessly|quickly|fast)"
    r"|razor(?: blade)? (?:over|on|against|to|across) (?:your|my|their|her|his|the) (?:arm|wrist|thigh)s?"
    r"|(?:jump|jumping) (?:off|from) (?:a|the) (?:bridge|building|roof|rooftop|cliff) to die"
    # Spanish, Portuguese, French, German, Italian, Turkish, Indonesian (as folded).
    r"|suicidarse|suicidarte|suicidar se|matarse|matarte|quitarse la vida|quitarte la vida"
    r"|(?:cortarse|cortarte|cortar) (?:las|los) (?:venas|munecas|pulsos)|ahorcarse|se matar|tirar a propria vida"
    r"|se suicider|te suicider|se tuer|te tuer|(?:se|s|te|t) (?:couper|ouvrir) les veines|se pendre"
    r"|mettre fin a (?:ses|mes|tes) jours|selbstmord|suizid|sich (?:umbringen|toten|ritzen|erhangen)"
    r"|(?:die )?pulsadern aufschneiden|suicidarsi|uccidersi|tagliarsi le vene|togliersi la vita"
    r"|kendini (?:oldurmek|oldurmenin|oldurme|asmak|kesmek)|intihar(?: etmek| etmenin)?"
    r"|bunuh diri|memotong nadi|menyayat (?:tangan|nadi)"
)
_TEACHING = (
    r"(?:how to|how do (?:i|you)|how many|how much|ways? to|best way|easiest way|quickest way|fastest way"
    r"|surest way|painless|painlessly|without pain|no pain|methods?|guide|guides|tutorial|step by step"
    r"|steps|instructions?|instructional|diagram|infographic|illustrated|chart|tips|where to|what to"
    # Spanish, Portuguese, French, German, Italian, Turkish, Indonesian (as folded).
    r"|como|guia|paso a paso|sin dolor|metodos?|manera de|formas? de|instrucciones|infografia"
    r"|passo a passo|sem dor|comment|etape par etape|sans douleur|methodes?|tutoriel|infographie"
    r"|wie man|anleitung|schritt fur schritt|schmerzlos|methoden|come|guida|passo passo|senza dolore"
    r"|nasil|yollari|yolu|rehber|adim adim|acisiz|infografik|cara|panduan|langkah|tanpa sakit|infografis)"
)
_SELF_HARM_DONE = re.compile(rf"(?<![a-z])(?:{_SELF_HARM_ACT})(?![a-z])")
_TAUGHT = re.compile(rf"(?<![a-z]){_TEACHING}(?![a-z])")
# Self-harm urged or made beautiful: the words that push someone ("cut deeper", "nobody will miss you"),
# and cuts or suicide drawn as an aesthetic or a goal.
_SELF_HARM_URGED = re.compile(
    r"(?<![a-z])(?:cut deeper|cut yourself deeper|(?:you|u) deserve (?:to (?:die|bleed|suffer|hurt|be dead)"
    r"|the (?:scars|cuts))|(?:nobody|no one|noone) (?:will|would|is going to|gonna) (?:miss|care about) you"
    r"|(?:the )?world (?:is|would be|will be) better (?:off )?without you|everyone would be happier without you"
    r"|(?:go|just|please) (?:kill yourself|die)|kill yourself already|kys|you should (?:kill yourself|die|end it)"
    r"|end it (?:all )?(?:now|tonight|already)|do it (?:nobody|no one|jump|end it|tonight)"
    r"|(?:self ?harm|cutting|suicide|scars|cuts) (?:is|are) (?:beautiful|aesthetic|art|pretty|the answer)"
    r"|(?:beautiful|aesthetic|pretty|cute|glamou?rous|romanticized|romanticised|glorified|motivational"
    r"|inspirational)(?: [a-z]+){0,3} (?:self ?harm|fresh (?:cuts|wounds)|cuts on (?:her|his|my|their) (?:arms?"
    r"|wrists?|thighs?)|wrist cuts|suicide)"
    r"|(?:self ?harm|fresh) (?:cuts|scars|wounds)(?: [a-z]+){0,5} (?:aesthetic|motivational|keep going"
    r"|inspiration|inspirational|goals?|you deserve)"
    r"|nadie te (?:va a )?extranar\w*|corta(?:te)? mas (?:hondo|profundo)|personne ne (?:va )?te regrette\w*"
    r"|coupe plus profond|niemand wird dich vermissen|schneid tiefer|nessuno ti (?:manchera|rimpiangera)"
    r"|kimse seni ozlemeyecek|tidak ada yang akan merindukanmu)(?![a-z])"
)
# The same in scripts the base view does not fold into Latin, matched on the native view: an act of
# self-harm next to a word that teaches ("方法", "как", "طريقة"), or words that push someone to it.
_SELF_HARM_ACT_NATIVE = (
    r"покончить с собой|самоубийств\w*|суицид\w*|убить себя|вскрыть вены|порезать вены|повеситься"
    r"|自杀|自殺|自死|割腕|上吊|轻生|リストカット|リスカ|首吊り|死に方|自分を殺|자살|자해|손목을 긋|목을 매"
    r"|الانتحار|انتحار|تقتل نفسك|قتل نفسك|قتل النفس|आत्महत्या|ख़ुद को मार|खुद को मार|अपने आप को मार"
)
_TEACHING_NATIVE = (
    r"как|инструкци\w*|пошагов\w*|способ\w*|без боли|схема|руководство|方法|やり方|図解|手順|楽に|痛くない"
    r"|ガイド|图解|教程|步骤|无痛|怎么|如何|指南|방법|설명|가이드|단계|고통 없이|하는 법|كيفية|طريقة|طرق|خطوات"
    r"|رسم توضيحي|دليل|तरीका|तरीके|कैसे|चित्र|विधि"
)
_SELF_HARM_DONE_NATIVE = re.compile(_SELF_HARM_ACT_NATIVE)
_TAUGHT_NATIVE = re.compile(_TEACHING_NATIVE)
_SELF_HARM_URGED_NATIVE = re.compile(
    r"никто не будет скучать|никто не заметит|режь глубже|誰も悲しまない|没人会想你|아무도 너를 그리워하지"
)
# What prevention and support say: a crisis-line poster names the act and "how to" get help.
_SUPPORT = re.compile(
    r"(?<![a-z])(?:prevention|awareness|hotline|helpline|crisis line|crisis text line|lifeline|988|samaritans"
    r"|you are not alone|youre not alone|reach out|get help|talk to someone|call for help|warning signs"
    r"|how to help|how to support|recognize the signs|recognise the signs|prevencion|prevention du suicide"
    r"|pravention)(?![a-z])"
)


# Someone at a drop, a noose or pills in the prompt, with hope, safety or help in the negative prompt:
# a way to ask for a suicide without writing one.
_PERIL = re.compile(
    r"(?<![a-z])(?:rooftop|roof edge|edge of (?:a|the) (?:roof|building|cliff|bridge)|ledge|bridge railing"
    r"|on a bridge|cliff edge|train tracks|railway tracks|noose|rope around|pills|razor|overdose|high window"
    r"|balcony edge)(?![a-z])"
)
_HOPE = re.compile(
    r"(?<![a-z])(?:hope|hopeful|safety|safe|railing|railings|help|rescue|alive|survival|survive|future"
    r"|safety net|happiness|happy|smile|smiling|life|living)(?![a-z])"
)


def _self_harm_by_negation(prompt: str, negative: str) -> bool:
    """Whether a negative prompt takes hope and safety out of someone at a drop (see `_PERIL`)."""
    return (
        bool(negative)
        and _PERIL.search(_words_of(prompt)) is not None
        and (len(set(_HOPE.findall(_words_of(negative)))) >= 2)
    )


# Self-harm in the words that dodge filters ("unalive", "sewerslide", "s/h", "self delete") and its
# devices and places ("a helium exit bag", "bridges high enough to die from"): acts, as `_SELF_HARM_ACT`.
_SELF_HARM_SLANG = re.compile(
    r"(?<![a-z])(?:unalive\w*|sewer ?slides?|sewer ?sliding|suicde|sucide|suiside|s h"
    r"|exit bags?|suicide bags?|helium (?:hood|bag)s?|(?:self ?harm|cutting|s h) scars"
    r"|(?:high|tall|deep) enough to (?:die|kill (?:you|yourself|me|myself|someone)|be fatal))(?![a-z])"
)
# Substrings one of `_SELF_HARM_SLANG`'s words holds, to skip it on the prompts with none.
_SLANG_KEYS = ("unaliv", "sewer", "suic", "sucide", "suisi", "s h", "bag", "helium", "scars", "enough")
# Self-harm urged in words `_SELF_HARM_URGED` does not hold: someone told to do it, an anorexia coach's
# orders, death sold as the way out, a pact recruited for, cutting egged on.
_SELF_HARM_PUSHED = re.compile(
    r"(?<![a-z])(?:unalive (?:yourself|urself|yourselves|your self)|pro suicide"
    r"|(?:telling|tell|tells|told|asking|ask|urging|urge|urges|encouraging|encourage|wants?|wanting)"
    r"(?: [@a-z0-9_]+){1,3} to (?:kill|hang|off|unalive|cut|end) (?:himself|herself|themselves|yourself|urself"
    r"|his life|her life|their life|it all)"
    r"|(?:you|u) (?:dont|do not|don t) deserve (?:food|to eat|a meal|meals|dinner|lunch|breakfast|to live"
    r"|to exist|to be alive)"
    r"|(?:death|suicide|dying) is the (?:only )?(?:way out|answer|solution|escape|only option|cure)"
    r"|(?:teen|teens|teenage|kids|student|students|online|discord|group) suicide pacts?"
    r"|suicide pacts?(?: [a-z]+){0,3} (?:for|with|among) (?:teens|teenagers|kids|students|us|you)"
    r"|join (?:our|my|the|a) suicide pact|suicide pacts? (?:lets|let s|let us|join|sign up))(?![a-z])"
)
_PUSHED_WORDS = _word_set(
    "unalive pro himself herself themselves yourself urself it deserve death suicide dying pact pacts"
)
# Cutting egged on ("go deeper this time", "keep cutting"), only beside a blade, a wound or a scar:
# "go deeper this time" alone is a diver's, "keep cutting" a barber's.
_CUTTING_ON = re.compile(
    r"(?<![a-z])(?:go deeper|cut deeper|deeper this time|keep cutting|cut again)(?![a-z])"
)
_BLADE_OR_WOUND = re.compile(
    r"(?<![a-z])(?:razors?|razor blades?|box cutters?|wrists?|veins?|scars?|bleed\w*|blood|self ?harm)(?![a-z])"
)
# Self-harm made beautiful or deserved: "burning yourself with a lighter, aesthetic, 'you deserve the
# pain'". "You deserve the pain" alone is a gym slogan.
_GLAMOURISED = re.compile(
    r"(?<![a-z])(?:aesthetic|aesthetics|romanti[cs]i[sz]ed|romanti[cs]i[sz]ing|glamou?ri[sz]ed|glamou?ri[sz]ing"
    r"|glamou?rous|deserve (?:the|this|that) pain|deserve to (?:hurt|bleed|suffer)|you deserve it)(?![a-z])"
)


def _self_harm(base: str, native: str) -> bool:
    """Whether a prompt teaches self-harm (an act of it with a word that teaches) or urges it."""
    if _SELF_HARM_URGED.search(base):
        return True
    if set(base.split()) & _PUSHED_WORDS and _SELF_HARM_PUSHED.search(base):
        return True
    if _SUPPORT.search(base):
        return False
    if ("deeper" in base or "cut" in base) and _CUTTING_ON.search(base) and _BLADE_OR_WOUND.search(base):
        return True
    slang = (
        {found.group(0) for found in _SELF_HARM_SLANG.finditer(base)}
        if any(key in base for key in _SLANG_KEYS)
        else set()
    )
    if (_SELF_HARM_DONE.search(base) or slang) and _TAUGHT.search(base):
        return True
    # "S/H" is initials too ("S H monogram, aesthetic"): made beautiful, only the acts spelled out.
    if (_SELF_HARM_DONE.search(base) or slang - {"s h"}) and _GLAMOURISED.search(base):
        return True
    if native.isascii():
        return False
    return bool(
        _SELF_HARM_URGED_NATIVE.search(native)
        or (_SELF_HARM_DONE_NATIVE.search(native) and _TAUGHT_NATIVE.search(native))
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


def _words_of(prompt: str) -> str:
    """The prompt's words joined by single spaces, without the punctuation the base view keeps."""
    return " ".join(analyze(prompt).sequences[0])


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
        base = analyze(prompt).base
        if (
            pos.hate
            or neg.hate
            or pos.has(Term.SLUR)
            or neg.has(Term.SLUR)
            or _hate_said_otherwise(base, _words_of(prompt), analyze(prompt).native)
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
        )
        if pos.acquainted and _MOCKING.search(base):
            return Verdict.block(RULES["license.defamation"])
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
                framing - _PLAIN_FRAMING
                or pos.has(Term.DISASTER)
                or pos.has(Term.DEFAMATION)
                or _TELLS_WORD.search(base)
            )
        ):
            return Verdict.block(RULES["license.disinformation"])
        if _forgery(_words_of(prompt), edits_upload=edits_upload):
            return Verdict.block(RULES["license.disinformation"])
        # A disaster "on the news" with Godzilla in it, or drawn as a cartoon, fools no one.
        # "A firefighter at a wildfire, photojournalism style" is a look: a framing that says only that a
        # photo is a photo makes a disaster news with a time or a claim ("today", "2025", "announcing").
        if (
            framing
            and pos.has(Term.DISASTER)
            and _FICTION_CUE.search(base) is None
            and (
                framing - _PLAIN_FRAMING
                or _NEWS_MOMENT.search(base)
                or _TELLS_WORD.search(base)
                or _names_a_place(prompt, framing)
            )
        ):
            return Verdict.block(RULES["license.disinformation"])
        if _VOTING_LIE.search(base) or (_VOTING_METHOD_LIE.search(base) and _ELECTION.search(base)):
            return Verdict.block(RULES["license.disinformation"])
        words = _words_of(prompt)
        if (
            _medical_harm(base, words, analyze(prompt).tokens)
            or _self_harm(words, analyze(prompt).native)
            or _self_harm_by_negation(prompt, negative)
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
