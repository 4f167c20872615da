"""The license's use restrictions that word lists alone miss: harmful medical advice, false cures and
first aid that harms, self-harm taught or urged, forged papers (issued papers made to pass too), fake news
framings and violence or disgrace shown of real people, and hate said without a listed word.

Each family is a few patterns that must meet in one prompt (a cure claimed with a quack remedy, an act of
self-harm with a word that teaches), so that the everyday prompts holding one of the words pass. They run
over the views of `moderation.normalize`; `moderation.screening` decides in which order, and with which
rule, a prompt is refused.
"""

from __future__ import annotations

import re

from moderation.normalize import words_of


def word_set(text: str) -> frozenset[str]:
    """The words of `text`: a set kept as a line of prose, easier to read and extend than a list."""
    return frozenset(text.split())


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
    rf"|5g(?: [a-z]+){{0,2}} (?:causes|caused|cause|spreads|spread|spreading)(?: the)? (?:covid|cancer"
    rf"|corona|coronavirus)|(?:cures|cured|cura|curan|heals|healed|can cure|will cure) (?:the |l |el |la )?(?:{_ILLS})"
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
    r"|heart disease|kidney disease|depression|schizophrenia|bipolar|adhd|stroke|gangrene|lyme|seizures?"
)
# A claim that something cures an illness: "cures stage 4 cancer", "heal autism", "treat meningitis
# with", "tuberculosis is cured by".
_CURE_CLAIM = re.compile(
    r"(?<![a-z])(?:(?:cure|cures|cured|curing|heal|heals|healed|healing|reverse|reverses|reversing|treat"
    r"|treats|treating|beat|beats|eliminate|eliminates|eradicate|eradicates|kill|kills|fix|fixes|prevent"
    r"|prevents|preventing"
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
    r"|silver|raw milk|sunlight|sun exposure|cannabis oil|weed|kratom|cbd|gummies|hydroxychloroquine|hcq)(?![a-z])"
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
    r"|replacing)(?: taking| using)? (?:all )?(?:your |the |their |my |his |her )?(?:[a-z]+ ){0,3}"
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
    r"|mandul|provoquent l autisme|provoque l autisme|alter (?:your|the) dna|changes? your dna|autistisch"
    r"|autistique|autista|shed|sheds|spike proteins?|(?:more dangerous|worse|deadlier|riskier) than (?:the )?"
    r"(?:measles|polio|covid|flu|disease|diseases|illness))(?![a-z])"
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
# are long, and most prompts hold none of these (`medical_harm` skips them then).
_POISON_WORDS = word_set(
    "urine pee turpentine kerosene bleach chlorine mms hydrogen borax lye antifreeze methanol gasoline"
    " petrol colloidal party parties sungazing breatharian breatharians breatharianism inedia prana need"
    " abortion miscarriage hanger needle dose doses dosage dosages amount amounts fentanyl heroin"
    " carfentanil meth ketamine ghb xanax oxycodone oxy morphine high"
)
_TREATMENT_WORDS = word_set(
    "insulin chemo chemotherapy antibiotics antiretrovirals arvs meds medication medications medicine"
    " medicines pills inhaler inhalers vaccine vaccines vaccination vaccinations antidepressants epipen"
    " dialysis thinners"
)
_CURE_WORDS = word_set(
    "cure cures cured curing heal heals healed healing reverse reverses reversing reversed treat treats"
    " treating treated beat beats eliminate eliminates eradicate eradicates kill kills fix fixes rid gone"
    " cura curan curar guerit guerissent heilt heilen sembuhkan menyembuhkan iyilestirir prevent prevents"
    " preventing"
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


def medical_harm(base: str, words: str, tokens: frozenset[str]) -> bool:
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
    r"|pfizer|moderna|mayo clinic|harvard|oxford university|stanford|(?:district |school )?superintendent"
    r"|school district|school board|county(?: clerk| court| sheriff)?|(?:superior |district |county )?court"
    r"|judge|mayor s office|city of [a-z]+"
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
# What an order puts off till no one can check it: a notice that says to flee tonight needs no seal to
# frighten.
_URGENT_ORDER = re.compile(
    r"(?<![a-z])(?:evacuat\w*|shelter in place|immediately|tonight|within (?:24|48) hours|closed tomorrow"
    r"|closure tomorrow|by midnight)(?![a-z])"
)
TELLS_WORD = re.compile(rf"(?<![a-z])(?:{_TELLS})(?![a-z])")
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


def forgery(words: str, *, edits_upload: bool) -> bool:
    """Whether a prompt forges an official paper, a brand's page, a banknote or a personal paper."""
    # Each part's rarer, shorter pattern first: most prompts stop there.
    # An upload has its text already: an official letterhead or seal added to it forges it.
    if (
        (_PASSES_FOR_REAL_WORD.search(words) or _URGENT_ORDER.search(words))
        and (edits_upload or TELLS_WORD.search(words))
        and _AGENCY_PAPER.search(words)
    ):
        return True
    if _CREDENTIALS_ASKED.search(words) and _BRAND.search(words):
        return True
    if _COUNTERFEIT.search(words) or (_PRINTED_MONEY.search(words) and _MONEY.search(words)):
        return True
    if _MADE_TO_PASS.search(words) is not None and _PERSONAL_PAPERS.search(words) is not None:
        return True
    return forged_document(words, frozenset(words.split()))


# When a news picture says its event happened: "today", "this morning", "breaking", a recent year.
NEWS_MOMENT = re.compile(
    r"(?<![a-z0-9])(?:today|todays|tonight|yesterday|yesterdays|this (?:morning|afternoon|evening|week|weekend)|last night"
    r"|just now|right now|moments ago|hours ago|breaking|happening now|just happened|live|20[0-9]{2}"
    r"|19[5-9][0-9])(?![a-z0-9])"
)


_CAPITALISED_WORD = re.compile(r"(?<![\w'’])[A-Z][a-z]+")


def names_a_place(prompt: str, framing: set[str]) -> bool:
    """Whether a news picture names where or what it shows: a capitalised word, after the first, that is
    not its framing ("Getty Images photo of the Statue of Liberty", not "Photojournalism style")."""
    framing_words = {word for form in framing for word in form.split()}
    words = [w.lower() for w in _CAPITALISED_WORD.findall(prompt, 1)]
    return any(word not in framing_words for word in words)


# News framings that say only that a photo is a photo ("documentary photo", "press photo"): of a real
# person they are a news picture only with an event or a claim in it.
PLAIN_FRAMING = frozenset(
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
        "press conference",
        "footage still",
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
    r"|dehors|raus|fuera|defolun|kanker|inferiores|inferieurs|inferieures|minderwertig|inferiori|asagilik"
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


def hate_said_otherwise(base: str, words: str, native: str) -> bool:
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


def self_harm_by_negation(prompt: str, negative: str) -> bool:
    """Whether a negative prompt takes hope and safety out of someone at a drop (see `_PERIL`)."""
    return (
        bool(negative)
        and _PERIL.search(words_of(prompt)) is not None
        and (len(set(_HOPE.findall(words_of(negative)))) >= 2)
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
_PUSHED_WORDS = word_set(
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


def self_harm(base: str, native: str) -> bool:
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


# Papers issued to one person or for one event, which are forged to pass as issued: identity papers,
# medical and legal papers, statements of money, tickets, in the languages of the word lists.
_ISSUED_PAPER = re.compile(
    r"(?<![a-z])(?:passports?(?: photo)?(?: pages?)?|passeports?|pasaportes?|reisepass|personalausweis\w*"
    r"|ausweis|visa (?:stamps?|pages?)|(?:tourist|work|student|schengen|us|uk) visas?"
    r"|(?:id|identity|national id|student id|employee id|social security|insurance|health insurance|green"
    r"|registration) cards?|carte d identite|carte grise|dni|driver s licen[cs]es?|drivers licen[cs]es?"
    r"|driving licen[cs]es?|permis de conduire|fuhrerschein|licencia de conducir|carteira de motorista"
    r"|(?:vehicle|car) registrations?|police reports?|incident reports?|accident reports?|court summons"
    r"|summons|subpoenas?|(?:arrest|search|bench) warrants?|jury (?:duty )?(?:notices?|summons|letters?)"
    r"|evacuation (?:notices?|orders?)|(?:bank|bank of [a-z]+|chase|wells fargo|barclays|hsbc|citibank"
    r"|santander|lloyds|revolut)(?: account)? statements?|account statements?|pay ?stubs?|pay ?slips?"
    r"|payslips?|paychecks?|salary slips?|w ?2 forms?|tax returns?|utility bills?|proof of (?:address|income"
    r"|residence)|(?:pcr|covid|antigen|drug|lab|dna|paternity|hiv|std)(?: test)? (?:results?|reports?"
    r"|certificates?)|test results?|prescriptions?|prescription pads?|(?:birth|death|marriage|divorce"
    r"|baptism) certificates?|acte de naissance|geburtsurkunde|partida de nacimiento|transcripts?|diplomas?"
    r"|degree certificates?|doctor s notes?|doctors notes?|sick notes?|fit notes?|medical (?:certificates?"
    r"|excuses?|notes?)|certificado medico|certificat medical|arztliches attest|krankmeldung|receta medica"
    r"|(?:disabled|handicap|handicapped|accessible) (?:parking )?(?:placards?|permits?|badges?)"
    r"|parking (?:placards?|permits?)|blue badges?|certificates? of authenticity|work permits?"
    r"|residence permits?|boarding pass(?:es)?|(?:concert|event|festival|floor|vip|tour|plane|flight"
    r"|train|airline|stadium|lottery|match) tickets?)(?![a-z])"
)
# A head word of `_ISSUED_PAPER`, to skip it on the prompts with none.
_ISSUED_PAPER_WORDS = word_set(
    "passport passports passeport passeports pasaporte pasaportes reisepass ausweis personalausweis visa visas card cards"
    " identite grise dni license licenses licence licences permis fuhrerschein licencia motorista"
    " registration registrations report reports summons subpoena subpoenas warrant warrants notice notices"
    " letter letters order orders statement statements stub stubs paystub paystubs slip slips payslip"
    " payslips paycheck paychecks w2 returns bills proof result results certificate certificates"
    " prescription prescriptions pad pads naissance geburtsurkunde nacimiento transcript transcripts"
    " diploma diplomas note notes excuse excuses certificado certificat attest krankmeldung receta placard"
    " placards permit permits badge badges pass passes ticket tickets"
)
# One of these makes the paper a forgery: called fake, made a template to fill in, told to look genuine,
# made out in the member's name, or made to fool someone.
_FORGED_OUTRIGHT = re.compile(
    r"(?<![a-z])(?:fake|forged|forgery|forge|counterfeit|faux|falso|falsa|falsificad[oa]|gefalscht\w*"
    r"|replica|knock ?off|templates?|vorlage|plantilla|modelo editable|to fill in|to fill out|fillable"
    r"|editable|printable|print ready|looks? (?:genuine|real|legit|authentic|official)|(?:genuine|authentic"
    r"|real|legit) looking|echt aussehend\w*|mrz|machine readable|scannable|with (?:my|his|her|our)"
    r" (?:real |full )?names?|in my name|my name on it|made out to|case number|official|officially"
    r"|officiel\w*|oficial|offiziell\w*|amtlich\w*|to (?:scare|prank|fool|trick|show) (?:my|his|her|the)"
    r"|for (?:my|a) (?:rental|job|visa|loan|mortgage|apartment) applications?|for my (?:landlord|employer"
    r"|boss|school|teacher|professor|insurance)|excusing me|excuse me from|to get out of)(?![a-z])"
)
# Details that a forgery fills in; two of them make one: "a realistic ticket with barcode".
_FILLED_IN = re.compile(
    r"(?<![a-z])(?:realistic|realistically|photorealistic|realista|realiste|realistisch|signed|signature"
    r"|firmad[oa]|firma|unterschrieben|unterschrift|signe|stamped|stamp|seal|sealed|barcode|qr code"
    r"|born (?:in )?[0-9]{4}|date of birth|state of [a-z]+|[0-9]+ ?mg|with all a s|balance"
    r"|salary|(?:showing|with) (?:a )?[0-9]+)(?![a-z])|[$€£¥₹] ?[0-9]"
)
# Who issues it, named: "from Kaiser Permanente", "Stanford transcript", "Ticketmaster".
_ISSUER = re.compile(
    r"(?<![a-z])(?:from|by|issued by|de|du|von) (?:the )?[a-z]+|ticketmaster|live nation|stubhub|stanford"
    r"|harvard|yale|mit|oxford|cambridge|dmv|lapd|nypd|fbi|nhs"
)
# Papers in a world that issues none: "a Hogwarts acceptance letter", "a Starfleet ID card".
_FICTIONAL_ISSUER = re.compile(
    r"(?<![a-z])(?:hogwarts|ministry of magic|starfleet|jedi|wakanda|gotham|pokemon|willy wonka|wonka"
    r"|golden ticket|fictional|fantasy|sci ?fi|cyberpunk|dnd|rpg|specimen|void|novelty|not valid"
    r"|for props only|zelda|skyrim|star wars|marvel|pirate)(?![a-z])"
)


def forged_document(words: str, tokens: frozenset[str]) -> bool:
    """Whether a prompt asks for an issued paper made to pass as real (see `_ISSUED_PAPER`): a passport on a
    travel table or a diploma on a wall passes, a "realistic" one for the member's landlord does not."""
    if not tokens & _ISSUED_PAPER_WORDS or _ISSUED_PAPER.search(words) is None:
        return False
    if _FICTIONAL_ISSUER.search(words):
        return False
    if _FORGED_OUTRIGHT.search(words):
        return True
    details = {found.group(0) for found in _FILLED_IN.finditer(words)}
    return len(details) + bool(_ISSUER.search(words)) >= 2


# First aid that harms, taught: "put butter on burns", "cut the snake bite and suck out the venom", "give
# your newborn honey"; illnesses denied ("AIDS is a myth"); what is falsely said to cause one ("sunscreen
# causes skin cancer"). A warning before the advice ("never put butter on a burn") teaches the opposite.
_HARMFUL_FIRST_AID = re.compile(
    r"(?<![a-z])(?:(?:butter|toothpaste|mustard|egg whites?|oil|ice|soy sauce)(?: and [a-z]+)? (?:on|onto|to)"
    r" (?:a |the |your )?burns?|suck(?:ing)? (?:out )?(?:the )?(?:venom|poison)|cut(?:ting)? (?:open )?(?:the |a )?"
    r"(?:snake ?bites?|bite wound)|(?:pee|urinate|peeing) on (?:a |the )?jellyfish stings?"
    r"|(?:give|giving|feed|feeding) (?:your |a |the )?(?:newborns?|infants?|babies|baby)(?: [a-z]+){0,2}"
    r" honey|honey(?: water)? (?:for|to) (?:your |a |the )?(?:newborns?|infants?|babies|baby)"
    r"|(?:aids|hiv|covid|cancer|measles|polio|germs|viruses|autism) (?:is|are|was) (?:just )?(?:a )?(?:myth"
    r"|hoax|lie|fake|scam|made up|invented|not real)"
    r"|(?:sunscreens?|sunblock|fluoride|wi ?fi|cell towers?|masks?|chemtrails|contrails)(?: [a-z]+){0,2}"
    r" (?:cause|causes|caused|causing|give you|gives you)(?: skin| brain)? (?:cancer|autism|covid|infertility"
    r"|dementia|alzheimers|tumou?rs?))(?![a-z])"
)
_FIRST_AID_WORDS = word_set(
    "burn burns venom poison bite bites stings honey myth hoax lie fake scam made invented real cause causes"
    " caused causing give gives"
)


def harmful_first_aid(words: str) -> bool:
    """Whether a prompt teaches first aid that harms or denies an illness (see `_HARMFUL_FIRST_AID`)."""
    if not set(words.split()) & _FIRST_AID_WORDS:
        return False
    # The claim's own words ("a myth", "fake") are not a debunking of it: only the words around it.
    return any(
        _WARNING_BEFORE.search(words, max(0, found.start() - 48), found.start()) is None
        and _DEBUNKING.search(words[: found.start()] + " " + words[found.end() :]) is None
        for found in _HARMFUL_FIRST_AID.finditer(words)
    )


# Someone's face where blows land: a shooting target, a dartboard, a punching bag with a real face on it.
FACE_ON_A_TARGET = re.compile(
    r"(?<![a-z])(?:(?:shooting|gun|rifle|range|practice|paper) targets?|dartboards?|punching bags?|pinatas?)"
    r"(?: [a-z]+){0,6} face(?![a-z])"
)
# A fire set with someone inside, a kill list: violence whoever is named.
SOMEONE_BURNED_INSIDE = re.compile(
    r"(?<![a-z])(?:on fire|burning|in flames|ablaze|burned down|burnt down)(?: [a-z]+){0,3} with (?:her|him"
    r"|them|you|his family|her family) (?:still )?(?:inside|in it|trapped)(?![a-z])"
)
# Violence to a real person in scripts the base view does not fold into Latin ("Обезглавленный Зеленский").
VIOLENCE_NATIVE = re.compile(
    r"обезглавлен\w*|повешен\w*|убит\w*|расстрелян\w*|зарезан\w*|казнен\w*|застрелен\w*|斩首|被杀|处决|吊死"
    r"|枪杀|斬首|殺され|絞首刑|処刑|射殺|처형|참수|살해|총살|مقتول|ذبح|إعدام|مذبوح|शिरच्छेद|फांसी"
)
# A real person caught doing what would end a career: cash handed over, a protected animal shot for a
# trophy, drinks with pupils.
CAUGHT_IN_THE_ACT = re.compile(
    r"(?<![a-z])(?:(?:handing|hands|taking|takes|accepting|accepts|receiving|receives|pocketing|giving|gives"
    r"|slipping)(?: [a-z]+){0,2} (?:(?:envelopes?|bags?|briefcases?|suitcases?|stacks?|wads?|bundles?) of"
    r" (?:cash|money)|bribes?|(?:cash|money) (?:to|from) (?:a |an |the )?(?:mafia|mob|cartel|developer"
    r"|lobbyist|drug lord|gangster|oligarch|[a-z]+ boss)\w*)"
    r"|posing with (?:a |the )?dead (?:elephant|lion|rhino|giraffe|tiger|leopard|gorilla|polar bear|wolf"
    r"|cheetah)s?|trophy hunt\w*"
    r"|(?:drinking|partying|getting drunk|doing shots|smoking weed)(?: [a-z]+){0,2} with (?:his |her |their )?"
    r"(?:students|pupils|kids|children|minors|underage))(?![a-z])"
)
# Someone of the member's world named by office ("our mayor", "our school principal"): as real as a name.
OUR_OFFICIAL = re.compile(
    r"(?<![a-z])(?:our|my) (?:school |local |town |city |county |new )?(?:mayor|principal|headmaster"
    r"|headmistress|teacher|pastor|priest|coach|governor|senator|councilman|councilwoman|councillor|sheriff"
    r"|boss|manager|landlord|neighbou?r)(?![a-z])"
)


# A news framing with what would be news, in scripts the base view does not fold ("NHK速報 富士山噴火").
_NEWS_NATIVE = re.compile(
    r"速報|ニュース|新闻|新聞|뉴스|속보|срочн\w*|новост\w*|молния|عاجل|أخبار|ब्रेकिंग|समाचार"
)
_DISASTER_NATIVE = re.compile(
    r"噴火|壊滅|地震|津波|爆発|テロ|墜落|死亡|暗殺|爆炸|袭击|坠毁|遇刺|崩塌|폭발|테러|사망|지진|взрыв\w*|теракт\w*"
    r"|погиб\w*|убит\w*|вторжени\w*|انفجار|هجوم|مقتل|विस्फोट|हमला|मौत"
)


def news_native(native: str) -> bool:
    """Whether a prompt in another script frames a disaster as news (see `_NEWS_NATIVE`)."""
    return (
        not native.isascii() and bool(_NEWS_NATIVE.search(native)) and bool(_DISASTER_NATIVE.search(native))
    )


# A conspiracy "proved" in a news picture: "a newspaper photo proving the moon landing was filmed in a
# studio".
CONSPIRACY_PROVED = re.compile(
    r"(?<![a-z])(?:proving|proves|proof|evidence|exposing|exposes|reveals|revealing)(?: that)?(?: [a-z]+){0,3}"
    r" (?:moon landings?|9 11|911|flat earth|chemtrails|crisis actors?|election (?:was )?(?:stolen|rigged)"
    r"|stolen election|inside job|fake pandemic|plandemic|staged shooting)(?![a-z])"
)
# A headline that a country, a leader or an institution did what would be news: "La France quitte l'UE".
HEADLINE_CLAIM = re.compile(
    r"(?<![a-z])(?:quits|quit|quitte|quittent|leaves|leaving|exits|sort de|verlasst|verlassen|abandona"
    r"|abandonan|lascia|declares? war|declare la guerre|invades?|envahit|annexes?|resigns?|demissionne"
    r"|is dead|est mort|assassinated|goes bankrupt|en faillite|bans (?:all )?(?:elections|voting))(?![a-z])"
)
# Jokes that ask to look real are hoaxes: "for an April fools joke, a realistic Reuters photo".
MADE_TO_LOOK_REAL = re.compile(
    r"(?<![a-z])(?:realistic|authentic|authentic looking|convincing|looks real|real looking|believable)(?![a-z])"
)
# Lists of people to kill.
KILL_LIST = re.compile(r"(?<![a-z])(?:kill|death) ?lists?(?![a-z])")
# Gore asked of a picture: with violence, it is what the member wants done to someone of the family.
GORE = re.compile(r"(?<![a-z])(?:gore|gory|graphic|splatter|mutilated|brutal)(?![a-z])")
