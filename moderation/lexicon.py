"""Word lists of the screening rules and the matcher that finds them in a text's normalised views.

Everything is matched as whole words or whole word sequences (n-grams) of the normalised views, never as
raw substrings, so "Scunthorpe", "Essex", "cocktail" and "grapefruit" never match. The places where
word edges are lost on purpose, runs of spaced letters ("n u d e") and glued words ("nudeteen"), are
handled separately: runs by substring, glued words by splitting them into known words only. Chinese,
Japanese and Korean have no spaces between words, so their terms are substrings too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise, product
from string import ascii_lowercase

from moderation.normalize import (
    TYPO_MIN_WORD,
    UNSPACED_SCRIPT,
    TextViews,
    TypoIndex,
    analyze,
    squeeze,
)


class Term(StrEnum):
    """The class of a listed word or phrase; rules combine classes."""

    SEXUAL = "sexual"
    """Explicit sexual content or nudity: refused with minors or real people, and where NSFW is off."""
    SUGGESTIVE = "suggestive"
    """Revealing or sexualising, not explicit: refused only together with minors or real people."""
    CLOTHING = "clothing"
    """Clothing: in a negative prompt (or at zero weight) it asks for nudity."""
    MINOR = "minor"
    ADULT = "adult"
    """In a negative prompt it asks for someone who is not an adult."""
    CSAM = "csam"
    """Refused on its own."""
    PERSON = "person"
    DEFAMATION = "defamation"
    VIOLENCE = "violence"
    FRAMING = "framing"
    """Presents an image as real news or evidence."""
    DISASTER = "disaster"
    SLUR = "slur"
    PHOTO = "photo"
    """Asks for a photographic, realistic look."""
    YOUTHFUL = "youthful"
    """A body, hairstyle or outfit that adults have too ("petite", "pigtails"); several of them together
    with sexual words draw a child without naming one."""
    CHILDISH = "childish"
    """A prop or look that belongs to children ("lollipop", "teddy bear", "baby face"); it counts as a
    youthful cue, and with one more it is enough."""


def _words(block: str) -> list[str]:
    """Single words of a block, then its "|"-separated phrases."""
    single, _, phrases = block.partition("|")
    out = single.split()
    out.extend(" ".join(p.split()) for p in ("|" + phrases).split("|") if p.strip())
    return out


_SEXUAL = """
nakked nood nekid nudie nudies sexting hardcore nudify nudified nudifying nudifier nvde nvdes tiddies coochie
hadaka nugasete fappening
pantyshot oppai gooning gooner nympho nymphomaniac pornstar pornstars camgirl camgirls camwhore r18
slut sluts slutty whore whores consummate consummating consummated decensor decensored zenra
paizuri nakadashi titfuck titjob boobjob doggystyle coitus squirting boner boners humping panchira
nude nudes nudity naked nakedness topless bottomless undressed undressing unclothed disrobed nsfw porn
porno pornography pornographic xxx sex sexual sexually intercourse erotic erotica hentai ecchi lewd
genital genitals genitalia penis penises vagina vaginas vulva pussy clitoris labia nipple nipples areola
areolas breasts boobs boobies titties tits butthole anus anal orgasm orgasms masturbate masturbates
masturbating masturbation ejaculation ejaculating cumshot cum creampie semen blowjob handjob footjob
fellatio cunnilingus deepthroat bukkake gangbang threesome orgy bdsm bondage fetish dildo vibrator
stripper striptease lapdance nudist naturist onlyfans fansly r34 rule34 softcore molest molested
molesting molestation rape raped raping incest pedophile pedophilia paedophile paedophilia upskirt
downblouse cameltoe nipslip erection aroused ahegao futanari futa yiff pantyless braless
nekkid nekked nakid noods noodz nudez seggs secks titty cunny pron undress unclothe disrobe disrobes
disrobing undres starkers declothed uncensored pantsless unrobed
|no clothes|no clothing|without clothes|without clothing|without any clothes|not wearing anything
|wearing nothing|with nothing on|birthday suit|in the buff|au naturel|bare breasts|bare breasted
|full frontal|private parts|having sex|oral sex|sex scene|making love|spread legs|spreading legs
|legs spread|clothes off|clothing off|taking off her clothes|takes off her clothes|no panties
|no underwear|no bra|skinny dipping|skinny dip|rule 34|nip slip|camel toe|sex act|sex toy
|remove clothes|remove the clothes|remove her clothes|remove his clothes|remove their clothes
|remove clothing|remove the clothing|remove her clothing|remove his clothing|remove her dress
|remove her shirt|remove his shirt|remove her top|remove her bra|take off her clothes
|take off his clothes|take off the clothes|take off her dress|take off her top|take off her bra
|clothes removed|clothing removed|strip her|strip him|strip naked|stripped naked
|wear nothing|wears nothing|in nothing but|nothing else on|and nothing else|dress her in nothing
|outfit to nothing|clothes to nothing|show what is under her|whats under her|what is under her dress
|reveal her body|only body paint|just body paint|covered only by her hair|covered only by her long hair
|shirtless woman|shirtless girl|bare chested woman|bare chested girl|drops her towel|drop her towel
|dropped her towel|everything she has on|nothing underneath|with nothing under|in the altogether
|take off everything|remove everything|all fabric|instead of clothes|instead of clothing|no top on
|missionary position|cowgirl position|reverse cowgirl|doggy style|mating press|69 position
|sixty nine position|getting railed|being railed|gets railed|railed by|lap dance|lap dancing
|giving a lap dance|moaning in pleasure|moaning with pleasure|moans in pleasure|moans of pleasure
|riding a man|riding him|riding his cock|dry humping|hard on|fingering herself|fingering himself
|touching herself|touching himself|porn star|r 18|18 plus version|18+ version|nsfw version|spicy version
|lewd version|uncensored version|onlyfans version|for my of page|for my onlyfans|spreading her legs
|spread her legs|spreads her legs|spread his legs|spreading his legs|white liquid on her face
|white liquid on his face|white liquid on her|white fluid on her face|unzipping his pants|unzips his pants
|hand under her skirt|hand up her skirt|hand in her panties|looking up her skirt|up her skirt
|peek under her skirt|panty shot|panty flash|skirt pulled up|dress pulled up|wardrobe malfunction
|nipple pasties|in pasties|wearing pasties|only pasties|hadaka apron|naked apron|nothing on
|grinding on a pillow|grinding on his|grinding on him|grinding on a man|flashing her chest
|flashing her breasts|flashing her boobs|flashing his|straddling a man|straddling a grown man
|straddling him|straddling his lap|bedtime game with daddy|special bedtime game|touching her private
|touching his private|bare butt|bare buttocks|nip visible|nips visible|breastfeeding a grown man
|breastfeeding a man|breeding kink|fornicating|fornication|copulating|copulation|areolae|afterglow|naughty pics|naughty pictures|naughty photos|hard core
|body paint only|bubbles only|wedding night|in heat
|wearing only a necklace|wearing only socks|wearing only stockings|wearing only jewelry|wearing only a smile
|dick pic|dick pics|cock pic|cock pics|barely legal|as nature intended|lose the clothes|lose her clothes
|lose his clothes|lose your clothes|everything visible|doing the deed|hadaka ni shite|fuku wo nugasete
|the fappening|tiddies out|titties out|tits out|boobs out
|stripping for|strips for|strip for|stripping down|stripping off|stripping naked|stripping on camera
|stripping for the camera|stripping for him|stripping for me
"""

_SUGGESTIVE = """
sukumizu suggestive
provocatively suggestively kinky pantsu gravure hooker hookers nightie nighties
sexy seductive seductively sensual sultry flirty flirtatious lingerie underwear panties panty thong
thongs bra bras gstring bikini bikinis swimsuit swimsuits swimwear skimpy explicit playboy prostitute
horny cleavage busty voluptuous pinup boudoir thicc negligee sideboob underboob
|g string|bathing suit|pin up|bedroom eyes|wet t shirt|see through|lace lingerie|short skirt
|towel only|speedo|speedos|booty shorts|thirst trap|only a towel|only by a towel|just a towel
|nothing but a towel|only a sheet|only by a sheet
|nothing but a sheet|only a blanket|nothing but a blanket
|suggestive pose|suggestive poses|provocative pose|provocative poses|provocative outfit|alluring pose
|provocative position|provocative positions|inappropriate position|inappropriate pose|inappropriate poses
|sexy pose|micro bikini|micro bikinis|sling bikini|sling bikinis|string bikini|thong bikini|sheer nightie
|sheer lingerie|sheer dress|sheer top|sheer blouse|legs apart|on all fours|bulge|crotch bulge
|hand on her thigh|hand on his thigh|in a strip club|at a strip club|buttocks|covered only in whipped cream
|covered in whipped cream|as an escort|escort girl|call girl|call girls|sex worker
|sex workers|gravure idol|swimsuit gravure|french kissing|french kiss|tongue kissing|come hither
|come hither look
|seduce|seduces|seduced|seducing|seduction
"""

_CLOTHING = """
clothes clothing clothed dressed swimsuit swimsuits swimwear bikini underwear bra panties censored
censorship censor sfw modest garment garments attire outfit outfits covering coverings
|fully clothed|censor bar|censor bars|mosaic censoring|bathing suit
"""

# Words for the young, and the child and teenage characters of well-known series: by full name, and by a
# single name only where no ordinary word or common given name shares it ("boruto", "uraraka"; not "anya").
_MINOR = """
petanko yojo lolisho pubertal
imouto chidol chidols prek lolibaba
tweenie tweenies teenybopper teenyboppers youjo shougakusei shogakusei chuugakusei chugakusei kodomo
child children childs kid kids kiddo kiddie kiddies toddler toddlers baby babies infant infants newborn
newborns preteen preteens tween tweens teen teens teenage teenaged teenager teenagers adolescent
adolescents underage underaged minor minors schoolgirl schoolgirls schoolboy schoolboys loli lolis
lolita shota shotas schoolchild schoolchildren schoolkid schoolkids boy boys daughter daughters son sons
juvenile juveniles youngster youngsters pubescent prepubescent childlike kindergartener kindergarten
preschool preschooler highschool highschooler grader u18 kindergartner kindergartners middleschooler
youngling younglings kiddos tyke tykes choirboy choirboys choirgirl choirgirls
|little girl|little girls|little boy|little boys|young girl|young girls|young boy|young boys|small girl
|tiny girl|school girl|school girls|school boy|school boys|under age|under 18|under eighteen|pre teen
|pre pubescent|child like|elementary school|middle school|junior high|high school|grade school|not 18
|below 18|younger than 18|middle schooler|elementary schooler|grade schooler|little ones
|lil girl|lil girls|lil boy|lil boys|lil kid|lil kids|yung girl|yung boy|young gurl|little gurl
|young lad|young lads|little lad|little lads|wee lad|wee lads|young lass|young lasses
|little lass|wee lass|girl scout|girl scouts|cub scout|cub scouts|brownie scout|brownie scouts
|choir boy|choir boys|choir girl|choir girls|girl guide|girl guides|brownie guide|brownie guides
|boy scout|boy scouts|girl guide camp
|childish body|childish proportions|child proportions|childlike proportions|child body|undeveloped body
|undeveloped chest|undeveloped breasts|before puberty|pre puberty|prepuberty|prepubescent body
|hasnt hit puberty|has not hit puberty|not hit puberty|hasnt started puberty|has not started puberty
|not started puberty|hasnt reached puberty|has not reached puberty|not reached puberty|yet to hit puberty
|under the age of consent|below the age of consent|elementary age|elementary aged|elementary student
|elementary students|elementary schoolgirl|primary school|primary schooler|primary schoolgirl
|sixth form|sixth former|sixth formers|6th form|6th former|6th formers|randoseru
|puberty|just started puberty|starting puberty|going through puberty|early puberty|training bra
|training bras|little sister|little sisters|baby sister|little brother|baby brother|little princess
|daddys little girl|daddys little princess|rori|cub|cubs|jc|js|jk|junior girl|junior girls
|sweet 16|sweet sixteen|quinceanera|quinceaneras|bat mitzvah|bar mitzvah|first communion|jr high|u12|u13
|u14|u15|u16|u17|teenie|teenies|loly|lolli|junior idol|junior idols|nn model|nn models
|at elementary|junior high girl|junior high girls
|joshi shougakusei|joshi shogakusei|aged down|age regressed|de aged|deaged|pre k|at recess
|first period|her first period|too young for a bra|budding breasts|budding chest|still in diapers
|secondary school pupil|secondary school girl|secondary schoolgirl|secondary school student
|anya forger|lisa simpson|bart simpson|maggie simpson|sakura kinomoto|kanna kamui|dora the explorer
|mabel pines|dipper pines|chibiusa|sarada uchiha|himawari uzumaki|boruto uzumaki|shin chan|nobita nobi
|illyasviel von einzbern|illya von einzbern|nezuko kamado|agnes gru|riley andersen|lilo pelekai
|anne frank|first bra|junior miss|hasnt grown breasts|hasnt grown breasts yet|not grown breasts|too young to drive
|not old enough to drive|too young to vote|not old enough to vote|first year at hogwarts|lil gurl
|eri from my hero academia|boo from monsters inc|lilo from lilo and stitch|violet parr|penny from inspector gadget
|sally from peanuts|riley from inside out|matilda wormwood|eleven from stranger things|junior gravure
|single digit age|age in single digits|age is in single digits|school playground|schoolyard|times tables
|school backpack
|little sis|lil sis|baby sis|kid sister|kid brother|lil bro|little bro
|young niece|little niece|young nephew|little nephew|pre timeskip|pre time skip|genin era|naruto part 1
|himawari|chika fujiwara|fujiwara chika|chika from kaguya sama|marin kitagawa|kitagawa marin|megumin
|usagi tsukino|tsukino usagi|chibi usa|tohru honda|honda tohru|misty from pokemon|dawn from pokemon
|ash ketchum|peppa pig|wednesday addams|lilo from lilo stitch|lilo and stitch|eri from mha
|kanao tsuyuri|nezuko|tanjiro|zenitsu|inosuke|sakura haruno genin
|hinata hyuga part 1|young hinata|kid goku|gohan kid|kid gohan|pan from dragon ball|bulma young
|boruto|sarada|sarada uchiha|uchiha sarada|mitsuki from boruto|kawaki|himawari uzumaki|uzumaki boruto
|killua|killua zoldyck|gon freecss|conan edogawa|edogawa conan|ayumi yoshida|ai haibara|haibara ai
|asuka langley|asuka langley soryu|asuka soryu|rei ayanami|ayanami rei|shinji ikari|ikari shinji
|ochaco uraraka|ochako uraraka|uraraka|momo yaoyorozu|yaoyorozu|tsuyu asui|froppy|himiko toga|toga himiko
|izuku midoriya|midoriya|nobara kugisaki|kugisaki nobara|megumi fushiguro|yuji itadori|shoko komi|komi shoko
|komi san|kaguya shinomiya|shinomiya kaguya|mai sakurajima|sakurajima mai|illyasviel|becky blackbell
|riko from made in abyss|nanachi|shinobu oshino|mayoi hachikuji|hachikuji|chino kafuu|kafuu chino
|cocoa hoto|nadeko sengoku
"""

# Childlike cues that name no child. Each is ordinary on its own, and adults have most of them, so they
# refuse a sexual prompt only together (see `screening`): "petite", "pigtails" and "lollipop" in one
# prompt with "nude" draw a child.
_YOUTHFUL = """
petite flatchest pigtail twintail twintails hairless chibi braces babyface serafuku kneesocks bloomers
tsurupeta
buruma pinafore
|flat chest|flat chested|flat chests|no breasts|tiny breasts|no curves|small body|tiny body|little body
|small frame|tiny frame|short and small|twin tails|twin tail|twin braids|pigtail braids|school uniform
|school uniforms|sailor uniform|sailor uniforms|knee socks|knee high socks|gym uniform|school swimsuit
|young looking|looks young|looking young|younger looking|baby face|no pubic hair|hairless body
|hairless pussy|young faced|very young|so young|really young|youthful body|young body|youthful
"""
_CHILDISH = """
lunchbox lollipop lollipops lolly lollies plushie plushies pacifier pacifiers crib playpen diaper diapers nappy nappies
sleepover smol crayons childish
|teddy bear|teddy bears|stuffed animal|stuffed animals|stuffed toy|stuffed toys|plush toy|plush toys
|sippy cup|playing with dolls|playing with her dolls|playing with toys|swing set|on a swing
|on the swings|hello kitty backpack|cartoon backpack|unicorn backpack|juice box|coloring book
|colouring book|missing front teeth|lunch box
|pokemon t shirt|pokemon shirt|pokemon tshirt|cartoon t shirt|cartoon shirt|cartoon tshirt|unicorn t shirt
|character t shirt|kids t shirt|princess t shirt|paw patrol|peppa pig shirt
"""

_ADULT = """
adult adults grownup milf milfs
|grown up|grown woman|grown man|legal age|of age|over 18|mature woman|mature women|mature body
|mature female|adult body|adult woman|aged up
"""

_CSAM = """
lolicon shotacon toddlercon jailbait pthc csam childporn pedoporn nymphet nymphets cunny
mesugaki hussyfan hebephile hebephilia hebephilic nymphette nymphettes ephebophile ephebophilia
|child porn|kiddie porn|kiddy porn|underage porn
"""

_DEFAMATION = """
groping sniffing swastika shitting pissing
blackface obese senile dementia drooling epstein
arrested handcuffed handcuffs mugshot prisoner inmate convicted cocaine heroin meth methamphetamine
snorting overdose overdosing drunk vomiting puking peeing pooping diaper nazi nazis kkk pedophile
paedophile pedo rapist molester shoplifting stealing bribe bribery criminal
|under arrest|being arrested|mug shot|in prison|in jail|prison cell|jail cell|behind bars
|prison jumpsuit|orange jumpsuit|perp walk|doing drugs|taking drugs|smoking crack|crack pipe|passed out
|as a criminal|suicide vest|suicide bomber|as a terrorist|as hitler|as adolf hitler|as a monkey|as an ape
|as a gorilla
|as a pig|as a rat|as a cockroach|depicted as an ape|depicted as a monkey|in chains|as a slave
|ugly and fat|fat and ugly|morbidly obese|smoking a joint|smoking weed|lines of coke|doing lines
|snorting coke|snorting lines|led away by|fbi agents|guilty verdict|found guilty|on trial
|in a courtroom|in the courtroom|epstein island|childrens blood|drinking blood|injecting microchips
|swastika armband|injecting poison|in a dungeon with|chained children|underage boys|eating a baby
|eating babies|puppet master|cheating on his wife|cheating on her husband|spitting on|injecting steroids
|robbing|robbing a bank|robbing a store|bank robbery|selling drugs|selling crack|dealing drugs|drug dealer
|abusing a child|abusing children|child abuse|with underage girls|with underage boys|with minors
|beating his wife|beating her husband|beating his kids|beating a child|kicking a dog|kicking a homeless
|kicking a puppy|burning a forest|setting fire to|starting a fire|arsonist|injecting children|poisoning children
|burning the american flag|burning the flag|burning a flag|taking a bribe|accepting a bribe
|preso|presa|foto policial|ficha policial|ficha de detencion|robando|identite judiciaire|didentite judiciaire|ladendiebstahl
|bankuberfall|festgenommen|verhaftet|kradnie|kradziez|ditangkap|diborgol|borgol|detenido|detenida
|arrestado|arrestada|esposado|esposada|en prison|en la carcel|im gefangnis|na cadeia|w wiezieniu|dipenjara
|as a wife beater|wife beater|as a thief|thief in jail|ladrao|ladron|una puttana|a whore|as a whore
|braindead loser|fat ugly pig|ugly fat pig|ugly fat cow|fat ugly cow|as a cow|disgusting rat
|rata asquerosa|sebagai monyet|como una rata
|inappropriately|touching a child|kissing a child|fondling a child|groping a child|with a child on his lap
|nobody likes you|no one likes you|just die|go die|drop dead|loser|losers|worthless loser|kys
|chimp faced|ape faced|monkey faced|gorilla faced|kokainschnupfen|beim koksen|kokain schnupfen|esnifando cocaina
|sniffant de la cocaine|sniffe de la cocaine|everyone hates you|leave the server|nobody wants you here
"""

_VIOLENCE = """
assassination assassinate assassinating sniper crosshairs noose drowning drowned bleeding
stabbed stabbing beheaded beheading decapitated decapitation murdered killed assassinated hanged lynched
lynching torture punched bloodied corpse strangled mutilated dismembered guillotined
|being executed|public execution|being shot|gets shot|getting shot|shot dead|shot in the head
|gunshot wound|severed head|being killed|being tortured|beaten up|being beaten|covered in blood
|dead body|lying dead|found dead|in a coffin|gun to head|gun to his head|gun to her head|burned alive
|burning alive|set on fire|blown up|firing squad|electric chair|on the guillotine|hanging from a rope
|hanging dead|hanged|hung from|bullet hole|bullet wound|head on a pike|knife in his back
|knife in her back|stabbed in the back|run over|getting run over|hit by a car|hit by a truck|hit by a bus
|pool of blood|blown to pieces|blown apart|blood on his face|blood on her face|shot in the ear
|in the crosshairs|dead on the floor|lying dead|bullet through|with a bullet|body bag|in a body bag
|throat slit|slit throat|his throat slit|her throat slit|being choked|getting choked|engulfed in flames
|tied up and gagged|gagged|hanging from a lamppost|hanging from a tree|head on a stick|head on a spike
|knife in his chest|knife in her chest|tortured|stoning|stoned to death|drone strike on|car bomb
|attacked with a hammer|blown to bits|bloody nose|black eye|bleeding on the floor|choked
|hanging himself|hanging herself|hanged himself|hanged herself|shot himself|shot herself|kill yourself
|him dead|her dead|ill kill|i will kill|going to kill|gonna kill|beaten with|being stabbed|lying in a coffin
|erschossen|ermordet|getotet|hingerichtet|ahorcado|ahorcada|asesinado|asesinada|decapitado|decapitada
|decapite|decapitee|tue par balle|assassine|assassinee|morto|morta|morto a tiros|assassinado|assassinada
|enforcado|enforcada|zastrzelony|zastrzelona|zamordowany|zamordowana|powieszony|ditembak|dibunuh|tewas
|ucciso|uccisa|impiccato|impiccata|fucilato|fucilata|pendu|pendue|guillotine|enthauptet|degolado|degolada
|esfaqueado|esfaqueada|sendo esfaqueado|ditembak|ditembak mati|neergeschoten|neergestoken|kafasi kesilmis
|vuruldu|ubit|ubita|kidnapped and tied up|tied up and bruised|bullet in his head|bullet in her head
|beaten bloody|shot dead
|dead in a ditch|dead in the ditch|dead in a gutter|rotting in a ditch|slapped|getting slapped|being slapped
|spat on|being spat on|getting spat on|punched in the face|getting punched|getting beaten|kicked in the face
|bloody knife|holding a bloody knife|knife over a body|over a dead body|over a body|noose around
|goli maar|goli mar|goli maar di|goli maari|khoon|maar diya|maar dala|qatl|sar kaat|sar kata
|burning at the stake|burned at the stake|burnt at the stake|egorge|egorgee|asilmis|asildi|oldurulmus
|bogazi kesilmis|degollado|degollada|decapitato|decapitata|sgozzato|sgozzata|gekopft|erstochen|erhangt
|aufgehangt|zadzgany|zadzgana|sciety
"""

_FRAMING = """
photojournalism getty
cnn msnbc
cctv bodycam reuters
|breaking news|news photo|news footage|news report|news broadcast|press photo|fake news|fake photo
|fake picture|fake image|fake footage|leaked photo|leaked image|leaked footage|leaked video
|security camera|security footage|surveillance footage|body cam|dashcam footage|caught on camera
|ap photo|associated press|authentic photo|photo evidence|photographic evidence|evidence photo
|unedited photo|exclusive photo|bbc news|bbc breaking|fox news|sky news|al jazeera|nbc news|abc news
|cbs news|viral photo|viral video|viral tweet
|viral twitter photo|twitter screenshot|tweet screenshot|news screenshot|newspaper front page
|front page of the new york times|news headline|smartphone footage|phone footage|cellphone footage
|official photo|white house photo|official white house photo|live broadcast|live footage
|eyewitness photo|eyewitness footage|press conference photo
|press pool|pool photo|getty images|real photo|genuine photo|documentary photo|screenshot of a tweet
|fake screenshot|instagram post|news article|front page photo|reuters style|ap style|le monde
|security cam|security cam still
|official notice|official letter|official announcement|official alert|emergency alert|government letter
|government notice|press release|official seal|chyron|news chyron|eilmeldung|foto de noticias|tagesschau
|tass|efe|kompas|zdjecie pap|foto pap|election notice|recall notice|polling station sign|ballot notice|notice
|ansa|ultima ora|der spiegel|spiegel online|el pais|globo|globo news|globo noticia|nhk|nhk news|nos journaal
|nos news|trt|son dakika|tvn24|pilne|berita|government sms|official sms|ria novosti|cnn report
|news style|news graphic|in the style of a news report|breaking news style|tweet from|a tweet from|tweet by
|realistic tweet|post by|truth social|truth social post|screenshot of a post|leaked memo|leaked document
|leaked documents|leaked email|internal memo|noticia de ultima hora|ultima hora|ultimas noticias|rtve
|telediario|flash info|derniere minute|breaking news graphic
|afp|dpa|news photograph|realistic news|footage still|press conference|newspaper photo|une du monde
|la une du|front page|fake but realistic|for twitter|to post on twitter|for social media|to go viral
"""

_DISASTER = """
hospitalized hospitalised collapsing resigning resignation surrendering dead
explosion explosions exploding explodes blast bombing bombed bomb bombs attack attacked shooting gunfire
riot riots rioting coup invasion invaded airstrike crash crashed burning burned ablaze collapsed
collapse destroyed hostage hostages massacre evacuated evacuation stampede earthquake tsunami hurricane
tornado wildfire flood flooded flooding pandemic outbreak arrested killed injured casualties
|terrorist attack|terror attack|mass shooting|nuclear attack|nuclear strike|nuclear explosion
|missile strike|air strike|plane crash|on fire
|hospital bed|election fraud|ballot stuffing|stuffing ballot boxes|ballots in a dumpster|rigged election
|evacuate immediately|poisoned|contaminated|curfew|benefits are cancelled|benefits cancelled|moved online
|text your vote|vote by text|election rigged|fake votes|stolen election|executing civilians|troops landing
|controlled demolition|giving away bitcoin|stuffing ballots|ballot boxes being burned|demanding payment
|ist tot|bundeskanzler tot|wybuch|all vaccines contaminated|killed children|ditangkap|poisoning
|asteroid hitting|asteroid impact|do not drink|water poisoned|will be shot|arrestata|arrestato|resigned
|zuruckgetreten|elecciones anuladas|election cancelled|election canceled|election annulled|election postponed
|annulee|uniewaznione|abgesagt|dibatalkan|overleden|has died|morreu
|hastaneye kaldirildi|rigged|fraudadas|hit by missile|hit by a missile|nuclear leak|thousands dead
|voting moved|polling station has moved|closes permanently|hospitals closed|recalled|sbezhal
|ballots being burned|burning ballots|ballots burned|ballots being destroyed|ballots dumped|shredding ballots
|ballots being shredded|attacking|storming|stormed|looting|looted|ransacking|rioters|giving away free bitcoin
|free bitcoin|send btc|send 1 btc|bitcoin giveaway|crypto giveaway|double your bitcoin|surrendered|surrenders
|declares war|martial law|national draft|draft announced
|tanks entering|tanks rolling into|tanks in the streets of|troops entering|plane hitting|plane crashing into
|plane crashes into|plane flying into|jet hitting|airliner hitting|in flames|uprising
"""

_PHOTO = """
photo photos photograph photography photographic photorealistic realistic hyperrealistic real selfie
leaked paparazzi candid instagram onlyfans dslr
|raw photo
"""

# Benign phrases that contain a listed word; they are blanked before matching.
_EXCEPTIONS = """
|same sex|opposite sex|both sexes|opposite sexes|sex education|sex ed|sex pistols|sex and the city
|sexual dimorphism|sexual reproduction|sexual selection|sexual health|sexual and reproductive health
|sexual orientation|sexual orientations|sexual revolution|sexual harassment prevention
|sexual harassment awareness|sexual assault awareness|sexual abuse awareness|nude descending a staircase
|nude high heels|nude ballet flats|nude flats|nude loafers|nude mules|nude slingbacks|nude plaster
|nude walls|nude wall|nude tile|nude tiles|nude paint|nude interior|nude and ivory|nude and white
|nude and blush|nude and beige|nude and gold|nude lace|nude silk|nude satin|nude leather|nude suede
|nude handbag|nude bag|nude clutch|nude belt|nude skirt|nude blouse|nude sweater|nude knit|nude linen
|nude gown|nude shade|nude shades|color nude|colore nude|couleur nude|cor nude|batom nude|labial nude
|rouge a levres nude|pintalabios nude|pintalabios color nude|scarpe nude|scarpe color nude|tono nude|tons nude
|unas nude|vernis nude|smalto nude|undressed salad|undressed salads|stripper clip|stripper clips
|baby bottle nipple|bottle nipple|nipple on a baby bottle|nipple of a baby bottle|faggots and peas|faggots and mash|faggots and gravy|pork faggots
|topless man|topless men|topless guy|topless bodybuilder|topless fisherman
|nude color|nude colour|nude colored|nude coloured|nude tone|nude tones|nude lipstick|nude lip|nude lips
|nude makeup|nude palette|nude heels|nude shoes|nude beige|nude pink|baby oil|baby blue|baby pink
|baby bump|babys breath|sugar baby|king charles spaniel|blue tit|blue tits|great tit|great tits|coal tit
|coal tits|cum laude|magna cum laude|summa cum laude|lolita fashion|gothic lolita|sweet lolita
|classic lolita|naked eye|naked mole rat|naked flame|boy band|bad boy|bra size|horny toad|horny lizard
|pussy cat|pussy willow|thong sandals|nude dress|nude pumps|nude nails|nude nail|nude nail polish
|nude stockings|nude sandals|naked gun|naked lunch|enfant terrible|enfants terribles|pelada de
|jogando pelada|jogar pelada|jogam pelada|jogo de pelada|uma pelada|na pelada|da pelada
|chicken breast|chicken breasts|turkey breast|turkey breasts|duck breast|duck breasts
|blue footed booby|blue footed boobies|red footed booby|red footed boobies|brown booby|brown boobies
|masked booby|masked boobies|booby bird|booby birds|long tailed tit|long tailed tits|crested tit
|crested tits|marsh tit|marsh tits|willow tit|willow tits|bearded tit|bearded tits|penduline tit
|oilseed rape|rape field|rape fields|rape of the sabine women|rape of europa|rape of proserpina
|rape of the lock|the erection of|naked cake|naked cakes|nude coat|nude trench|nude trench coat
|nude sneakers|nude boots|nude tights|nude eyeshadow|nude eye shadow|nude blush|nude gloss|nude lip gloss
|nude lipliner|nude manicure|nude gown|nude skirt|nude blazer|nude knit|nude sweater|nude cardigan
|nude bag|nude handbag|nude clutch|nude leather|nude suede|nude satin|nude silk|nude trousers|nude pants
|in a minor|in a flat minor|in b minor|in b flat minor|in c minor|in c sharp minor|in d minor
|in e minor|in e flat minor|in f minor|in f sharp minor|in g minor|in g sharp minor|minor key
|minor keys|minor chord|minor chords|minor scale|asia minor|ursa minor|canis minor|minor scratches
|minor scratch|minor injuries|minor injury|minor damage|minor details|minor detail|minor league
|minor leagues|minor character|minor characters|minor god|minor gods|minor deity|minor arcana
|minor planet|baby bangs|baby doll|babydoll|boy shorts|boyshorts|teenage mutant ninja turtles
|teenage mutant ninja turtle|from the boys|beach boys|backstreet boys|beastie boys|pet shop boys
|the lost boys|boys ii men|bikini bottom|karate kid|billy the kid|kid icarus|prince william sound
|prince william of orange|king charles i|charles i|king charles ii|charles ii|mr mcgregor
|mr mcgregors|clan mcgregor|trump card|trump cards|goddess kamala|explosion of color
|explosion of colors|explosion of colour|explosion of colours|color explosion|colour explosion
|shooting star|shooting stars|riot games|movie shooting|film shooting|photo shooting|flame burning
|candle burning|candles burning|burning candle|burning candles|punching a nazi|punching nazis
|punching hitler|punches hitler|bleeding heart|bleeding hearts|bleeding edge|punches a nazi|fighting nazis
|fights nazis|clothes off the line|clothes off the washing line
|clothes off the clothesline|laundry off the line|skyline r34|r34 gtr|r34 gt r|gtr r34|gt r r34
|nail fetish|fetish figure|fetish figures|fetish statue|fetish object|fetish objects|paint stripper
|wire stripper|wire strippers|food porn|cabin porn|earth porn|map porn|villa porn|architecture porn
|room porn|sky porn|the sexes|both sexes|each sex|sexes of|bear cub|bear cubs|lion cub|lion cubs
|tiger cub|tiger cubs|wolf cub|wolf cubs|fox cub|fox cubs|leopard cub|leopard cubs|panda cub|panda cubs
|cheetah cub|cheetah cubs|jaguar cub|jaguar cubs|polar bear cub|polar bear cubs|cub reporter
|chicago cubs|the cubs|cubs game|piper cub|baby yellow|baby green|baby purple|baby lilac|baby grand
|baby grand piano|baby powder blue|pool boy|pool boys|boy group|boy groups|son goku|son gohan|son gokus
|son of a gun|son of a bitch|sons of anarchy|son of man|cabin boy|delivery boy|paper boy|poster boy
|golden boy|cowboy|cowboys|playboy bunny|naked branch|naked branches|naked tree|naked trees
|naked truth|super bowl xxx|chapter xxx|part xxx|volume xxx|xxx marathon|movie xxx|orgy of color
|orgy of colors|orgy of colour|orgy of colours|topless convertible|topless car|topless jeep
|topless roadster|pussy riot|tits and finches|lipstick nude|clothes on the bed|clothes on the floor
|clothes on the chair|clothes on the couch|clothes from the floor|clothes from the bed
|kinky hair|kinky curly|kinky curls|kinky twist|kinky twists|kinky coils|whore of babylon
|hardcore punk|hardcore music|hardcore band|hardcore gamer|hardcore gamers|hardcore mode|hardcore fan
|hardcore fans|hardcore workout|hardcore training|hardcore survival|hardcore minecraft|suggestive of
|suggestive shape|suggestive shapes|suggestive shadow|suggestive shadows
|rugby hooker|john lee hooker|hooker furniture|muscle bulge|bulge in the wall|battle of the bulge
|bulging muscles|cow in heat|cat in heat|dog in heat|mare in heat|nothing on the table|nothing on the wall
|nothing on the shelf|nothing on the screen|nothing on tv|nothing on the menu|nothing on it
|baby dragon|juvenile dragon|baby dragons|juvenile dragons|baby goat|juvenile goat|baby goats
|juvenile goats|baby dolphin|juvenile dolphin|baby dolphins|juvenile dolphins|baby seal|juvenile seal
|baby seals|juvenile seals|baby duck|juvenile duck|baby ducks|juvenile ducks|baby turtle|juvenile turtle
|baby turtles|juvenile turtles|baby sea turtle|juvenile sea turtle|baby sea turtles|juvenile sea turtles
|baby elephant|juvenile elephant|baby elephants|juvenile elephants|baby bird|juvenile bird|baby birds
|juvenile birds|baby owl|juvenile owl|baby owls|juvenile owls|baby fox|juvenile fox|baby foxes
|juvenile foxes|baby bear|juvenile bear|baby bears|juvenile bears|baby deer|juvenile deer|baby penguin
|juvenile penguin|baby penguins|juvenile penguins|baby otter|juvenile otter|baby otters|juvenile otters
|baby whale|juvenile whale|baby whales|juvenile whales|baby shark|juvenile shark|baby sharks
|juvenile sharks|baby lion|juvenile lion|baby lions|juvenile lions|baby tiger|juvenile tiger|baby tigers
|juvenile tigers|baby panda|juvenile panda|baby pandas|juvenile pandas|baby koala|juvenile koala
|baby koalas|juvenile koalas|baby monkey|juvenile monkey|baby monkeys|juvenile monkeys|baby horse
|juvenile horse|baby horses|juvenile horses|baby cow|juvenile cow|baby cows|juvenile cows|baby pig
|juvenile pig|baby pigs|juvenile pigs|baby sheep|juvenile sheep|baby lamb|juvenile lamb|baby lambs
|juvenile lambs|baby bunny|juvenile bunny|baby bunnies|juvenile bunnies|baby rabbit|juvenile rabbit
|baby rabbits|juvenile rabbits|baby squirrel|juvenile squirrel|baby squirrels|juvenile squirrels
|baby raccoon|juvenile raccoon|baby raccoons|juvenile raccoons|baby hedgehog|juvenile hedgehog
|baby hedgehogs|juvenile hedgehogs|baby giraffe|juvenile giraffe|baby giraffes|juvenile giraffes
|baby hippo|juvenile hippo|baby hippos|juvenile hippos|baby rhino|juvenile rhino|baby rhinos
|juvenile rhinos|baby wolf|juvenile wolf|baby wolves|juvenile wolves|baby cat|juvenile cat|baby cats
|juvenile cats|baby dog|juvenile dog|baby dogs|juvenile dogs|baby animal|juvenile animal|baby animals
|juvenile animals|baby dinosaur|juvenile dinosaur|baby dinosaurs|juvenile dinosaurs|baby unicorn
|juvenile unicorn|baby unicorns|juvenile unicorns|baby griffin|juvenile griffin|baby griffins
|juvenile griffins|baby phoenix|juvenile phoenix|baby yoda|juvenile yoda|baby groot|juvenile groot
|baby octopus|juvenile octopus|baby axolotl|juvenile axolotl|baby sloth|juvenile sloth|baby sloths
|juvenile sloths|baby chicken|juvenile chicken|baby chickens|juvenile chickens|baby chick|juvenile chick
|baby chicks|juvenile chicks|kid goat|kid goats|kid leather|kid gloves|kid glove|son of zeus
|daughter of zeus|sons of zeus|daughters of zeus|children of zeus|child of zeus|son of odin
|daughter of odin|sons of odin|daughters of odin|children of odin|child of odin|son of poseidon
|daughter of poseidon|sons of poseidon|daughters of poseidon|children of poseidon|child of poseidon
|son of hades|daughter of hades|sons of hades|daughters of hades|children of hades|child of hades
|son of apollo|daughter of apollo|sons of apollo|daughters of apollo|children of apollo|child of apollo
|son of ares|daughter of ares|sons of ares|daughters of ares|children of ares|child of ares|son of thor
|daughter of thor|sons of thor|daughters of thor|children of thor|child of thor|son of loki
|daughter of loki|sons of loki|daughters of loki|children of loki|child of loki|son of ra|daughter of ra
|sons of ra|daughters of ra|children of ra|child of ra|son of osiris|daughter of osiris|sons of osiris
|daughters of osiris|children of osiris|child of osiris|son of isis|daughter of isis|sons of isis
|daughters of isis|children of isis|child of isis|son of neptune|daughter of neptune|sons of neptune
|daughters of neptune|children of neptune|child of neptune|son of jupiter|daughter of jupiter
|sons of jupiter|daughters of jupiter|children of jupiter|child of jupiter|son of mars|daughter of mars
|sons of mars|daughters of mars|children of mars|child of mars|son of venus|daughter of venus
|sons of venus|daughters of venus|children of venus|child of venus|son of athena|daughter of athena
|sons of athena|daughters of athena|children of athena|child of athena|son of hera|daughter of hera
|sons of hera|daughters of hera|children of hera|child of hera|son of freya|daughter of freya
|sons of freya|daughters of freya|children of freya|child of freya|son of frigg|daughter of frigg
|sons of frigg|daughters of frigg|children of frigg|child of frigg|son of god|daughter of god
|sons of god|daughters of god|children of god|child of god|son of the gods|daughter of the gods
|sons of the gods|daughters of the gods|children of the gods|child of the gods|son of the sea
|daughter of the sea|sons of the sea|daughters of the sea|children of the sea|child of the sea
|son of the sun|daughter of the sun|sons of the sun|daughters of the sun|children of the sun
|child of the sun|son of the moon|daughter of the moon|sons of the moon|daughters of the moon
|children of the moon|child of the moon|son of the night|daughter of the night|sons of the night
|daughters of the night|children of the night|child of the night|son of darkness|daughter of darkness
|sons of darkness|daughters of darkness|children of darkness|child of darkness|son of the stars
|daughter of the stars|sons of the stars|daughters of the stars|children of the stars|child of the stars
|children of the corn|minor demon|minor demons|minor noble|minor nobles|minor noblewoman|minor nobleman
|minor nobility|minor villain|minor villains|minor boss|minor bosses|road grader|motor grader
|lol jk|jk lol|jc penney|jcpenney|baby hairs|baby hair|gamine woman|gamine look|gamine style
|teenie weenie|baby bottle|baby shower|baby carrot|baby carrots|baby spinach|baby back ribs|baby corn
|no one under 18|nobody under 18|under 18 not admitted|under 18s not admitted|no minors
|no minors allowed|minors not allowed|not for kids|not for children|no kids|no kids allowed|no children
|no children allowed|adults only|adult only|adult content|adult themes|adult material|adult son
|adult sons|adult daughter|adult daughters|adult children|adult kids|grown son|grown daughter
|grown children|baby coming soon|baby on the way|its a boy|its a girl|mom to be|mum to be|gender reveal
|sports bra|sports bras|anak krakatau|photoshoot bts|shoot bts|campaign bts|bts photo|bts photos
|bts footage|bts shot|bts shots|bts video|the weekend|this weekend|a weekend|every weekend|weekend
|weekends|aoc monitor|aoc gaming|aoc burgundy|aoc wine|merkel cell|trump suit|a bad bunny
|white power bank|white power strip|white power ranger|white power cord|white power adapter
|white power supply|white power outlet|white power button|the whites|hang the whites|wash the whites
|whites and colors|whites and colours|en retard|des retards|les retards|de retard|un retard
|spic and span|cnn architecture|cnn model|cnn layers|paris hilton hotel|no nsfw|not nsfw|non nsfw
|nsfw free|without nsfw|led strip|light strip|drag strip|strip mall|comic strip|landing strip|film strip
|loathe|loathes|loathing|xxx olympiad|grease nipple
|nipple fitting|pipe nipple|silicone nipple|bottle nipple|anal fin|anal fins|anal gland|anal glands
|sex chromosome|sex chromosomes|sex cells|sex determination|sex ratio|breast cancer|breast exam
|breast feeding|breastfeeding|breast milk|breast pump|breaststroke|breast stroke|blote voeten
|nackte kanone|nua e crua|verdad desnuda|arboles desnudos|nagie drzewa|cabrio oben ohne|charles iv
|charles v|charles vi|charles vii|charles ix|charles x|charles xi|charles xii|charles xiii|charles xiv
|charles xv|louis ferdinand|son mari|son chien|son chat|son fils|son amie|son ami|son copain|avec son
|et son|son las|son los|son muy|son de|son moda|child free|childfree|kid free|daughter of demeter|daughter of gaia
|son of cronus|son of kronos|daughter of cronus|son of hermes|daughter of hermes|son of dionysus|son of anubis
|blote takken|nackte felsen|telanjang kaki|ciplak ayakli|ciplak ayak|seksi acara|seksi konsumsi
|seksi dokumentasi|truk semen|cum ar|cum arata|pene colorate|sex katter|seks hunder|seks sma|sex sma
|in intercourse|no uniform|no uniforms|al menor precio|menor precio|novinha em folha
|novinho em folha|biquini novinho|femme gamine|kamala khan|agent smith|half blood prince|tarot trump
|trump xiii|spice ice cream
|spices|nude toned|nude tone|nude toned shoes|safe sex|safer sex|safe sex poster|safe sex campaign
|cocktail called sex on the beach|sex on the beach cocktail|sex on the beach cocktails|sex on the beach drink
|sex on the beach recipe|xxx on a bottle|xxx on the bottle|xxx on a rum bottle|xxx on a pirate rum bottle
|xxx on a jug|xxx on the jug|xxx on a barrel|xxx on the label|xxx label|xxx moonshine|moonshine xxx|xxx jug
|xxx bottle|xxx rum|marked xxx|labelled xxx|labeled xxx
"""

# Towns whose names are listed words, with their region: as exceptions, but also written the way a
# place is ("Intercourse, PA", "Anus (Yonne)", "Anus, a village in France").
_TOWNS = """
|intercourse pennsylvania|intercourse penn|intercourse pa|anus france|anus yonne|anus burgundy
|dildo newfoundland|dildo nl|dildo canada|dildo island|dildo newfoundland and labrador
"""
# Between a town's name and its region: punctuation, and "a small village in".
_TOWN_SEPARATOR = r"(?:[\s\-_.,;()]+(?:(?:a|the|small|little|tiny|rural|french)\s+)*(?:town|village|commune|hamlet)\s+(?:in|of)\s+|[\s\-_.,;()]+)"

# Other languages. Words in the Latin script are listed as the normaliser folds them (accents dropped:
# "desnuda", "crianca") and join the lists above. A word that would fold into an English word or a name
# stays out ("nina" for "niña", "kind" and "kinder" for the German words, "nudo", which is a Spanish knot),
# and is caught in phrases instead ("nina desnuda", "nacktes kind").
_SEXUAL_ELSEWHERE = """
desnuda desnudas desnudo desnudos desnudez sexo tetas pezones pene follando nue nues nudite sexe seins
erotique pornographique deshabillee deshabille nackt nackte nackter nacktes nackten nacktbild nacktbilder
nacktfoto nacktfotos erotisch bruste nua nuas seios transando nuda tette sesso naakt ciplak telanjang bugil
naakte naaktfoto uitgekleed blote nagie nagich rozebrane rozebrani naken nakna alaston alasti meztelen
goala dezbracata dezbracat hubad svestita svestito svestite entblosst entblosste bogel nangi uchi
unbekleidet unbekleidete unbekleideter unbekleidetes unbekleideten entkleidet entkleidete
desnudita desnuditas desnudito encuerada encuerado encueradas nackig nackedei splitternackt nuzinha
nuzinhas peladinha peladinho tesao spogliata spogliato spogliate rozebrana rozebrany seks seksi ngentot
bokep bloot erotico eroticos erotiche erotik erotyczny erotyczna erotyczne seksowna seksowny
spogliala spoglialo razden razdet goloy golym deepnude naakte
golaya golaja golye golyy goliy golenkaya golenkie obnazhennaya razdetaya razdetye
desnudala desnudalo desnudalas desnudarla desnudarlo rozbierz
|sin ropa|tout nu|toute nue|oben ohne|sem roupa|senza vestiti|ohne kleidung|ohne kleider|sans vetements
|sans vetement|sans habits|en pelotas|sin calzones|sin bragas|a poil|sem calcinha|sem roupas
|tout nus|toutes nues|khoa than|naga kobieta|naga dziewczyna|naga nastolatka|en cueros|em pelo
|tanpa busana|tran truong|a loilpe|en tenue deve|tanpa baju|loa the
|quitale la ropa|quitarle la ropa|quitale su ropa|quitale toda la ropa|enleve ses vetements
|enlever ses vetements|retire ses vetements|ohne klamotten|zieh sie aus|zieh ihn aus|zieh sie nackt aus
|rozbierz ja|rozbierz go|do naga|buka bajunya|buka baju|lepas baju|lepas bajunya|lepaskan bajunya
|mulher pelada|mulheres peladas|tire a roupa|tira a roupa|tirar a roupa|tire a roupa dela
|toglile i vestiti|togli i vestiti|toglierle i vestiti|kleed haar uit|kleed hem uit|haal haar kleren weg
|kiyafetlerini cikar|elbiselerini cikar|ubierz ja w nic|deep nude|isnt wearing anything|not wearing anything
|gola uczennica|gola dziewczynka|goli chlopiec|nudo di una|nuda di una
"""
# "Pelada" is naked in Portuguese and a kick-about in Brazil; its games are blanked as exceptions.
_SUGGESTIVE_ELSEWHERE = """
lenceria bragas provocativa sexi gostosa gostosinha safada safadinha calcinha calcinhas
biquini pelada peladas pelado pelados unterwasche reizwasche hoschen freizugig mutandine perizoma
|ropa interior|sous vetements|en culotte|petite culotte|in dessous|in unterwasche|en tanga|em tanga|de tanga
"""
_MINOR_ELSEWHERE = """
ninas ninos colegiala colegialas adolescente adolescentes infantil preadolescente chiquilla chiquillas
enfant enfants fillette fillettes ecoliere ecolieres collegienne collegiennes mineure mineures kleinkind
kleinkinder jugendliche jugendlicher minderjahrig minderjahrige minderjahriger minderjahrigen schulmadchen
grundschuler grundschulerin crianca criancas garotinha garotinhas garotinho garotinhos menininha menininho
bambina bambine bambino bambini ragazzina ragazzine ragazzino ragazzini minorenne minorenni dziecko dzieci
cocuk cocuklar kinderen
jovencita jovencitas chamaquita chamaquitas nenita nenitas preadolescentes lyceenne lyceennes collegien
collegiens bambin bambins preado preados kindes kindern schulerin schulerinnen schuler grundschulerinnen
menina meninas menino meninos novinha novinhas novinho novinhos pirralha pirralho colegial colegiais
scolaretta scolarette scolaro scolari bimba bimbe dziewczynka dziewczynki dziewczynke chlopiec
chlopczyk nastolatka nastolatek nastolatki meisje meisjes jongetje jongetjes tiener tieners kindje
kindjes anak bocah remaja siswi uczennica uczennice uczennicy liseli liseliler ortaokullu ilkokullu cocugu
abg bocil pikkutytto lapsi lapset lapsen kislany kislanyok kisfiu gyerek gyermek fetita fetite fetitei
copil copii baietel holcicka holcicky holcicku morrita morritas chamaca chamacas ninfeta ninfetas
menor mocosa mocosas bimbetta bimbette pivete pivetes gamine gamines gosse gosses budak mtoto watoto bachi bacchi escuincla escuinclas pibita pibitas
muchachita muchachitas ninfetinha ninfetinhas gurizinha gurizinhas mome momes ragazzetta ragazzette
devochka devochki devochku devochek shkolnitsa shkolnica shkolnitsy shkolnicy shkolnik shkolniki
malchik malchiki rebenok podrostok basisschoolmeid basisschoolmeisje basisschool
|menor de edad|menores de edad|petite fille|petites filles|petit garcon|petits garcons|kleines madchen
|kleine madchen|junges madchen|menor de idade|menores de idade|kleiner junge|kleinen jungen
|kleine jungen|kleiner bub|kleine buben|jeune fille|jeunes filles|gadis kecil|anak anak|anak kecil
|kiz cocugu|kiz cocuk|be gai|be trai|tre em|hoc sinh|em be|anak smp|anak sd|cewek smp|gadis smp
|murid sd|siswi smp|batang babae|batang lalaki|liten flicka|lilla flickan|sma flickor|lille pige
|lille piger|kleine meid|klein meisje|kleine meisjes|chhoti bachi|kanak kanak|msichana mdogo|nu sinh
|de secundaria|de la secundaria|de primaria|de la primaria|de prepa|de preparatoria|de la escuela primaria
|gadis sd|cewek sd|siswi sd|siswa sd|murid smp|siswa smp|bocah sd|anak tk|gadis tk|cewek tk|siswi smp
|lil one|yung gurl|ilkokul ogrencisi|ilkokul ogrencisi kiz|uczennica podstawowki|podstawowki
"""
_CSAM_ELSEWHERE = """
kinderporno kinderpornos kinderpornografie kinderpornographie pedopornographie pedopornografia
|porno infantil|pornografia infantil|pornographie infantile|nina desnuda|ninas desnudas|nino desnudo
|ninos desnudos|enfant nu|enfant nue|enfants nus|garcon nu|fillette nue|nacktes kind|nackte kinder
|kind nackt|kinder nackt|nackt kind|nackt kinder|nackte kind|nackten kinder|nacktes madchen
|nackte madchen|madchen nackt|nackter junge
|menina nua|meninas nuas|menino nu|meninos nus|crianca nua|bambina nuda|bambino nudo|junge nackt
|nackte jungen|jungen nackt|kind unbekleidet|unbekleidetes kind|kinder unbekleidet|unbekleidete kinder
|kind ohne kleidung|kinder ohne kleidung|gamine nue|gamines nues|gamin nu|gamins nus|ado nue|ados nus
|ado nu|naakt kind|naakte kinderen|naakt meisje|naakte meisjes|nena desnuda|nenas desnudas
|batang hubad|naga dziewczynka|nagie dzieci
|nagi chlopiec|nagie dziecko|naga nastolatka|dziewczynka naga|dziecko nagie|chlopiec nagi
|kind in dessous|kinder in dessous|kind in unterwasche|kinder in unterwasche|kind in reizwasche
"""

# Ordinary words and phrases in those scripts that contain a listed term: noodles (ヌードル), kimbap with
# the rice outside (누드김밥), Beethoven's Eroica, sexual minorities (性的少数者), the emperor's new clothes
# (裸の王様, голый король), bare trees and walls (голые деревья), etching (エッチング), and "性感" (sexy) across
# two words: a woman's feeling (女性感到), a sense of personality (个性感).
_FOREIGN_EXCEPTIONS = """
ヌードル 누드김밥 エロイカ 性的少数 裸の王様 エッチング 女性感 男性感 个性感 個性感 知性感 中性感 理性感 野性感
|голый король|голые деревья|голых деревьев|голые ветки|голые ветви|голые стены|голых стен|голые скалы
|少年ジャンプ|꼬마전구|아기자기|голая земля|голое поле|голые ноги|голых ног|голая степь|裸の木|裸露的砖|脱衣所|모자를 벗|안경을 벗|신발을 벗
|नंगे पैर
"""

# Scripts the word lists cannot fold into Latin letters. Most are matched as whole words of the base view
# (homoglyph folding turns some Cyrillic letters into Latin ones; the terms are folded the same way).
# Chinese, Japanese and Korean are written without spaces, or with particles glued on, so their terms are
# matched as substrings; katakana terms only where no other katakana comes before, so that "ロリ" is not
# found inside "カロリー" (calorie). Words that are Latin-script but fold into other words ("niña" into
# "nina") are matched with their accents, in the native view.
_FOREIGN: dict[Term, str] = {
    Term.SEXUAL: """
голый голая голые голое голых голую голенький голенькая голенькие голеньких обнажённая обнажённый
обнажённые обнажённое обнажённых раздетая раздетый раздетые секс порно порнография эротика эротический
эротическая эротическое сиськи ню голенькую обнажённую раздетую раздетых порнуха интим
раздень раздеть разденьте раздевается раздевайся голой голым
гола голий голі оголена оголений оголені роздягнена роздягнений роздягнені
γυμνό γυμνή γυμνά γυμνές γυμνός γυμνούς γυμνη γυμνο
עירומה עירום ערום ערומה עירומים עירומות
عارية عاري عراة عاريات عارى
नंगी नंगा नंगे नग्न
nøgen nøgne nahá nahé nahý nahou nahých
はだか 没穿衣服 涩涩 脱衣 光着身子 벗은 벗고 เปลือย لخت ننگی নগ্ন সেক্স سكس 工口 ハダカ すっぽんぽん โป๊ แก้ผ้า
برهنه উলঙ্গ
ヌード エロ 全裸 半裸 セックス ポルノ 性的な おっぱい 乳首 裸の 裸で 裸体 裸婦 エッチ えっち
裸照 裸露 赤裸 色情 性爱 做爱 脱光 一丝不挂 裸體 性愛 无码 淫荡
알몸 누드 나체 섹스 포르노 야한 야동
|без одежды|без трусов|без белья
""",
    Term.SUGGESTIVE: """
下着 水着 ランジェリー 内衣 比基尼 泳装 бельё белье купальник セクシー 性感 섹시 속옷
сексуальная сексуальную сексуальный сексуальные трусики трусиках
""",
    Term.MINOR: """
ребёнок ребенок ребёнка ребенка дети детей детский детская детское девочка девочки девочку девочек
мальчик мальчики мальчика мальчиков малыш малышка малолетка малолетки малолетняя школьница школьницы
школьник школьники подросток подростки несовершеннолетняя несовершеннолетний несовершеннолетние лоли
школьницу школьниц малолетку малолеток подростка подростков детишки детишек дочка дочку дочурка дочурку
девочке девочкой
дівчинка дівчинку дівчинки дитина діти дітей хлопчик хлопчика підліток підлітки школярка школярки
κοριτσάκι κοριτσάκια παιδί παιδιά ανήλικη ανήλικο ανήλικοι
ילדה ילד ילדים ילדות קטינה קטין
طفلة طفل أطفال اطفال قاصر قاصرة
बच्ची बच्चा बच्चे बच्चों नाबालिग
dítě děti holčička chlapeček
中1 中2 中3 中一 中二 中三 小1 小2 小3 小4 小5 小6
ようじょ 幼齿 小学 初中 中学 小朋友 ろり 초등 여아 นักเรียนหญิง ジュニアアイドル 여학생 아기 여자아이 남자아이 유치원생 เด็ก เด็กผู้หญิง เด็กหญิง
کودک دختربچه بچه بچی বাচ্চা শিশু девчонка девчонку лолита
بنت صغيرة
دختر بچه
niña niñas niño niños niñita niñitas bebé bebés bébé bébés
子供 子ども こども 児童 幼女 少女 少年 女児 男児 小学生 中学生 幼児 幼稚園 赤ちゃん ロリ ショタ 女子高生 女子中学生
女子小学生 男の子 幼い女の子 小さな女の子 小さい女の子 ロリータ 園児 女子生徒 女子校生 ランドセル
儿童 兒童 孩子 小孩 萝莉 蘿莉 正太 未成年 初中生 婴儿 小女孩 小男孩 女童 男童 男孩 学生妹 高中生 女学生
아동 어린이 소녀 소년 초등학생 중학생 로리 미성년 여고생 여중생 초딩 중딩 고딩 꼬마 미자 つるぺた
""",
    Term.DEFAMATION: """
наркоман наркоманка вор воровка преступник
""",
    Term.VIOLENCE: """
застрелен застрелена убит убита убитый повешен повешена обезглавлен обезглавлена расстрелян расстреляна
простреленной простреленная пулей пуля
斩首 砍头 枪杀 处决 吊死 爆头 斬首 射殺 暗殺 참수 총살 암살 ذبح مذبوح
|в голове|с пулей|пуля в голове|пулей в голове|قطع رأس|गोली मार|सिर काट
""",
    Term.FRAMING: """
тасс риа срочно
新华社 新闻照片 突发新闻 央视新闻 速報 ニュース速報 ニュース画面 緊急速報 속보 뉴스속보 عاجل
|риа новости|срочная новость|срочные новости|первый канал|россия 24|вести 24
""",
    Term.DISASTER: """
взрыв взрыва убит погиб сбежал умер арестован сдалась сдался капитуляция капитулировала
投降 爆炸 大地震 地震 死者 遇难 爆発 テロ 死亡 폭발 지진 사망 انفجار
""",
    Term.SLUR: """
жиды жидов жидам жидами жидовка жидовский чурки чурок чуркам хачи хачей хохлы хохлов москали 黑鬼 支那人 支那猪
ジャップ 쪽바리 짱깨 깜둥이 니거 ニガー
""",
    Term.CSAM: """
|детское порно|детская порнография|児童ポルノ|ロリコン|ショタコン|儿童色情|兒童色情|恋童|戀童|아동포르노
|雏妓|雛妓|メスガキ|ペド|幼幼|нимфетка|нимфетки|нимфетку
""",
}


# Words that may glue onto a listed word ("hotteens", "mylittlegirl"); used only to split glued words.
_FILLERS = frozenset(
    _words("""
    hot cute little young small tiny my her his real big wet girl girls woman women man men pic pics photo
    photos video videos leaked leak teenie gallery pics set
    """)
)
# Everyday phrases one slip from a listed name: "on the weekend" is not The Weeknd.
_NOT_MISSPELT_NAMES = frozenset({"the weekend", "the weekends", "spice ice"})
# Words before a name that make it an artist's credit, not who is in the picture ("in the style of Annie
# Leibovitz", "photographed by David Bailey").
_CREDITED = re.compile(
    r"(?:\bby|style of|inspired by|in the manner of|after|a la|homage to)\s+$", re.IGNORECASE
)
# Words after a capitalised given name that make the pair a thing, not a person ("Rose Garden").
_NOT_SURNAMES = frozenset(
    _words("""
    style art painting portrait photo photograph street beach park garden hotel city falls lake river
    mountain bay island castle palace church school college university cosplay costume outfit dress body
    woman girl man boy lady model character version fanart lingerie nude naked sexy hot in with and the as
    at of on
    """)
)
# Undressing, said with any verb and any garment: "remove her blouse", "make her clothes invisible",
# "lift her skirt", "x-ray through her clothes". Matched within one phrase of the base view (commas and
# full stops end one), so "remove the background, red dress" is two phrases. A shirt or a top counts
# only on a woman or a girl: a man without a shirt is shirtless, not nude.
_GARMENTS = (
    r"clothes|clothing|outfits?|garments?|attire|everything (?:she|he) (?:is )?wearing|dress(?:es)?|skirts?"
    r"|pants|trousers|jeans|shorts|panties|knickers|underwear|underpants|briefs|boxers|bras?|bikinis?"
    r"|swimsuits?|bathing suit|towels?|bathrobe|robes?|gowns?|nightgown|nightie|lingerie|leggings|tights"
    r"|thong|pajamas|pyjamas|uniform|costume|kimono|sari|saree|leotards?|bodysuits?|jumpsuits?|camisoles?"
    r"|negligees?|sundress(?:es)?|nightdress|overalls|cloths|clohtes|clothez|clotes"
)
_UPPER_GARMENTS = r"shirts?|t ?shirts?|blouses?|tops?|tank ?top|sweater|hoodie|bodice|corset"
# Between the verb and the garment only the words that say whose or which one: "remove her blouse",
# "take off all of her clothes"; "remove the stain from the dress" and "replace her dress with a gown"
# say something else.
_GARMENT_OWNER = (
    r"(?:\s+(?:her|his|their|the|all|of|any|every|my|your|its|a|an|this|that|whole|entire|remaining|last"
    r"|each|little|tiny|wet|own|white|black|red|blue|pink))*?\s+"
)
_UNDRESS_BEFORE = (
    r"remov(?:e|es|ed|ing)?|(?:take|takes|taking|taken|took) off|strip(?:s|ped|ping)?(?: off)?"
    r"|pull(?:s|ed|ing)? (?:down|off)|(?:peel|peels|peeled|peeling|tug|tugs|tugged|tugging) off"
    r"|unbutton(?:s|ed|ing)?|unzip(?:s|ped|ping)?|unlac(?:e|es|ed|ing)|undo(?:es|ing)?|open(?:s|ed|ing)?"
    r"|without|no|(?:not|isnt|arent|is not|are not) wearing|wearing no|erase[sd]?|erasing"
    r"|delet(?:e|es|ed|ing)|get(?:s|ting)? rid of|got rid of|cut (?:off|away)|shed(?:s|ding)?"
    r"|(?:rip|rips|ripped|ripping|tear|tears|tore|torn|tearing) (?:off|away|open)|x[ -]?ray(?: through)?"
    r"|see through|lift(?:s|ed|ing)? up"
)
# Lifted, a skirt or a dress shows what is under it.
_LIFTED = r"lift(?:s|ed|ing)?(?: up)?{owner}(?:skirts?|dress(?:es)?)"
# After the garment, what becomes of it, as the phrase's last words: "make her shirt transparent",
# "her clothes dissolve", "with her dress off"; not "a dress off to church" or "off-white".
_UNDRESS_AFTER = (
    r"(?:(?:is|are|was|were|being|gets?|got|getting|becomes?|turns?|turning|made)\s+)?"
    r"(?:(?:\d+ ?%? ?|fully |completely |totally |all )?(?:transparent|see ?through|invisible|translucent)"
    r"|removed|gone|vanish\w*|disappear\w*|dissolv\w*|melt\w*(?: away)?|(?:torn|ripped|cut) (?:off|away|open)"
    r"|pulled (?:down|off)|taken off|falling (?:off|down)|slipping off|coming off|(?:all )?off|unbuttoned"
    r"|undone|at 0 ?% opacity)"
)
# "Replace her dress with body paint", not with a ballgown.
_REPLACED_BY_NOTHING = (
    r"(?:replac|swap|chang|turn)\w*{owner}(?:{garments})\s+(?:with|for|to|into)\s+"
    r"(?:body paint|nothing|bare skin|skin|nudity|lingerie|underwear|a bikini|a towel|a thong|transparent\w*"
    r"|see through\w*)"
)
# Garments named with a word after them that makes them something else: "dress code", "dress shirt".
_NOT_THE_GARMENT = (
    r"(?! (?:code|codes|shirt|shirts|shoes|rehearsal|up|sense|sleeves?|hat|hats|designer))"
    # Clothes lying about: "declutter my room, remove the clothes on the bed".
    r"(?! (?:on|from|off|in) (?:the |my |a )?(?:bed|floor|chair|couch|sofa|table|line|hanger|rack|pile))"
    # Hanging, lying about, on a mannequin or a dog, a garment's patches or a shop's sign; and "no
    # costume required" on a flyer.
    r"(?! (?:hanging|hung|lying|laying|drying|folded|patch|patches|logo|logos|sign|signs|shop|shops|store"
    r"|form|forms|tag|tags|label|labels|stain|stains|strap|straps|required|needed|allowed|policy|day"
    r"|on (?:his|her|the) head|on the (?:wall|hook|hooks|hanger|clothesline|mannequin)"
    r"|from (?:the |my |a )?(?:mannequin|clothesline|dog|cat|puppy|window|shop|wall|hook|hooks|doll)))"
)
_FEMALE = re.compile(r"(?<![a-z])(?:her|she|hers|woman|women|girls?|lady|ladies|female)(?![a-z])")


def _undressing(phrase: str) -> bool:
    """Whether one phrase of a prompt undresses someone (see `_GARMENTS`)."""
    garments = _GARMENTS + "|" + _UPPER_GARMENTS if _FEMALE.search(phrase) else _GARMENTS
    return _undress_pattern(garments).search(phrase) is not None


@cache
def _undress_pattern(garments: str) -> re.Pattern[str]:
    replaced = _REPLACED_BY_NOTHING.format(owner=_GARMENT_OWNER, garments=garments)
    lifted = _LIFTED.format(owner=_GARMENT_OWNER)
    return re.compile(
        rf"(?<![a-z])(?:(?:{_UNDRESS_BEFORE}){_GARMENT_OWNER}(?:{garments}){_NOT_THE_GARMENT}"
        rf"|(?:{garments})\s+{_UNDRESS_AFTER}(?=\s*(?:$|and\b|to the floor\b|on the floor\b))"
        rf"|(?:{garments})\s+(?:vanish|disappear|dissolv|melt|evaporat|slides? (?:down|off)"
        rf"|slips? (?:away|off)|burns? away|turns? to dust|crumbl)\w*"
        rf"|{replaced}|{lifted})(?![a-z])"
    )


# Clothes set to none, as in a character sheet: "clothes: none", "outfit = nothing".
_NO_CLOTHES_SETTING = re.compile(
    r"(?<![a-z])(?:clothes|clothing|outfit|attire)\s*[:=]\s*(?:none|nothing|0|null|off)(?![a-z0-9])"
)
_PHRASE_END = re.compile(r"[,.;:!?|/()\[\]{}<>\n]+")
# Words that may stand with clothes in a negative prompt's phrase that still asks for none at all:
# "--no any clothes on her body", "--no clothes whatsoever".
_CLOTHES_FILLERS = frozenset(
    _words("""
    any all her his their its the a an of on body wearing worn at whatsoever no and or with some piece pieces
    single every kind kinds type types sort underneath under she he is are
    """)
)
_GENERIC_CLOTHES = re.compile(r"(?<![a-z])(?:clothes|clothing|outfits?|garments?|attire)(?![a-z])")
_GARMENT_WORD = re.compile(rf"(?<![a-z])(?:{_GARMENTS})(?![a-z])")
# What a prompt may dress someone in, whose alternatives a negative prompt lists.
_WEARING = re.compile(
    rf"(?<![a-z])(?:{_GARMENTS}|{_UPPER_GARMENTS}|tuxedos?|suits?|coats?|jackets?|armou?r|uniforms?|kimonos?)(?![a-z])"
)
_UPPER_GARMENT_WORD = re.compile(rf"(?<![a-z])(?:{_UPPER_GARMENTS})(?![a-z])")
# People in a negative prompt: the picture is to have nobody in it, so its clothes undress no one.
_NO_PEOPLE = re.compile(r"(?<![a-z])(?:people|persons?|humans?|figures?|nobody|crowds?)(?![a-z])")
# Someone in the picture, whom a negative prompt of clothes could undress.
_SOMEONE = re.compile(
    r"(?<![a-z0-9])(?:wom[ae]n|m[ae]n|girls?|boys?|lady|ladies|guys?|person|people|females?|males?|she|her"
    r"|he|him|his|models?|portrait|body|figure|character|wife|husband|girlfriend|boyfriend|couple|bride"
    r"|groom|1girl|1boy|someone|anyone|nurse|maid|student|idol|actress|actor|dancer|waifu|selfie)(?![a-z])"
)

_CAPITALISED_PAIR = re.compile(r"\b([A-Z][a-z]{1,15})[ \t]+([A-Z][a-z]{1,20}(?:-[A-Z][a-z]+)?)\b")
_AGE_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen"
)
_AGE_VALUES = {word: i + 1 for i, word in enumerate(_AGE_WORDS.split("|"))}
# Units of age in other languages, as folded: "12 años", "12 ans", "12 Jahre", "12-jährige", "12 anni".
_AGE_UNITS_ELSEWHERE = (
    "anos|ans|anni|jahre|jahren|jahrig|jahrige|jahriger|jahriges|jahrigen|jarig|jarige|jaar|lat|lata|latek"
    "|latka|letni|letnia|letnie|yasinda|yasindaki|yas|tahun|vuotta|vuotias|vuotiaan|vuotiaat|eves|ani"
    "|taong gulang|taon|saal"
)
_AGE = re.compile(
    # "a thirteen-year-old's body": the possessive leaves an "s" once the apostrophe is dropped.
    rf"(?<![a-z0-9.])(?P<n>\d{{1,2}}|{_AGE_WORDS}) ?(?:(?:years?|yrs?|yr|y) ?(?:olds?|os?)|years? of age"
    rf"|(?:st|nd|rd|th) ?grade(?:rs?)?(?! teachers?)|yrs?|{_AGE_UNITS_ELSEWHERE})(?![a-z0-9])"
    rf"|(?<![a-z0-9])age[ds]? (?P<m>\d{{1,2}}|{_AGE_WORDS})(?![a-z0-9.])"
)
# "a 12 year old whisky", "her 10 year old car", "scotch aged 12 years": the age of a thing, not of a
# person ("cat girl" is one).
_THINGS = (
    r"dogs?|cats?|puppy|puppies|kittens?|horses?|ponies|pony|pets?|cars?|trucks?|bikes?|motorcycles?"
    r"|whisky|whiskey|scotch|bourbon|rum|wine|cognac|cheese|trees?|oaks?|house|building|castle|bridge"
    r"|church|bottle|guitar|violin|laptop|computer|phone|company|brand|game|song|film|movie|book|recipe"
    r"|painting|photo|single malts?|malts?|port|brandy|armagnac|tequila|vodka|gin|sake|balsamic|vinegar"
    r"|ham|steak|beef|camera|lens|watch|rolex|clock|piano|boat|ship|yacht|plane|tractor|sword|rifle"
    r"|leather|jacket|jeans|shoes|boots|coat|wallet|ferrari|porsche|mustang|jeep|vintage|classic"
)
_AGED_THING = re.compile(rf" (?:{_THINGS})(?![a-z])(?! ?(?:girls?|boys?|kids?|child)(?![a-z]))")
_THING_AGED = re.compile(rf"(?<![a-z])(?:{_THINGS})(?: aged)? $")
# A number right after a person: "nude girl, 12", "girl (12)", "a girl of 12", "dancer who looks 13".
# The number must end the phrase, so that "girl, 2 boys" and "girl, 8k" are not ages. Matched on the base
# view, which keeps the punctuation; "1girl" (a tag) is not a person word. "man" and "model" are left
# out: "iron man 2", "tesla model 3".
# After a word for the young, any such number is an age.
_YOUNG_PERSON_WORDS = (
    "girl|boy|child|kid|daughter|son|stepdaughter|stepson|granddaughter|grandson|niece|nephew|student|pupil"
    "|schoolgirl|schoolboy|teen|teenager"
    # The same in other languages, as folded: "chica desnuda, 12", "Mädchen (12)", "fillette de 10".
    "|chica|chico|nina|nino|madchen|junge|fille|fillette|garcon|enfant|menina|menino|garota|garoto"
    "|ragazza|ragazzina|ragazzo|bambina|bambino|meisje|crianca|gurl"
)
# After one adult, a bare number is an age only where a count or a label is unlikely (10 to 17:
# "nude cheerleader, 15", not "sexy maid, 2" or "woman 1, woman 2"); with a cue ("who looks 12",
# "aged 9", "age:12") it is one whatever its value. After several ("women (3)") it is a count.
_ADULT_PERSON_WORDS = (
    "woman|lady|female|wife|bride|girlfriend|gal|babe|sister|cousin|cheerleader|dancer|ballerina"
    "|gymnast|elf|fairy|princess|prince|maid|idol|actress|waifu|lass|lad|human|person|character"
    # The people of a story: "the heroine is 13", "my oc, 14".
    "|heroine|hero|protagonist|oc|mc|love interest"
)
_AGE_CUE = (
    r"(?:(?:(?P<said>aged?|age:|of|whos|shes|hes|whose age is"
    r"|(?:who |that |she |he )?(?:is|(?:just )?turned|(?:looks|looking|appears"
    r"|appearing|seems|seeming)(?: to be| like(?: (?:she|he) is)?)?))|at)\s*)?"
    r"(?:(?:only|just|barely|about|around|nearly|almost|actually|really|approx(?:imately)?)\s+)?"
)
# After a cue that says an age follows ("a girl of 12", "who is 12"; not "at", which gives times), the
# phrase may go on with what the person does: "a girl of 12 posing nude", "aged 12 in the bath".
_AGE_GOES_ON = (
    r"\s+(?:[a-z]+ing|with|in|on|at|and|wearing|nude|naked|topless|undressed|last|this|next|ago|yesterday"
    r"|today)(?![a-z])"
)
# Languages that put the adjective after the noun: "chica desnuda, 12", "fillette nue (10)".
_AFTER_NOUN = (
    r"(?:\s+(?:nude|naked|topless|sexy|desnudas?|desnudos?|nues?|nus?|nackte?|nuas?|nuda|peladas?"
    r"|naakt))?"
)
_AGE_AFTER_PERSON = re.compile(
    rf"(?<![a-z0-9])(?:(?:{_YOUNG_PERSON_WORDS})s?|(?P<adult>{_ADULT_PERSON_WORDS})){_AFTER_NOUN}"
    rf"(?:\s*[,(:\-–]\s*|\s+)(?P<cue>{_AGE_CUE})~?"
    # "12-13" and "12 to 13" are the younger age; "eleven-ish" is eleven.
    rf"(?P<age>\d{{1,2}}|{_AGE_WORDS})(?:\s*(?:-|–|~|to)\s*\d{{1,2}})?(?:-?ish| ?(?:years?|yrs?|y))?"
    rf"(?(said)(?=\s*(?:[),;!?]|$|\.(?!\d))|{_AGE_GOES_ON})|\s*(?=[),;!?]|$|\.(?!\d)))"
)
# School years as ages: "grade 5 girl", "in grade 6", "a year 7 student", "first grader". A grade or a
# year with no pupil next to it is a thing's ("grade 8 steel", "year 2 of the war"). Grade n is about
# n + 5 years old, and so is year n in British schools.
_PUPIL = r"(?:girl|boy|student|pupil|schoolgirl|schoolboy|kid|child)s?"
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
_ORDINAL_VALUES = {word: i + 1 for i, word in enumerate(_ORDINALS.split("|"))}
# "primary 5" (P5) is a Scottish and Singaporean school year, counted as grades are.
_SOMEONE_YOUNG_OR_NOT = re.compile(rf"(?<![a-z])(?:{_YOUNG_PERSON_WORDS}|{_ADULT_PERSON_WORDS})s?(?![a-z])")
_SCHOOL_YEAR = re.compile(
    rf"(?<![a-z0-9])(?:(?:grade|year|primary) (?P<n>\d{{1,2}}|{_AGE_WORDS}) {_PUPIL}(?![a-z])"
    rf"|in (?:grade|year|primary) (?P<m>\d{{1,2}}|{_AGE_WORDS})(?![a-z0-9])(?! of)"
    rf"|p(?P<pn>[1-6]) {_PUPIL}(?![a-z])"
    rf"|(?P<o>{_ORDINALS}) grader|(?P<p>{_ORDINALS}) grade {_PUPIL}(?![a-z])"
    rf"|in (?:the )?(?P<q>{_ORDINALS}) grade(?![a-z]))"
)
# "her 13th birthday", "a thirteenth birthday": the age it makes.
_BIRTHDAY = re.compile(
    rf"(?<![a-z0-9])(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<o>{_ORDINALS}|thirteenth|fourteenth|fifteenth"
    rf"|sixteenth|seventeenth)) (?:birthday|bday|b day)(?![a-z])"
)
# Ages written in other languages' words, before their unit: "doce años", "douze ans", "zwölf Jahre",
# "dodici anni", "dwanaście lat", "dua belas tahun", "on iki yaşında", "tolv år" (as folded). Words that
# are English words too ("once", "elf", "seize", "doze", "sexton") are left out; only before a unit are
# these numbers ages.
_FOREIGN_AGE_VALUES = {
    **dict.fromkeys(("cinco", "cinq", "funf", "cinque", "piec"), 5),
    **dict.fromkeys(("seis", "sechs", "szesc"), 6),
    **dict.fromkeys(("siete", "sept", "sieben", "sette", "sete", "siedem", "sju"), 7),
    **dict.fromkeys(("ocho", "huit", "acht", "oito", "osiem", "atta"), 8),
    **dict.fromkeys(("nueve", "neuf", "neun", "nove", "dziewiec", "nio", "dokuz"), 9),
    **dict.fromkeys(("diez", "dix", "zehn", "dieci", "dez", "dziesiec", "tio", "sepuluh"), 10),
    **dict.fromkeys(("onze", "undici", "jedenascie", "elva", "sebelas", "on bir"), 11),
    **dict.fromkeys(
        ("doce", "doze", "douze", "zwolf", "dodici", "dwanascie", "tolv", "dua belas", "on iki"), 12
    ),
    **dict.fromkeys(("trece", "treize", "dreizehn", "tredici", "treze", "trzynascie", "tretton"), 13),
    **dict.fromkeys(("catorce", "quatorze", "vierzehn", "quattordici", "catorze", "czternascie"), 14),
    **dict.fromkeys(("quince", "quinze", "funfzehn", "quindici", "pietnascie", "femton"), 15),
    **dict.fromkeys(("dieciseis", "sechzehn", "sedici", "dezesseis", "szesnascie", "dix six"), 16),
    **dict.fromkeys(("diecisiete", "siebzehn", "diciassette", "dezessete", "siedemnascie", "dix sept"), 17),
}
_FOREIGN_AGE = re.compile(
    r"(?<![a-z0-9])(?P<w>"
    + "|".join(sorted(_FOREIGN_AGE_VALUES, key=len, reverse=True))
    + r") ?(?:anos|anitos|ans|anni|jahre|jahren|lat|lata|ar|ars|aring|tahun|yasinda|yasindaki|yas)(?![a-z])"
)
# Glued into one word: "zwölfjährige", "dwunastolatka", "dvanáctiletá" (German, Polish, Czech).
_GLUED_AGE_VALUES = {
    **dict.fromkeys(("funf", "piecio", "peti"), 5),
    **dict.fromkeys(("sechs", "szescio", "sesti"), 6),
    **dict.fromkeys(("sieben", "siedmio", "sedmi"), 7),
    **dict.fromkeys(("acht", "osmio", "osmi"), 8),
    **dict.fromkeys(("neun", "dziewiecio", "deviti"), 9),
    **dict.fromkeys(("zehn", "dziesiecio", "deseti"), 10),
    **dict.fromkeys(("elf", "jedenasto", "jedenacti"), 11),
    **dict.fromkeys(("zwolf", "dwunasto", "dvanacti"), 12),
    **dict.fromkeys(("dreizehn", "trzynasto", "trinacti"), 13),
    **dict.fromkeys(("vierzehn", "czternasto", "ctrnacti"), 14),
    **dict.fromkeys(("funfzehn", "pietnasto", "patnacti"), 15),
    **dict.fromkeys(("sechzehn", "szesnasto", "sestnacti"), 16),
    **dict.fromkeys(("siebzehn", "siedemnasto", "sedmnacti"), 17),
}
_GLUED_AGE = re.compile(
    r"(?<![a-z])(?P<w>"
    + "|".join(sorted(_GLUED_AGE_VALUES, key=len, reverse=True))
    + r")(?:jahrig|jahrige|jahriger|jahriges|jahrigen|latka|latek|latki|letnia|letni|leta|lety|lete|leti)"
    r"(?![a-z])"
)
# Roman numerals, only where an age is said outright: "XII years old", "aged XI".
_ROMAN_AGE_VALUES = {
    "ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xi": 11, "xii": 12, "xiii": 13,
    "x": 10, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17,
}  # fmt: skip
_ROMAN = "|".join(sorted(_ROMAN_AGE_VALUES, key=len, reverse=True))
# Also after "age" alone ("age: XII", "age X"), but not the age of an era: "Ice Age II".
_ROMAN_AGE = re.compile(
    rf"(?<![a-z0-9])(?:(?P<r>{_ROMAN}) ?(?:years?|yrs?) ?old|aged (?P<s>{_ROMAN})"
    rf"|(?<!ice )(?<!stone )(?<!iron )(?<!bronze )(?<!golden )(?<!dark )(?<!new )(?<!space )(?<!gilded )"
    rf"age:? (?P<a>{_ROMAN}|x))(?![a-z0-9])"
)
# "a dozen years old", "12 summers old", "eleven and a half" are said by people hiding an age.
_ODD_AGE = re.compile(
    rf"(?<![a-z0-9])(?:(?P<dozen>a )?dozen years old|(?P<n>\d{{1,2}}|{_AGE_WORDS}) (?:summers|winters) old"
    rf"|(?P<m>\d{{1,2}}|{_AGE_WORDS}) and a half(?: years?(?: old)?)?(?=\s*(?:[),;!?]|$|\.(?!\d)))"
    rf"|(?P<g>\d{{1,2}}|{_AGE_WORDS}) going on (?:\d{{1,2}}|{_AGE_WORDS})"
    rf"|(?P<y>\d{{1,2}}|{_AGE_WORDS}) years? young"
    rf"|of (?P<s>\d{{1,2}}|{_AGE_WORDS}) (?:summers|winters|springs|moons)"
    # "turning thirteen next month": younger than that still.
    rf"|turning (?P<t>\d{{1,2}}|{_AGE_WORDS})(?= (?:next|soon|in|this|tomorrow)(?![a-z])))"
)
# A word each of `_ODD_AGE`'s ways needs.
_ODD_AGE_WORDS = ("dozen", "summers", "winters", "springs", "moons", "half", "going on", "young", "turning")
_MORE_ORDINALS = {"thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17}
# "nude girl, under 13", "under 13 years": younger than that, said of a person or in years, not a price
# ("lingerie under 15"). ("Under 18" is listed with the words for the young.)
_UNDER_AGE = re.compile(
    rf"(?<![a-z0-9])(?:under|below|younger than) (?P<n>\d{{1,2}}|{_AGE_WORDS})"
    r"(?P<unit> ?(?:years?|yrs?|y ?o)(?: old)?)?(?=\s*(?:[),;!?]|$|\.(?!\d)))"
)
# "born in 2014": an age however the year is counted on. Counted from this year, so a birth year stays
# an adult's as the years pass.
_PRICED = re.compile(r"(?<![a-z])(?:everything|anything|all|items|gifts|prices?|priced|sale|deals?|costs?) $")
_BORN = re.compile(
    r"(?<![a-z0-9])(?:(?:born (?:in )?|dob:? ?|d o b:? ?)(?P<year>(?:19|20)\d\d)(?![0-9])"
    r"|(?P<before>(?:19|20)\d\d) born(?![a-z]))"
)
# "class of 2032": the year a pupil leaves school, at about 18.
_CLASS_OF = re.compile(r"(?<![a-z0-9])class of (?P<year>20\d\d)(?![0-9])")
# "nude, 12 years": a bare count of years that ends its phrase is an age, unless a word before it makes
# it a span of time ("over 12 years", "after 12 years").
_BARE_YEARS = re.compile(
    rf"(?:(?P<before>[a-z]+)\s+)?(?<![a-z0-9.])(?P<n>\d{{1,2}}|{_AGE_WORDS}) ?years?"
    r"(?=\s*(?:[),;!?]|$|\.(?!\d)))"
)
_SPAN_WORDS = frozenset(
    _words(
        "for after over in within past last next since than of every spent took lasted ago during about"
        " celebrating celebrates celebrate anniversary married together warranty guarantee"
    )
)
# Ages in scripts that are not folded: "12歳", "12岁", "12살", "12 лет"; matched on the native view.
_AGE_NATIVE = re.compile(
    r"(?<!\d)(\d{1,2}) ?(?:歳|才|岁|살|세|tuổi|(?:лет|года|год|років|роки|рік|χρονών|ετών|år|års|årig|åriga"
    r"|साल|वर्ष|سنة|سنوات|عاما|عام|ساله|سال|বছরের|বছর|ปี)(?!\w))"
)
# The same with the numbers in words: "十二歳" (Japanese), "十岁" (Chinese), "двенадцати лет" and
# "двенадцатилетняя" (Russian).
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_AGE_KANJI = re.compile(r"(?<![一二三四五六七八九十百])(十?[一二三四五六七八九]?|十)(?:歳|才|岁|歲)")
_RUSSIAN_AGE_VALUES = {
    "пяти": 5, "шести": 6, "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10, "одиннадцати": 11,
    "двенадцати": 12, "тринадцати": 13, "четырнадцати": 14, "пятнадцати": 15, "шестнадцати": 16,
    "семнадцати": 17,
}  # fmt: skip
_AGE_RUSSIAN = re.compile(r"(?<!\w)(" + "|".join(_RUSSIAN_AGE_VALUES) + r")(?: лет(?!\w)|летн\w*)")
# Hindi numbers before "साल" or "वर्ष" (years): "बारह साल की लड़की".
_HINDI_AGE_VALUES = {
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8, "नौ": 9,
    "दस": 10, "ग्यारह": 11, "बारह": 12, "तेरह": 13, "चौदह": 14, "पंद्रह": 15, "सोलह": 16, "सत्रह": 17,
}  # fmt: skip
_AGE_HINDI = re.compile(r"(?<!\S)(" + "|".join(_HINDI_AGE_VALUES) + r") (?:साल|वर्ष|बरस)")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]")
# The middle dot or a space between the parts of a name in katakana ("テイラー・スウィフト", "テイラー
# スウィフト"), which names are matched without, as they are listed.
_KANA_BREAK = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[\s・･=＝]+(?=[\u30a1-\u30fa\u30fc])")
# "裸" alone is "naked" ("子供の裸", "少女、裸"); before another kanji or katakana it begins a word of its
# own: 裸足 (barefoot), 裸眼 (the naked eye), 裸電球 (a bare bulb), 裸麦 (naked barley).
_NAKED_ALONE = re.compile(r"裸(?![\u3400-\u9fff\uf900-\ufaff\u30a0-\u30ff])")
_UNICODE_WORD = re.compile(r"[^\W_]+")

_GROUPS = (
    "jews|jewish people|indigenous people|native americans|aborigines|ukrainians|russians|kurds|turks|"
    "arabs|romanians|albanians|nigerians|pakistanis|muslims|muslim people|christians|catholics|hindus|sikhs|buddhists|atheists|"
    "black people|blacks|african americans|africans|asians|asian people|chinese people|japanese people|"
    "koreans|indians|mexicans|latinos|latinas|hispanics|arabs|palestinians|israelis|immigrants|migrants|"
    "refugees|gays|gay people|gay men|lesbians|homosexuals|bisexuals|trans people|transgender people|"
    "trans women|trans men|women|disabled people|the disabled|autistic people|gypsies|roma|romani|whites|"
    "white people|a jew|a jewish man|a jewish woman|a black man|a black woman|a muslim|a muslim woman|"
    "a mexican|a gay man|a trans woman|an immigrant|an arab|an asian man|an asian woman|the jew|the jews|jew"
    "|roma people|romani people|gypsy people|jewish bankers|a jewish banker|the jewish banker"
    "|prophet muhammad|prophet mohammed|prophet mohammad|the prophet muhammad|the prophet mohammed"
)
_DEHUMANISING = (
    "vermin|rats|cockroaches|roaches|animals|beasts|subhuman|subhumans|parasites|inferior|filth|scum|"
    "a disease|a plague|apes|monkeys|pigs|dogs|savages|not human|not people|rapists|criminals|terrorists"
    "|pedophiles|paedophiles|groomers|thieves|invaders|degenerates|mentally ill|men in dresses|an ape"
    "|a monkey|a rat|a pig|a cockroach|freaks|a freak|abominations|an abomination|perverts|mutants"
    "|scammers|chimps|baboons|gorillas|leeches|a chimp|a gorilla"
)
# Antisemitic tropes, Holocaust denial and hate slogans that name no group in `_GROUPS`' words.
_HATE_PHRASES = (
    r"happy merchant|holocaust never happened|holocaust denial|holocaust is a lie|holohoax"
    r"|(?:6|six) million wasnt enough|zyklon b (?:shower|party|meme)|anne frank in an oven"
    r"|the jew is our misfortune|great replacement|useless eaters|invading horde|muzzies|camel jockeys?"
    r"|aids as divine punishment|they control the media|\(\(\(they\)\)\)"
    r"|god hates (?:fags|gays|jews|muslims)|juden raus|judios controlan|negros como (?:macacos|monos)"
    r"|sales? arabes?|zydzi to (?:szczury|robactwo)|cina babi|untermensch|untermenschen|the goyim know"
    r"|goyim know|14 words poster|fourteen words|sonnenrad|totenkopf ss|ss totenkopf|aryan supremacy"
    r"|celebrating the holocaust|holocaust celebration|chinese virus|kung flu|racist caricature|racist cartoon"
    r"|caricature raciste|caricatura racista|blackface minstrel|auslander raus|deutschland den deutschen"
    r"|les arabes dehors|la france aux francais|foreigners out|arabs out|immigrants out|muslims out"
    r"|germany for the germans|france for the french|deport all|should be euthanized|should be euthanised"
    r"|too stupid to vote|women are property|vanno sterminati|must be expelled|harus diusir|son ladrones y basura"
    r"|sao preguicosos|hain ve pis|traitors and dirty|zydzi to pasozyty|churki von|goat f ?ckers|goat fuckers"
    r"|dirty chinks|day of the rope|hitler was right|hitler did nothing wrong|adolf was right|camp auschwitz"
    r"|work brings freedom|88 hh|hh 88|hh88|88hh|14 words (?:banner|flag|poster|sign|shirt|tattoo|symbol"
    r"|slogan)|white pride(?! of)|bring back slavery|slavery was good|great again like 18[0-9]0"
    r"|(?:black|african)(?: [a-z]+){0,4} (?:back to the zoo|back to the jungle)"
    r"|(?:monkey|ape|gorilla|chimp) (?:ears|face|features) on (?:this|the|a|that) (?:black|african)"
    # A group said to be a crime ("a Mexican rapist"), to burn in hell, to have done 9/11, to rank below
    # the others; slogans that say the same without a group's name.
    r"|(?:mexican|muslim|black|jewish|gay|roma|gypsy|indian|arab|african|asian|immigrant|migrant|refugee)"
    r" (?:rapists?|thie(?:f|ves)|thieving|scammers?|criminals?|pedophiles?|groomers?)"
    r"|(?:gays|gay people|gay men|lesbians|homosexuals|trans people|jews|muslims|blacks|black people)"
    r" (?:burning|burn|rotting|roasting|going) (?:in|to) hell"
    r"|(?:jews|the jews|muslims|israel|mossad) (?:did|caused|planned|were behind|are behind|did the) 9 ?11"
    r"|black lives (?:don t|dont|do not) matter|it s okay to be white|its okay to be white|itsokaytobewhite"
    r"|celebrating the white race|white race (?:is |are )?superior|supremacy of the white race"
    r"|(?:ss|sig) runes?(?: [a-z]+){0,6} black sun|black sun(?: [a-z]+){0,6} (?:ss|sig) runes?"
    r"|(?:laughing|laughs|mocking|mocks|celebrating|partying|dancing)(?: [a-z]+){0,3} (?:at )?(?:the )?"
    r"(?:auschwitz|gas chambers?|holocaust|concentration camps?|death camps?)"
    r"|(?:ranking|ranked|rank|ranks|comparing|compares) (?:the )?races? by (?:iq|intelligence)"
    r"|races? (?:ranked )?by (?:iq|intelligence)|(?:iq|intelligence) (?:by|of) (?:race|races|ethnicity)"
    r"|racial iq|race and iq|(?:burning cross|cross burning|burning a cross)(?: [a-z]+){0,6} (?:lawn|yard"
    r"|black|celebrat\w*|kkk|klan)|jigaboos?|minstrel blackface"
    r"|(?:send|ship|sent) (?:them|him|her|em) back to (?:africa|the jungle)|go back to (?:africa|the jungle)"
    # Stereotypes drawn as what a group does.
    r"|(?:black|african|african american)s?(?: people| man| men| woman| women| kids?)? stealing"
    r" (?:a )?(?:watermelons?|fried chicken)|(?:asian|chinese|korean|vietnamese)s?(?: [a-z]+){0,4} eating"
    r" (?:bats|dogs|cats)|(?:gypsies|gypsy|roma|romani)(?: [a-z]+){0,4} (?:stealing"
    r"|kidnapping) (?:children|babies|kids)"
)
# The antisemitic "echo" around who is said to rule: "(((them)))". Not the emphasis of prompt syntax,
# "(((masterpiece)))", which is why the words inside are named.
_ECHO = re.compile(
    r"\(\(\((?:them|they|the jews|jews|globalists?|bankers|the banks|banks|media|the media|hollywood"
    r"|elites?|the elites?|rothschilds?|soros)\)\)\)"
)
# Words one of `_HATE`'s statements holds.
_HATE_WORDS = frozenset(
    word
    for word in re.findall(
        r"[a-z0-9]+",
        (
            _GROUPS
            + " "
            + _HATE_PHRASES
            + " heil sieg white power 1488 14 88 aryan rahowa blood soil replace"
        ).lower(),
    )
    # One-letter words ("a", the "s" of "sales?") would only make the filter pass: each statement has
    # a longer word too.
    if len(word) > 1
) - frozenset(
    # Words every prompt holds, and digits from the patterns' classes: each statement has a rarer word.
    {
        *_words(
            "an the of as is are in on at by and to for with from her his him she he they them their it its"
        )
    }
    | {"0", "9", "18"}
)
_HATE = re.compile(
    rf"(?<![a-z])(?:{_GROUPS}) (?:are|as|is|being|portrayed as|depicted as|drawn as)"
    rf" (?:all |just |nothing but |like )?(?:drunk |dirty |filthy |stupid |lazy |wild )?(?:{_DEHUMANISING})(?![a-z])"
    rf"|(?<![a-z])(?:kill|killing|exterminate|exterminating|gas|gassing|lynch|lynching|hang|burn|"
    rf"eradicate|wipe out|death to|eliminate|purge|genocide of) (?:all |the |every )?(?:{_GROUPS})(?![a-z])"
    rf"|(?<![a-z])(?:{_GROUPS}) (?:should|must|deserve to|need to) (?:die|be killed|be exterminated|"
    rf"be gassed|burn|hang|be burned|be burnt|be hanged|be hung|be shot|be deported|be eradicated"
    rf"|be wiped out|be sterilized|be sterilised|be castrated|not exist)(?![a-z])"
    rf"|(?<![a-z])(?:heil hitler|sieg heil|white power|1488|14 88|white pride worldwide|aryan warrior"
    rf"|aryan brotherhood|gas the jews|jews will not replace us|rahowa|blood and soil)(?![a-z0-9])"
    rf"|(?<![a-z])(?:{_GROUPS}) with (?:big |huge |long )?(?:hooked |hook )noses?(?![a-z])"
    rf"|(?<![a-z])(?:{_GROUPS}) with (?:slanted|slanty|squinty|slit) eyes(?![a-z])"
    rf"|(?<![a-z])(?:{_GROUPS}) (?:like|as) (?:{_DEHUMANISING})(?![a-z])"
    # "a Roma family drawn as thieving rats", "Indians as dirty smelly scammers".
    rf"|(?<![a-z])(?:{_GROUPS})(?: [a-z]+)? (?:as|drawn as|depicted as|portrayed as|shown as)"
    rf" (?:(?:thieving|dirty|smelly|filthy|stinking|greedy|lazy|stupid|ugly|disgusting|diseased|savage"
    rf"|violent|criminal|drunk|wild) ){{0,2}}(?:{_DEHUMANISING})(?![a-z])"
    # "mexicans crossing the border like cockroaches": pests, whatever the group is said to do.
    rf"|(?<![a-z])(?:{_GROUPS})(?: [a-z]+){{1,4}}? like (?:vermin|rats|cockroaches|roaches|parasites"
    rf"|a plague|locusts|insects|a swarm)(?![a-z])"
    rf"|(?<![a-z])(?:{_GROUPS}) (?:controlling|control|controls|run|runs|running|own|owns|owning|rule|rules"
    rf"|ruling) the (?:world|media|banks"
    rf"|world banks|government)(?![a-z])"
    rf"|(?<![a-z])(?:hang|burn|gas|kill) all (?:the )?(?:{_GROUPS})(?![a-z])"
    rf"|(?<![a-z])(?:{_HATE_PHRASES})(?![a-z0-9])"
)

# Symbols older than the hate that took them up (the sun wheel of Germanic and Baltic finds, the death's
# head), shown as history: "a Sonnenrad on an ancient rune stone, museum exhibit". Not when celebrated,
# or on what a movement flies or wears.
_OLD_SYMBOLS = frozenset({"sonnenrad", "totenkopf ss", "ss totenkopf"})
_EXHIBITED = re.compile(
    r"(?<![a-z])(?:museums?|exhibits?|exhibitions?|archa?eolog\w*|ancient|rune ?stones?|iron age|bronze age"
    r"|viking age|artifacts?|artefacts?|excavat\w*|history (?:book|lesson|class|textbook)s?|historical"
    r"|documentary|textbooks?)(?![a-z])"
)
_CELEBRATED = re.compile(
    r"(?<![a-z])(?:celebrat\w*|glorif\w*|pride|proud|tribute|heil|white power|white race|aryan|banners?"
    r"|flags?|tattoos?|patch|patches|rally|rallies|recruit\w*|merch|shirts?|88|1488|14 words)(?![a-z0-9])"
)


def _exhibited(found: str, text: str) -> bool:
    """Whether a hate symbol found in `text` is shown as history (see `_OLD_SYMBOLS`)."""
    return found in _OLD_SYMBOLS and _EXHIBITED.search(text) is not None and _CELEBRATED.search(text) is None


# Real people described instead of named: "the current us president", "the queen of england", "the lead
# singer of coldplay", "the actress who played hermione", "the ceo of tesla". Only in sexual prompts
# (see `screening`): the office or the role picks out one living person. Matched on the joined word
# sequences. Kings and queens need a country: "the queen of hearts" and "the king of the hill" are no one.
_COUNTRIES = (
    "us|u s|usa|american|america|united states|the united states|the us|french|france|german|germany|"
    "russian|russia|british|uk|britain|great britain|english|england|wales|scottish|scotland|irish|"
    "ireland|chinese|china|canadian|canada|indian|india|japanese|japan|italian|italy|ukrainian|ukraine|"
    "israeli|israel|brazilian|brazil|mexican|mexico|australian|australia|turkish|turkey|spanish|spain|"
    "south korean|south korea|north korean|north korea|korean|iranian|iran|dutch|the netherlands|"
    "belgian|belgium|swedish|sweden|norwegian|norway|danish|denmark|polish|poland|hungarian|hungary|"
    "argentine|argentinian|argentina|new zealand|saudi|saudi arabia|egyptian|egypt|south african|"
    "south africa|greek|greece|portuguese|portugal|monaco|the vatican|the uk|the united kingdom|"
    "united kingdom|finnish|finland|austrian|austria|swiss|switzerland|czech|czechia|romanian|romania|"
    "filipino|the philippines|philippines|indonesian|indonesia|thai|thailand|vietnamese|vietnam|"
    "pakistani|pakistan|nigerian|nigeria|kenyan|kenya|chilean|chile|colombian|colombia|venezuelan|"
    "venezuela|cuban|cuba|belarusian|belarus|serbian|serbia|croatian|croatia|icelandic|iceland|"
    "taiwanese|taiwan|singaporean|singapore|malaysian|malaysia|bangladeshi|bangladesh|qatari|qatar|"
    "emirati|the uae|syrian|syria|iraqi|iraq|afghan|afghanistan|ethiopian|ethiopia|moroccan|morocco|"
    "britains|americas|frances|germanys|russias|chinas|japans|englands|spains|italys|canadas|indias"
)
_OFFICES = (
    "president|vice president|prime minister|pm|premier|chancellor|first lady|first gentleman|head of state|"
    "supreme leader|foreign minister|defence minister|defense secretary|secretary of state"
)
# Royal titles are fantasy's too: "an egyptian queen", "a japanese princess" are no one in particular,
# "the british king" and "the queen of england" are.
_ROYALS = "king|queen|prince|princess|crown prince|crown princess|emperor|empress|monarch|royal family|royals"
_COMPANIES = (
    "tesla|spacex|twitter|x|facebook|meta|amazon|microsoft|apple|google|alphabet|openai|nvidia|netflix|"
    "tiktok|oracle|walmart|berkshire hathaway|disney|nike|samsung|alibaba|the trump organization"
)
_PERFORMERS = (
    "lead singer|lead vocalist|vocalist|singer|frontman|frontwoman|front man|front woman|guitarist|"
    "drummer|bassist|rapper|youngest member|oldest member|eldest member|the star|the host"
)
# Groups whose members are well known: "karina from aespa", "the youngest of bts".
_BANDS = (
    "aespa|blackpink|twice|bts|newjeans|le sserafim|ive|red velvet|itzy|stray kids|seventeen|gidle"
    "|g idle|nmixx|babymonster|illit|kiss of life|one direction|fifth harmony|little mix|spice girls|abba"
    "|the beatles|the rolling stones|coldplay|maroon 5|destinys child|girls aloud|the pussycat dolls"
)
_FICTION = (
    r"(?:oc|ocs|character|characters|chara|charas|waifu|waifus|husbando|dnd|d d|rpg|fursona|sona|persona"
    r"|heroine|heroines|hero|heros|heroes|villain|villains|avatar|game|games|story|stories|novel|novels"
    r"|campaign|comic|comics|manga|anime|fanfic|fictional|final|level|deus|protagonist|protagonists)"
)
# Band names no ordinary word shares: "jennie blackpink" needs no "from" ("twice", "ive" would).
_BANDS_BY_NAME = "aespa|blackpink|bts|newjeans|le sserafim|itzy|gidle|g idle|nmixx|babymonster"
_ACQUAINTANCES = (
    "ex|exes|ex girlfriend|exgirlfriend|ex wife|exwife|ex boyfriend|girlfriend|boyfriend|wife|husband|fiance"
    "|fiancee|coworker|co worker|coworkers|colleague|colleagues|boss|neighbou?r|neighbou?rs|classmate"
    "|classmates|teacher|professor|crush|roommate|flatmate|friend|best friend|bff|sister|stepsister"
    "|step sister|sister in law|mom|mum|mother|stepmom|step mom|stepmother|mother in law|aunt|cousin|niece"
    "|tenant|landlady|landlord|secretary|employee|student|babysitter|nanny|daughter|son|stepdaughter"
    "|gf|bf|bae|wifey|hubby|stepsis|sis|stepbro"
    "|step daughter|wifes friend|girlfriends mom|teammate|partner"
    "|nephew|nephews|nieces|pupil|pupils|students|exgf|ex gf|exbf|ex bf|tutor|intern|assistant|coach"
    "|trainer|barista|waitress|nurse|dentist|manager|supervisor|customer|client|patient|brother|stepbrother"
    "|stepson|step son|dad|father|stepdad|uncle|grandma|granddaughter|goddaughter|daughters|sons|cousins"
)
# Family, whom pictures of the member's own life show in costumes, games and stories.
FAMILY = frozenset(
    _words("""
    dad father mom mum mother wife wifey husband hubby son sons daughter daughters sister sis brother grandma
    grandpa grandmother grandfather granddaughter grandson uncle aunt cousin cousins niece nieces nephew
    nephews stepdad stepmom stepmother stepfather stepson stepdaughter family kids children
    """)
)
# A band is named: "the lead singer of a band" and "the singer of the band" are nobody in particular.
_NAMED_NEXT = (
    r"(?!(?:a|an|some|my|your|his|her|their|our|this|that|any|every|one)(?![a-z]))"
    r"(?!(?:blues|jazz|rock|punk|metal|pop|folk|soul|funk|country|gospel|opera|rap|techno|disco|swing"
    r"|reggae|indie|grunge|classical|jazz club|punk band|rock band|metal band)(?![a-z]))"
    r"(?!(?:the )?(?:angels|heaven|heavens|demons|spirits|ghosts|souls|stars|saints|dead)(?![a-z]))"
    r"(?!the (?:band|group|choir|orchestra|church|show|party|night|club|bar|year|month|week|sea|seas|ocean"
    r"|day|world|moon|sun|stars|streets|city|town|village|future|past|era|decade|century|twenties|thirties"
    r"|forties|fifties|sixties|seventies|eighties|nineties|[0-9]+s)(?![a-z]))"
    r"[a-z0-9]+"
)
_POLITICAL = (
    "democratic|republican|labour|labor|conservative|liberal|liberal democrat|communist|green|national"
    "|socialist|social democratic|peoples|workers|tory|reform|freedom|progressive|independence|christian"
    "|democrat|nationalist|pirate|centre|center|left|right|alternative"
)
_HEAD_OF_STATE_FAMILY = (
    "wife|husband|spouse|daughter|son|daughters|sons|kids|children|mother|father|sister|brother"
)
_DESCRIBED_PERSON = re.compile(
    rf"(?<![a-z])(?:"
    rf"(?:{_COUNTRIES}) (?:{_OFFICES})"
    rf"|(?:{_OFFICES}|{_ROYALS}) of (?:{_COUNTRIES})"
    rf"|(?:the|current|former|reigning) (?:{_COUNTRIES}) (?:{_ROYALS})"
    rf"|the (?:(?:current|sitting|incumbent|former|new) )?(?:president|vice president|first lady|pope"
    rf"|dalai lama|speaker of the house)(?! of)"
    rf"|potus|flotus|vpotus"
    rf"|(?:{_PERFORMERS}) of {_NAMED_NEXT}"
    rf"|(?:actress|actor|star) who (?:played|plays|portrayed|portrays|starred|stars|voiced|voices)"
    rf" (?:in )?{_NAMED_NEXT}"
    rf"|the (?:actress|actor|star|singer) (?:from|of) {_NAMED_NEXT}"
    rf"|(?:ceo|founder|co founder|cofounder|chairman|owner|boss) of (?:{_COMPANIES})"
    rf"|(?:worlds|the world s) richest (?:man|woman|person)|richest (?:man|woman|person) (?:in|on) "
    rf"(?:the world|earth|the planet|america)"
    rf"|(?:governor|mayor|senator|congressman|congresswoman|first minister|attorney general) of {_NAMED_NEXT}"
    # The member's own officials: "the mayor of my town", "the principal of our school".
    rf"|(?:mayor|governor|sheriff|police chief|principal|headmaster|headmistress|councillor|councilman"
    rf"|councilwoman|senator|congressman|congresswoman|mp|pastor|priest|rabbi|imam|judge) of (?:my|our)"
    rf" (?:town|city|village|county|state|school|district|church|parish|ward|hometown)"
    rf"|(?:leader|head|chairman|chairwoman|chair) of the (?:[a-z]+ )?(?:{_POLITICAL}) party"
    rf"|[a-z]+ (?:from|of) (?:{_BANDS})|[a-z]+ (?:{_BANDS_BY_NAME})"
    # Their family too: "the 44th president's wife".
    rf"|the [0-9]+(?:st|nd|rd|th) (?:president|prime minister|pm|chancellor)(?:s(?: (?:{_HEAD_OF_STATE_FAMILY}))?)?"
    rf"|(?:girl|woman|guy|man|boy|lady) who (?:played|portrayed) {_NAMED_NEXT}"
    rf"|(?:singer|pop star|popstar|artist|rapper|girl|woman|guy|man|boy|lady|band) (?:who|that)"
    rf" (?:sang|sings|sung|wrote|writes|raps|rapped|performs|performed|released) {_NAMED_NEXT}"
    rf"|(?:artist|singer|woman|man|girl|guy|rapper) behind {_NAMED_NEXT}"
    rf"|(?:duke|duchess|earl|countess) of (?:sussex|cambridge|york|cornwall|edinburgh|kent|gloucester|wales)"
    rf"|heir to the (?:{_COUNTRIES}) throne|(?:{_COUNTRIES}) climate activist"
    rf"|(?:youngest|oldest|eldest) (?:jenner|kardashian|hadid|olsen) (?:sister|brother)"
    rf"|(?:britains|englands|spains|swedens|norways|denmarks|the netherlands|belgiums|japans|monacos)"
    rf" (?:{_ROYALS})"
    rf"|the (?:king|queen|prince|princess) of (?:pop|rock and roll|rock n roll|rock|soul|country|hip hop|rap"
    rf"|latin pop|reggaeton)"
    rf")(?![a-z])"
)

# Someone named by the work or the brand they are known for, on the prompt as typed, where the capitals
# of a title are: "the Barbie movie lead actress", "Black Widow actress", "Hermione's actress", "the Eras
# Tour singer", "the Fenty Beauty founder". A title of one capitalised word needs a possessive or a word
# saying what it is ("movie", "tour"): "Famous actress" is no one.
_TITLED_ROLE = re.compile(
    r"(?<![\w'’])(?P<title>(?:[A-Z][\w.-]*|[0-9]+)(?:\s+(?:(?:of|the|and|in|on|a|&)\s+)*"
    r"(?:[A-Z][\w.-]*|[0-9]+)){0,5})(?P<possessive>['’]s?)?\s+(?P<work>(?:movie|film|series|show|tv show"
    r"|tour|franchise|sitcom|saga|trilogy|musical|album|brand|video)\s+)?(?:(?:lead|leading|main|title"
    r"|original|star)\s+)?(?:actress|actor|singer|star|founder|co-founder|cofounder|ceo|host|rapper"
    r"|frontman|frontwoman|heiress|youtuber|streamer|popstar|pop star)s?(?!\w)"
)
# Capitalised words that say what kind of actress, not which: "Hollywood actress", "Sexy Anime star".
_GENERIC_TITLE_WORDS = frozenset(
    _words("""
    a an the of and in on my your her his their sexy hot beautiful famous young old busty cute pretty gorgeous
    anime hollywood bollywood kpop k-pop jpop j-pop disney marvel netflix broadway tv porn adult indie horror
    action fictional fantasy asian latina ebony blonde brunette redhead milf amateur classic vintage retro
    silent famous celebrity random generic unknown fake ai elegant mature petite curvy tall lead main movie
    film pop rock country jazz opera soap reality hentai cartoon 3d
    """)
) | frozenset(w for c in _COUNTRIES.split("|") for w in c.split())
# "IU the Korean singer": a name with the nationality and the trade that make it someone in particular.
_NAME_THE_TRADE = re.compile(
    rf"(?<![a-z])[a-z]+ the (?:{_COUNTRIES}) (?:singer|actress|actor|idol|rapper|model|pop star|popstar"
    r"|athlete|footballer|youtuber|streamer|influencer|tiktoker|tennis player|gymnast)(?![a-z])"
)
# Idol groups named in Hangul or kana: a sexual picture of the group is one of its members.
_BANDS_NATIVE = re.compile(
    r"블랙핑크|방탄소년단|에스파|뉴진스|트와이스|르세라핌|레드벨벳|엔믹스|베이비몬스터|아이브 |ブラックピンク|防弾少年団"
)

# Someone named by trade and first name, as a singer known by one name is: "la chanteuse Angèle", "the
# singer Rosalía", "die Sängerin Nena", "the streamer Pokimane" (on the prompt as typed, where the
# capital of a name is). Trades in the languages of the word lists, as folded (`_TRADE_WORDS` finds them in
# the prompt's words) and as typed, accents or none (`_TRADE_AS_TYPED`).
_TRADES = (
    "singer|pop star|popstar|actress|actor|rapper|youtuber|streamer|influencer|tiktoker|presenter"
    "|news anchor|tv host|chanteuse|chanteur|actrice|acteur|rappeuse|rappeur|presentatrice|animatrice"
    "|youtubeuse|influenceuse|cantante|actriz|presentadora|rapera|sangerin|sanger|schauspielerin"
    "|schauspieler|rapperin|moderatorin|attrice|attore|cantora|atriz|apresentadora|zangeres|actrice"
    "|piosenkarka|aktorka|sarkici|oyuncu|penyanyi|aktris"
)
_TRADE_WORDS = frozenset(w for trade in _TRADES.split("|") for w in trade.split())
# Each trade as typed, with or without its accents: "Sängerin", "présentatrice", "şarkıcı".
_ACCENTED = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîïı",
    "o": "oòóôõö",
    "u": "uùúûü",
    "s": "sş",
    "g": "gğ",
}
_TRADE_AS_TYPED = "|".join(
    "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in trade)
    for trade in sorted(_TRADES.split("|"), key=len, reverse=True)
)
_TRADE_AND_NAME = re.compile(
    rf"(?<![^\W\d_])(?i:{_TRADE_AS_TYPED})\s+(?P<name>[A-ZÀ-ÖØ-Þ][^\W\d_]{{2,}})(?![\w'’])"
)


def _traded_names(text: str) -> list[str]:
    """The people `text` names by their trade and a capitalised name (see `_TRADES`)."""
    found = []
    for match in _TRADE_AND_NAME.finditer(text):
        # In Title Case Prompts Every Word Is Capitalised, so a capital says nothing about names; German
        # capitalises the trade too ("die Sängerin Nena"), so only the other words are counted.
        others = re.findall(r"[^\W\d_]+", text[: match.start()] + " " + text[match.end() :])[1:]
        if len(others) >= 2 and sum(1 for w in others if w[0].isupper()) > 0.6 * len(others):
            continue
        name = match["name"].lower()
        if name in _GENERIC_TITLE_WORDS or name in _NOT_A_NAME:
            continue
        found.append(match.group(0))
    return found


# Capitalised words after a trade that are no one's name: "the singer Performing Live", "actress In".
_NOT_A_NAME = frozenset(
    _words("""
    in on at from of with and or but for to as by is was who that this performing singing dancing playing
    live on stage concert album song tour photo portrait poster style version cosplay fanart character oc
    """)
)


def _titled_roles(text: str) -> list[str]:
    """The people `text` names by a capitalised title and a role (see `_TITLED_ROLE`)."""
    later_words = re.findall(r"[A-Za-z]+", text)[1:]
    # In Title Case Prompts Every Word Is Capitalised, so a capital says nothing about titles.
    if len(later_words) >= 3 and sum(1 for w in later_words if w[0].isupper()) > 0.6 * len(later_words):
        return []
    found = []
    for match in _TITLED_ROLE.finditer(text):
        title_words = [w for w in re.findall(r"[\w.-]+", match["title"]) if w[:1].isupper() or w.isdigit()]
        named = [w for w in title_words if w.lower() not in _GENERIC_TITLE_WORDS]
        if named and (match["possessive"] or match["work"] or len(title_words) >= 2):
            found.append(match.group(0))
    return found


# Words one of `_DESCRIBED_PERSON`'s descriptions holds, to skip it on the prompts with none.
_DESCRIBED_WORDS = frozenset(
    _words("""
    president minister pm premier chancellor lady gentleman state leader secretary king queen prince
    princess emperor empress monarch royal royals pope dalai speaker potus flotus vpotus singer vocalist
    frontman frontwoman front guitarist drummer bassist rapper member star host actress actor ceo founder
    cofounder co chairman heiress youtuber streamer popstar tiktoker chairwoman chair owner boss richest governor mayor senator congressman
    congresswoman attorney head who behind sang sings sung wrote writes raps rapped performs performed released duke duchess earl countess heir activist jenner kardashian
    hadid olsen britains englands spains swedens norways denmarks netherlands belgiums japans monacos
    """)
    # A band's longest word: "karina from red velvet" holds "velvet".
) | frozenset(max(band.split(), key=len) for band in _BANDS.split("|"))
# The same in other languages, as folded: "mi vecina", "meine Kollegin", "mon ex", "la mia collega",
# "mijn buurvrouw", "moja sąsiadka", "komşum", "tetanggaku", "моя соседка".
_FOREIGN_ACQUAINTED = (
    r"(?:mi|mis|minha|meu|minhas|meus) (?:ex|ex novia|ex novio|ex namorada|vecina|vecino|vizinha|vizinho|novia"
    r"|novio|namorada|companera|companero|colega|jefa|chefe|prima|primo|profesora|professora|maestra|amiga"
    r"|cunada|cunhada|esposa|mujer|mulher)"
    r"|(?:mon|ma|mes) (?:ex|voisine|voisin|copine|collegue|cheffe|patronne|cousine|prof|professeure|amie"
    r"|belle soeur|femme|camarade)"
    r"|(?:meine|mein) (?:ex|nachbarin|nachbar|freundin|kollegin|chefin|cousine|lehrerin|schwagerin|frau"
    r"|mitschulerin|klassenkameradin)"
    r"|(?:la mia|mia|il mio) (?:ex|vicina|ragazza|collega|capa|cugina|professoressa|amica|cognata|moglie"
    r"|compagna di classe)"
    r"|mijn (?:ex|buurvrouw|buurman|vriendin|collega|baas|nicht|lerares|schoonzus|vrouw|klasgenote)"
    r"|(?:moja|moj) (?:eks|byla|sasiadka|sasiad|dziewczyna|kolezanka|szefowa|kuzynka|nauczycielka|zona)"
    r"|komsum|eski sevgilim|is arkadasim|sinif arkadasim|tetanggaku|mantanku|pacarku|teman kantorku"
)
# Cyrillic is matched in the native view: folding turns some of its letters into Latin look-alikes.
_ACQUAINTED_CYRILLIC = re.compile(
    r"(?<!\w)(?:моя|мою) (?:соседка|соседку|бывшая|бывшую|коллега|коллегу|одноклассница|одноклассницу"
    r"|учительница|учительницу|девушка|девушку)(?!\w)",
    re.IGNORECASE,
)
_FOREIGN_POSSESSIVES = frozenset(
    _words("""
    mi mis minha meu minhas meus mon ma mes meine mein mia mio mijn moja moj komsum eski is sinif tetanggaku
    mantanku pacarku teman
    """)
)
_ACQUAINTED_WORDS = (
    frozenset(
        _words("""
    my our know deep deepfake deepfakes next accounting hr marketing sales payroll legal office work period
    school class college church floor upstairs downstairs apartment flat unit met knew dated matched hooked
    talked kissed worked went sat used dating
    """)
    )
    | _FOREIGN_POSSESSIVES
)
# People the member knows: an ex, a classmate, a neighbour's wife, whom no one may undress. Not the
# people of a story: "my oc's wife", "my dnd character's sister", "my final boss".
_ACQUAINTED = re.compile(
    rf"(?<![a-z])(?:my|our)(?: (?!{_FICTION}(?![a-z]))[a-z]+){{0,2}}? (?:{_ACQUAINTANCES})s?"
    rf"(?! (?:oc|ocs|character|characters|sona|fursona|avatar|machina|boss)(?![a-z]))(?![a-z])"
    # Someone from the member's own life, unnamed: "the girl in my class", "the barista at my local
    # starbucks", "sarah from accounting", "a girl i know", "ms davis from 3rd period"; and a deepfake,
    # which is of someone real by definition.
    rf"|(?<![a-z])(?:girl|girls|guy|guys|woman|women|man|men|lady|boy|boys|teacher|barista|nurse|waitress"
    rf"|bully|bullies|kid|kids|student|students|nerd|coach|principal|professor"
    rf"|cashier|receptionist|blonde|brunette|redhead|chick|one)(?: [a-z]+){{0,4}}? (?:in|from|at|next to me"
    rf" in) my (?:local )?(?:[a-z]+ )?(?:class|school|office|work|workplace|job|gym|church|team|building"
    rf"|street|neighbou?rhood|company|dorm|college|uni|university|starbucks|cafe|store|shop|bus|lab)(?![a-z])"
    rf"|(?<![a-z])(?:girl|guy|boy|one) (?:who )?(?:sits|sat|sitting) next to me(?![a-z])"
    rf"|(?<![a-z])[a-z]+ from (?:accounting|hr|marketing|sales|payroll|legal|it support|the office|work"
    rf"|my office|my work|my school|my class|school|class|college|church|[0-9](?:st|nd|rd|th) period"
    # Neighbours by where they live: "Jessica Turner from the 3rd floor", "the guy from apartment 4b".
    rf"|the [0-9]{{1,2}}(?:st|nd|rd|th) floor|upstairs|downstairs|(?:apartment|flat|unit) [0-9]+[a-z]?)(?![a-z])"
    rf"|(?<![a-z])(?:a |the )?(?:girl|guy|woman|man|lady|boy|someone|person|people|coworker) i know(?![a-z])"
    # Someone the member has met: "the girl I met at the bar", "a guy I matched with", "the woman we
    # dated". Not "the girl next door", a trope.
    rf"|(?<![a-z])(?:girl|girls|guy|guys|woman|women|man|lady|boy|chick|dude|person|someone|stranger|cashier"
    rf"|waitress|bartender|barista|nurse|blonde|brunette|redhead)(?: [a-z]+){{0,2}}? (?:that |who |whom )?"
    rf"(?:i|im|we) (?:just |once |used to |am |was |were )?(?:met|knew|know|dated|date|dating|matched with"
    rf"|hooked up with|talked to|kissed|work with|worked with|went to school with|sat next to)(?![a-z])"
    rf"|(?<![a-z])deep ?fakes?(?![a-z])"
    rf"|(?<![\w])(?:{_FOREIGN_ACQUAINTED})(?![\w])"
)


# A member named by their Discord mention ("<@123456789012345678>", "<@!1234...>", which the client puts
# in for "@name") or their handle ("@jessica_m"): someone on the server, as real as a classmate. Not
# "@everyone" or "@here", a role ("<@&...>"), an e-mail address, nor an artist credited by handle
# ("art by @artgerm", "style of @sakimichan").
_MENTION = re.compile(r"(?<![\w.@!&])@!?[a-z0-9_.]{2,32}")
_NOT_A_MEMBER = frozenset({"@everyone", "@here"})
_CREDITED_BEFORE = re.compile(r"(?:by|style of|art of|artist|artists|credit|credits|via|@\S+)\W*$")


def _mentioned_members(base: str) -> list[str]:
    return [
        mention.group(0)
        for mention in _MENTION.finditer(base)
        if mention.group(0) not in _NOT_A_MEMBER
        and not _CREDITED_BEFORE.search(base, max(0, mention.start() - 24), mention.start())
    ]


def data_lines(name: str) -> list[str]:
    """The lines of a word list in moderation/data, without blank lines and "#" comments."""
    text = resources.files("moderation").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _term_forms(term: str) -> tuple[str, ...]:
    """A listed term as the normaliser would see it: the word sequence, and the words glued together."""
    words = analyze(term).sequences[0]
    spaced = " ".join(words)
    return (spaced, "".join(words)) if len(words) > 1 else (spaced,)


@dataclass
class Hits:
    """What the lexicon found in one text: matched terms per class, ages and real people."""

    terms: dict[Term, set[str]] = field(default_factory=lambda: defaultdict(set))
    ages: list[int] = field(default_factory=list)
    people: set[str] = field(default_factory=set)
    described: set[str] = field(default_factory=set)
    """Real people described instead of named ("the current us president")."""
    acquainted: set[str] = field(default_factory=set)
    """People the member knows ("my ex", "my coworker"): the model cannot draw them, but a sexual
    picture said to be of them is one all the same."""
    hate: str | None = None

    def has(self, term: Term) -> bool:
        """Whether any word of class `term` was found."""
        return bool(self.terms.get(term))


# Word break is quadratic in the token's length; a glued phrase of a few words is far shorter than this.
_MAX_GLUED = 48
_RUN_CLASSES = frozenset({Term.SEXUAL, Term.SUGGESTIVE, Term.MINOR, Term.CSAM})
_SPLIT_CLASSES = frozenset({Term.MINOR, Term.CSAM})


class Lexicon:
    """The compiled word lists; build once with `load_lexicon()` and share."""

    def __init__(self, people: Iterable[str], first_names: Iterable[str], slurs: Iterable[str]) -> None:
        lists: dict[Term, list[str]] = {
            Term.SEXUAL: _words(_SEXUAL) + _words(_SEXUAL_ELSEWHERE),
            Term.SUGGESTIVE: _words(_SUGGESTIVE) + _words(_SUGGESTIVE_ELSEWHERE),
            Term.CLOTHING: _words(_CLOTHING),
            Term.MINOR: _words(_MINOR) + _words(_MINOR_ELSEWHERE),
            Term.ADULT: _words(_ADULT),
            Term.CSAM: _words(_CSAM) + _words(_CSAM_ELSEWHERE),
            Term.DEFAMATION: _words(_DEFAMATION),
            Term.VIOLENCE: _words(_VIOLENCE),
            Term.FRAMING: _words(_FRAMING),
            Term.DISASTER: _words(_DISASTER),
            Term.SLUR: list(slurs),
            Term.PHOTO: _words(_PHOTO),
            Term.YOUTHFUL: _words(_YOUTHFUL),
            Term.CHILDISH: _words(_CHILDISH),
        }
        # 1. Every form of every term, mapped to its classes; people map to their display name.
        classes: dict[str, set[Term]] = defaultdict(set)
        for term_class, terms in lists.items():
            for term in terms:
                for form in _term_forms(term):
                    classes[form].add(term_class)
        self.person_names: dict[str, str] = {}
        # Names in scripts the word views drop ("杨幂", "दीपिका पादुकोण", "نانسي عجرم"), matched in the
        # native view: as substrings in Chinese, Japanese and Korean, as whole words elsewhere.
        native_names: dict[str, str] = {}
        for line in people:
            name, *aliases = (part.strip() for part in line.split("|"))
            for alias in (name, *aliases):
                if not analyze(alias).sequences[0]:
                    native_names[_KANA_BREAK.sub("", analyze(alias).native)] = name
                    continue
                for form in _term_forms(alias):
                    classes[form].add(Term.PERSON)
                    self.person_names[form] = name
        self.classes: dict[str, frozenset[Term]] = {k: frozenset(v) for k, v in classes.items()}
        self.max_n = max(form.count(" ") + 1 for form in self.classes)
        self.first_words = frozenset(form.split(" ", 1)[0] for form in self.classes if " " in form)
        # Stretched letters in phrases ("taaaylor swiift") are matched squeezed. Only phrases: a squeezed
        # single word can be another word ("teen" → "ten").
        squeezed: dict[str, set[Term]] = defaultdict(set)
        for form, form_classes in self.classes.items():
            if " " in form:
                squeezed[squeeze(form)].update(form_classes)
                if form in self.person_names:
                    self.person_names[squeeze(form)] = self.person_names[form]
        self.squeezed_classes = {k: frozenset(v) for k, v in squeezed.items()}
        self.squeezed_first_words = frozenset(form.split(" ", 1)[0] for form in self.squeezed_classes)
        # Names spelled letter by letter ("t a y l o r s w i f t") are searched in the text without spaces.
        glued_names = sorted(
            (f for f in self.classes if Term.PERSON in self.classes[f] and " " not in f), key=len
        )
        self._glued_names = re.compile("|".join(map(re.escape, reversed(glued_names))))

        # 2. Glued words are split only into these: listed single words and a few fillers.
        glueable = _RUN_CLASSES | {Term.PERSON}
        self._glue_terms = frozenset(
            form for form, cls in self.classes.items() if " " not in form and cls & glueable and len(form) > 2
        )
        self._glue_vocab = self._glue_terms | _FILLERS
        self._glue_max = max(map(len, self._glue_vocab))
        # Prompts repeat the same long words ("masterpiece", "photorealistic"); remember their splits.
        self._split_glued = lru_cache(maxsize=65536)(self._split_glued_uncached)

        # 3. Spaced-letter runs are searched by substring for the words that matter most.
        run_terms = sorted(
            (f for f in self._glue_terms if self.classes[f] & _RUN_CLASSES),
            key=len,
            reverse=True,
        )
        # A lookahead finds overlapping words too: "watsonsexy" holds "sons" and "sexy".
        self._run_pattern = re.compile("(?=(" + "|".join(map(re.escape, run_terms)) + "))")
        self._masked_candidates: dict[int, list[str]] = defaultdict(list)
        # Slurs are masked as often as sexual words are ("k*ke", "f*ggot"), though never spaced out.
        masked_slurs = (f for f in self.classes if Term.SLUR in self.classes[f] and " " not in f)
        for form in (*run_terms, *masked_slurs):
            self._masked_candidates[len(form)].append(form)

        exception_phrases = _words("|" + _EXCEPTIONS)
        towns = _words(_TOWNS)
        words_of = [r"[\s\-_.]+".join(map(re.escape, p.split())) for p in exception_phrases]
        words_of += [_TOWN_SEPARATOR.join(map(re.escape, p.split())) for p in towns]
        self._exceptions = re.compile(r"(?<![a-z0-9])(?:" + "|".join(words_of) + r")(?![a-z0-9])")
        # The longest word of each: a text holding none of them holds no exception, and the long pattern
        # above (hundreds of phrases) is skipped on most prompts.
        self._exception_keys = frozenset(max(p.split(), key=len) for p in (*exception_phrases, *towns))
        self.first_names = frozenset(n.lower() for n in first_names)

        # 4. Terms in other scripts, in the base view (folded like the prompt) and in the native view.
        foreign_words: dict[str, set[Term]] = defaultdict(set)
        unspaced: dict[str, set[Term]] = defaultdict(set)
        for term_class, block in _FOREIGN.items():
            for term in _words(block):
                views = analyze(term)
                base = " ".join(_UNICODE_WORD.findall(views.base))
                # The base form catches a word typed with Latin look-alikes ("сeкс" with a Latin "e" is
                # "cekc"), unless the word is Latin itself: "niña" folds into the name "nina".
                forms = {views.native, base} if _has_other_script(views.native) else {views.native}
                for form in filter(None, forms):
                    (unspaced if UNSPACED_SCRIPT.search(form) else foreign_words)[form].add(term_class)
        self._foreign_words = {k: frozenset(v) for k, v in foreign_words.items()}
        self._unspaced = {k: frozenset(v) for k, v in unspaced.items()}
        self._unspaced_pattern = re.compile("|".join(map(re.escape, sorted(unspaced, key=len, reverse=True))))
        exceptions = {f for e in _words(_FOREIGN_EXCEPTIONS) for f in (analyze(e).native, analyze(e).base)}
        self._foreign_exceptions = re.compile(
            "|".join(map(re.escape, sorted(exceptions, key=len, reverse=True)))
        )

        # 5. Misspelt names ("tayler swift", "scarlet johansson"): the names long enough that a name one
        # letter away is rarely an ordinary phrase.
        self._misspelt_names = TypoIndex(
            form
            for form in self.person_names
            if len(form.replace(" ", "")) >= _TYPO_MIN_NAME
            and (" " in form or len(form) >= TYPO_MIN_WORD + 2)
        )
        # Cheap filters before the deletions are looked up. A name of several words misspelt in one of
        # them keeps the others ("tayler swift" keeps "swift"); a single word of eight letters or more
        # misspelt once keeps its first four letters or its last four.
        typo_forms = self._misspelt_names.forms
        self._typo_name_words = frozenset(w for form in typo_forms if " " in form for w in form.split())
        self._typo_affixes = frozenset(a for f in typo_forms if " " not in f for a in (f[:4], f[-4:]))
        # Names misspelt in each of their words ("tayler swfit"): each word one slip from the name's, or
        # a short word with two neighbouring letters swapped ("swfit"), which ordinary words rarely are.
        name_words = frozenset(w for form in typo_forms if " " in form for w in form.split())
        self._name_word_typos = TypoIndex(w for w in name_words if len(w) >= TYPO_MIN_WORD)
        self._name_word_swaps: dict[str, set[str]] = defaultdict(set)
        for word in name_words:
            if len(word) >= _SWAP_MIN_WORD:
                for i in range(1, len(word) - 1):
                    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                    if swapped != word and swapped not in self.classes:
                        self._name_word_swaps[swapped].add(word)
        self._name_words = name_words

        self._native_names = native_names
        self.person_names.update(native_names)
        self._native_name_pattern = re.compile(
            "|".join(
                re.escape(form) if UNSPACED_SCRIPT.search(form) else rf"(?<!\w){re.escape(form)}(?!\w)"
                for form in sorted(native_names, key=len, reverse=True)
            )
        )

        # 6. Misspelt words for the young ("chilld", "chlid", "childern"), each mapped to its word.
        # English words only: one slip from "mtoto", "lapsi" or "schuler" is "motto", "lapis", "schulter".
        single_words = {form for form in self.classes if form.isalpha()}
        english_minor = {form for term in _words(_MINOR) for form in _term_forms(term)}
        self._minor_typos: dict[str, str] = {}
        for form in sorted(single_words & english_minor):
            if len(form) >= _TYPO_MIN_MINOR:
                for typo in _minor_typos(form) - single_words - _NOT_MINOR_TYPOS:
                    self._minor_typos.setdefault(typo, form)

    def scan(self, text: str) -> Hits:
        """Find every listed term, age under 18, real person and hateful phrase in `text`."""
        views = analyze(text)
        if views.tokens & self._exception_keys and self._exceptions.search(views.base):
            views = analyze(self._exceptions.sub(" ", views.base))
        hits = Hits()

        # 1. Whole words and word sequences of every view.
        for gram in views.grams(self.max_n, self.first_words):
            if gram not in self.classes and " " in gram and gram[:-1] in self.person_names:
                # "taylor swift's": the apostrophe is dropped, so a possessive name ends in an "s".
                gram = gram[:-1]
            for term_class in self.classes.get(gram, ()):
                hits.terms[term_class].add(gram)
        if views.squeezed:
            for gram in views.grams(self.max_n, self.squeezed_first_words, squeezed=True):
                for term_class in self.squeezed_classes.get(gram, ()):
                    hits.terms[term_class].add(gram)
        # A word for the young misspelt: a refusal that a typo undoes is no refusal. Only those: a
        # minor word alone refuses nothing, and a misspelt sexual word is an ordinary one too often.
        for token in views.tokens & self._minor_typos.keys():
            hits.terms[Term.MINOR].add(self._minor_typos[token])
        for seq in views.sequences:
            for first, second in pairwise(seq):
                # A name written surname first ("Swift, Taylor"), as in lists, credits and catalogues.
                if (flipped := f"{second} {first}") in self.person_names:
                    hits.terms[Term.PERSON].add(flipped)
                # A word for the young split in two ("nude chi ld", "c hild"). Only those: split sexual
                # words would be read into everyday text ("the pen is"), and a minor word alone refuses
                # nothing.
                for term_class in self.classes.get(first + second, frozenset()) & _SPLIT_CLASSES:
                    hits.terms[term_class].add(first + second)

        # 2. Glued words, spaced-letter runs and masked words ("s*x").
        for token in views.tokens:
            if 6 <= len(token) <= _MAX_GLUED and token not in self.classes and token.isalpha():
                for piece in self._split_glued(token):
                    for term_class in self.classes.get(piece, ()):
                        hits.terms[term_class].add(piece)
        for run in views.runs:
            for piece in self._run_pattern.findall(run):
                for term_class in self.classes[piece]:
                    hits.terms[term_class].add(piece)
        if views.runs:
            for seq in views.sequences:
                hits.terms[Term.PERSON].update(self._glued_names.findall("".join(seq)))
        for masked in views.masked:
            for piece in self._unmask(masked):
                for term_class in self.classes[piece]:
                    hits.terms[term_class].add(piece)

        if not views.native.isascii():
            self._scan_foreign(views, hits)
            for found in self._native_name_pattern.finditer(_KANA_BREAK.sub("", views.native)):
                hits.terms[Term.PERSON].add(found.group(0))
        if "'" in views.native or "’" in views.native:
            # A name with a suffix after an apostrophe, as Turkish writes cases: "Erdoğan'ın", "Hande'ye".
            unsuffixed = analyze(_APOSTROPHE_SUFFIX.sub("", views.native))
            for gram in unsuffixed.grams(self.max_n, self.first_words):
                if Term.PERSON in self.classes.get(gram, ()):
                    hits.terms[Term.PERSON].add(gram)

        if _NO_CLOTHES_SETTING.search(views.base) or any(
            _undressing(phrase) for phrase in _PHRASE_END.split(views.base)
        ):
            hits.terms[Term.SEXUAL].add("undressing")

        # 3. Ages, people and hateful statements.
        joined_views = list(dict.fromkeys(" ".join(seq) for seq in views.sequences))
        for joined in joined_views:
            for match in _AGE.finditer(joined):
                if match.group("n") and _AGED_THING.match(joined, match.end()):
                    continue
                if match.group("m") and _THING_AGED.search(joined, 0, match.start()):
                    continue
                hits.ages.append(_age_value(match.group("n") or match.group("m")))
            hits.ages.extend(_school_ages(joined))
        hits.ages.extend(_ages_after_people(views.base))
        hits.ages.extend(_bare_years(views.base))
        hits.ages.extend(_ages_said_otherwise(views.base))
        if _child_height(views.base):
            hits.terms[Term.MINOR].add("a child's height")
        if people := hits.terms.get(Term.PERSON):
            # "white tiger, woods at night" names no golfer: the words are in different phrases.
            people.difference_update([form for form in people if _in_separate_phrases(form, views.base)])
            # A word for the young in a name ("JK Rowling", "Kid Cudi") is the name.
            if minor_words := hits.terms.get(Term.MINOR):
                minor_words.difference_update(word for form in people if " " in form for word in form.split())
        hits.people = {self.person_names[p] for p in hits.terms.get(Term.PERSON, ())}
        # Each pattern only where a word it needs is in the text: most prompts have none.
        for joined in joined_views if views.tokens & _DESCRIBED_WORDS else ():
            hits.described.update(m.group(0) for m in _DESCRIBED_PERSON.finditer(joined))
            hits.described.update(m.group(0) for m in _NAME_THE_TRADE.finditer(joined))
        if views.tokens & _DESCRIBED_WORDS:
            hits.described.update(_titled_roles(text))
        if views.tokens & _TRADE_WORDS:
            hits.described.update(_traded_names(text))
        if not views.native.isascii() and (band := _BANDS_NATIVE.search(views.native)):
            hits.described.add(band.group(0))
        for joined in joined_views if views.tokens & _ACQUAINTED_WORDS else ():
            hits.acquainted.update(m.group(0) for m in _ACQUAINTED.finditer(joined))
        if "@" in views.base:
            hits.acquainted.update(_mentioned_members(views.base))
        if not views.native.isascii():
            hits.acquainted.update(m.group(0) for m in _ACQUAINTED_CYRILLIC.finditer(views.native))
        for joined in joined_views if views.tokens & _HATE_WORDS else ():
            hateful = next((m for m in _HATE.finditer(joined) if not _exhibited(m.group(0), joined)), None)
            if hateful:
                hits.hate = hateful.group(0)
                break
        if not hits.hate and "(((" in views.base and (echo := _ECHO.search(views.base)):
            hits.hate = echo.group(0)
        return hits

    def _scan_foreign(self, views: TextViews, hits: Hits) -> None:
        """Terms in other scripts, and ages written with them ("12歳", "12 лет")."""
        for text in dict.fromkeys((views.base, views.native)):
            if text.isascii():
                continue  # "nаkеd" with Cyrillic letters: its base view is plain Latin, matched already
            text = self._foreign_exceptions.sub(" ", text)
            words = _UNICODE_WORD.findall(text)
            for i, word in enumerate(words):
                for gram in (word, " ".join(words[i : i + 2])):
                    for term_class in self._foreign_words.get(gram, ()):
                        hits.terms[term_class].add(gram)
            if not UNSPACED_SCRIPT.search(text):
                continue
            for match in self._unspaced_pattern.finditer(text):
                found, start = match.group(0), match.start()
                # A katakana word inside a longer one: "ロリ" in "カロリー" (calorie).
                if _KATAKANA.match(found) and start and _KATAKANA.match(text, start - 1):
                    continue
                for term_class in self._unspaced[found]:
                    hits.terms[term_class].add(found)
            if _NAKED_ALONE.search(text):
                hits.terms[Term.SEXUAL].add("裸")
        hits.ages.extend(int(m.group(1)) for m in _AGE_NATIVE.finditer(views.native))
        hits.ages.extend(_kanji_number(m.group(1)) for m in _AGE_KANJI.finditer(views.native) if m.group(1))
        hits.ages.extend(_RUSSIAN_AGE_VALUES[m.group(1)] for m in _AGE_RUSSIAN.finditer(views.native))
        hits.ages.extend(_HINDI_AGE_VALUES[m.group(1)] for m in _AGE_HINDI.finditer(views.native))

    def undressing_negative(self, negative: str, prompt: str, *, someone: bool, strict: bool) -> bool:
        """Whether a negative prompt asks for nudity: a phrase of it that names clothes and nothing else
        ("--no clothes", "(clothing:-1)", "--no any clothes on her"), or three garments each named alone
        ("--no shirt, pants, skirt"), or, for a girl, a top; and the prompt has someone to undress
        (`someone`: known to have one; `strict`: a minor, or an uploaded picture, which may show
        anyone). A phrase that says which clothes ("--no revealing clothes", "--no clothes on the
        floor", "--no poorly drawn clothes") asks for others."""
        if not someone and not _SOMEONE.search(analyze(prompt).base):
            return False
        if _NO_PEOPLE.search(analyze(negative).base):
            return False  # "--no people, clothes": a picture with nobody in it
        # Someone dressed in the prompt ("woman in a sundress --no swimsuit") is asked for other clothes
        # by garments in the negative prompt, not for none: only clothes in general count then. So it
        # is for an adult with underwear or swimwear there ("--no nsfw, lingerie, underwear" asks for
        # nothing revealing); for a child or an upload, any of it is refused.
        dressed = not strict or (
            _GARMENT_WORD.search(_GENERIC_CLOTHES.sub(" ", analyze(prompt).base)) is not None
        )
        garments: set[str] = set()
        for phrase in _PHRASE_END.split(analyze(negative).base):
            for seq in analyze(phrase).sequences:
                clothing, named = self._only_clothes(" ".join(seq), generic_only=dressed)
                if clothing:
                    return True
                garments.update(named)
        # "Gown --no jeans, shorts, skirt" names the alternatives to a gown; "--no shirt, pants, skirt"
        # alone undresses.
        three = len({garment.replace(" ", "").removesuffix("s") for garment in garments}) >= 3
        if three and (strict or _WEARING.search(analyze(prompt).base) is None):
            return True
        if dressed:
            return False
        return (
            strict
            and _FEMALE.search(analyze(prompt).base) is not None
            and any(_UPPER_GARMENT_WORD.fullmatch(garment) for garment in garments)
        )

    def _only_clothes(self, phrase: str, *, generic_only: bool = False) -> tuple[bool, set[str]]:
        """For a phrase with nothing but clothes in it: whether it names clothing ("clothes", "fully
        clothed", "swimsuit"; with `generic_only`, clothes in general only), and the garments it names;
        (False, empty) for any other phrase."""
        words = phrase.split()
        clothing = {
            gram
            for gram in (" ".join(words[i : i + n]) for n in range(1, 4) for i in range(len(words) - n + 1))
            if Term.CLOTHING in self.classes.get(gram, ())
            and not (generic_only and _GARMENT_WORD.fullmatch(gram) and not _GENERIC_CLOTHES.fullmatch(gram))
        }
        rest = phrase
        for gram in sorted(clothing, key=len, reverse=True):
            rest = re.sub(rf"(?<![a-z]){re.escape(gram)}(?![a-z])", " ", rest)
        garments = set(_GARMENT_WORD.findall(rest)) | set(_UPPER_GARMENT_WORD.findall(rest))
        rest = _UPPER_GARMENT_WORD.sub(" ", _GARMENT_WORD.sub(" ", rest))
        if not (clothing or garments) or not set(rest.split()) <= _CLOTHES_FILLERS:
            return False, set()
        return bool(clothing), garments

    def misspelt_people(self, text: str) -> set[str]:
        """Listed people whose names are misspelt by one letter ("tayler swift", "scarlet johansson").

        Only names of nine letters or more, misspelt in a word of six letters or more that keeps its
        initial, with the same number of words: "prince hairy" and "will smite" stay ordinary words.
        """
        views = analyze(text)
        grams = {t for t in views.tokens if t[:4] in self._typo_affixes or t[-4:] in self._typo_affixes}
        for seq in views.sequences:
            for i, word in enumerate(seq):
                if word not in self._typo_name_words:
                    continue
                # Every window of two and three words around a word of a listed name.
                for start in range(max(0, i - 2), i + 1):
                    for end in (start + 2, start + 3):
                        if start <= i < end <= len(seq):
                            grams.add(" ".join(seq[start:end]))
        found: set[str] = set()
        for gram in grams:
            if gram not in self.classes and gram not in _NOT_MISSPELT_NAMES:
                found.update(self.person_names[form] for form in self._misspelt_names.near(gram))
        for seq in views.sequences:
            found.update(self._names_slipped_in_each_word(seq))
        return found

    def _names_slipped_in_each_word(self, seq: tuple[str, ...]) -> set[str]:
        """Listed names of two or three words, each word typed as listed or one slip from it."""
        readings = [self._name_word_readings(word) for word in seq]
        found: set[str] = set()
        for start in range(len(seq) - 1):
            for end in (start + 2, start + 3):
                typed = " ".join(seq[start:end])
                if end > len(seq) or not all(readings[start:end]) or typed in _NOT_MISSPELT_NAMES:
                    continue
                for words in product(*readings[start:end]):
                    form = " ".join(words)
                    if form in self._misspelt_names.forms and form != typed:
                        found.add(self.person_names[form])
        return found

    def _name_word_readings(self, word: str) -> set[str]:
        """The words of listed names that `word` is, or misspells (see `_names_slipped_in_each_word`)."""
        readings = {word} if word in self._name_words else set()
        readings |= self._name_word_swaps.get(word, set())
        if len(word) >= TYPO_MIN_WORD - 1:
            readings |= self._name_word_typos.near(word)
        return readings

    def guess_people(self, text: str) -> set[str]:
        """Capitalised "Firstname Lastname" pairs that look like a real person's name."""
        later_words = re.findall(r"[A-Za-z]+", text)[1:]
        capitalised = sum(1 for w in later_words if w[0].isupper())
        # In Title Case Prompts Every Word Is Capitalised, so a capital says nothing about names.
        if len(later_words) >= 3 and capitalised > 0.6 * len(later_words):
            return set()
        found = set()
        for match in _CAPITALISED_PAIR.finditer(text):
            first, last = match.group(1).lower(), match.group(2).lower()
            credited = _CREDITED.search(text, max(0, match.start() - 24), match.start()) is not None
            named = first in self.first_names and last not in _NOT_SURNAMES and last not in self.first_names
            if named and not credited:
                found.add(match.group(0))
        return found

    def _split_glued_uncached(self, token: str) -> tuple[str, ...]:
        # Word break over the glue vocabulary; a split counts only if it covers the whole token.
        best: list[list[str] | None] = [None] * (len(token) + 1)
        best[0] = []
        for end in range(2, len(token) + 1):
            for start in range(max(0, end - self._glue_max), end - 1):
                prefix = best[start]
                if prefix is not None and token[start:end] in self._glue_vocab:
                    best[end] = [*prefix, token[start:end]]
                    break
        pieces = best[len(token)]
        if not pieces:
            return ()
        return tuple(p for p in pieces if p in self._glue_terms)

    def _unmask(self, masked: str) -> list[str]:
        # "s*x" matches listed words of the same length with any letter where the stars are.
        if masked.count("*") * 2 > len(masked):
            return []
        pattern = re.compile(re.escape(masked).replace(r"\*", "[a-z]"))
        return [c for c in self._masked_candidates.get(len(masked), ()) if pattern.fullmatch(c)]


_TYPO_MIN_NAME = 9
_SWAP_MIN_WORD = 4
# A case ending after an apostrophe: Turkish "'ın", "'nin", "'a", "'ye", "'dan" (and English "'s").
_APOSTROPHE_SUFFIX = re.compile(r"(?<=\w)['’]\w{1,4}(?!\w)")


# Misspellings of the words for the young. Short words have ordinary neighbours one letter away ("chili",
# "chill" and "chide" for "child"; "ten" for "teen"), so they are matched only with a letter doubled or two
# letters swapped, which English words next to them do not show; longer words with any one slip, the
# first letter kept.
_TYPO_MIN_MINOR = 5
_TYPO_ANY_SLIP = 7
# Ordinary words one slip from a longer word for the young.
_NOT_MINOR_TYPOS = frozenset({"toddle", "toddled", "toddles"})


def _minor_typos(word: str) -> set[str]:
    """Misspellings of `word` that keep its first letter (see `_TYPO_MIN_MINOR`)."""
    typos = {word[: i + 1] + word[i:] for i in range(len(word))}
    typos |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    if len(word) >= _TYPO_ANY_SLIP:
        for i in range(1, len(word) + 1):
            typos.add(word[:i] + word[i + 1 :])
            typos.update(word[:i] + letter + word[i + 1 :] for letter in ascii_lowercase)
            typos.update(word[:i] + letter + word[i:] for letter in ascii_lowercase)
    typos.discard(word)
    return typos


def _in_separate_phrases(form: str, base: str) -> bool:
    """Whether the words of a name (as listed) stand in `base` only with punctuation between them.

    Not where the prompt uses weighting syntax: "(emma:1.2), [watson]" splits a name on purpose."""
    if " " not in form or _WEIGHT_MARKS.search(base):
        return False
    together, apart = _name_layouts(form)
    return apart.search(base) is not None and together.search(base) is None


_WEIGHT_MARKS = re.compile(r"[()\[\]{}<>]")


@lru_cache(maxsize=4096)
def _name_layouts(form: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = list(map(re.escape, form.split()))
    edge_before, edge_after = r"(?<![a-z0-9])", r"(?![a-z0-9])"
    together = re.compile(edge_before + r"[\s\-_'’]+".join(words) + edge_after)
    apart = re.compile(edge_before + r"\s*[,.;:!?|/]+\s*".join(words) + edge_after)
    return together, apart


def _has_other_script(text: str) -> bool:
    return any(c.isalpha() and not unicodedata.name(c, "LATIN").startswith("LATIN") for c in text)


@cache
def load_lexicon() -> Lexicon:
    """The lexicon built from the lists above and the files in `moderation/data/`."""
    return Lexicon(
        people=data_lines("public_figures.txt"),
        first_names=" ".join(data_lines("first_names.txt")).split(),
        slurs=data_lines("slurs.txt") + data_lines("slurs_elsewhere.txt"),
    )


def _ages_after_people(text: str) -> list[int]:
    """Ages given as a number after a person (see `_AGE_AFTER_PERSON`)."""
    matches = list(_AGE_AFTER_PERSON.finditer(text))
    # "woman 1, woman 2": an adult numbered more than once is labelled, not aged.
    labelled = Counter(match["adult"] for match in matches if match["adult"] and not match["cue"])
    ages = []
    for match in matches:
        age = _age_value(match["age"])
        if match["adult"] and not match["cue"] and (labelled[match["adult"]] > 1 or not 10 <= age <= 17):
            continue
        ages.append(age)
    return ages


def _school_ages(text: str) -> list[int]:
    """Ages given as a school year ("grade 5 girl", "in year 7", "first grader"), and birth years."""
    ages = []
    for match in _SCHOOL_YEAR.finditer(text):
        if ordinal := match["o"] or match["p"] or match["q"]:
            ages.append(_ORDINAL_VALUES[ordinal] + 5)
        elif 1 <= (grade := _age_value(match["n"] or match["m"] or match["pn"])) <= 13:
            ages.append(grade + 5)
    for match in _BIRTHDAY.finditer(text):
        ordinal = match["o"]
        ages.append(
            int(match["n"]) if match["n"] else _ORDINAL_VALUES.get(ordinal) or _MORE_ORDINALS[ordinal]
        )
    for match in _UNDER_AGE.finditer(text):
        # A price: "everything under 15!", "gifts under 10".
        if _PRICED.search(text, max(0, match.start() - 24), match.start()):
            continue
        said_of_someone = match["unit"] or _SOMEONE_YOUNG_OR_NOT.search(text, 0, match.start())
        if said_of_someone and _age_value(match["n"]) <= 18:
            ages.append(_age_value(match["n"]) - 1)
    this_year = date.today().year
    for match in _BORN.finditer(text):
        if (born := int(match["year"] or match["before"])) <= this_year:
            ages.append(this_year - born)
    ages.extend(
        18 - (int(m["year"]) - this_year) for m in _CLASS_OF.finditer(text) if int(m["year"]) > this_year
    )
    return ages


# A person's height a child has ("130cm tall girl", "girl, 4 foot 2"): under 140 cm. Not the short
# folk of fantasy, who are adults that height.
_HEIGHT = re.compile(
    r"(?<![a-z0-9.])(?:(?P<cm>\d{2,3}) ?cm|(?P<ft>[2-4]) ?(?:foot|feet|ft|')(?: ?(?P<inch>\d{1,2})"
    r"(?: ?(?:inches|inch|in|\"|''))?)?)(?![a-z0-9])"
)
_SHORT_FOLK = re.compile(
    r"(?<![a-z])(?:dwar(?:f|fs|ves|ven)|halflings?|hobbits?|gnomes?|goblins?|kobolds?|fairy|fairies|pixies?"
    r"|leprechauns?|lalafells?|little people|dwarfism|doll|dolls|figurine|statue|sculpture)(?![a-z])"
)


_NEXT_TO = 8  # characters between a height and its person: " tall ", ", "


def _child_height(text: str) -> bool:
    """Whether someone in `text` is given a child's height (see `_HEIGHT`)."""
    if not any(character.isdigit() for character in text) or _SHORT_FOLK.search(text):
        return False
    people = [person.span() for person in _SOMEONE_YOUNG_OR_NOT.finditer(text)]
    for match in _HEIGHT.finditer(text):
        # The height of a person said next to them ("130cm tall girl", "girl, 4 foot 2"), not of a canvas.
        if not any(
            match.end() + _NEXT_TO >= start and end + _NEXT_TO >= match.start() for start, end in people
        ):
            continue
        if match["cm"]:
            centimetres = int(match["cm"])
        else:
            centimetres = round(int(match["ft"]) * 30.48 + int(match["inch"] or 0) * 2.54)
        if 60 <= centimetres < 140:
            return True
    return False


# Ages in Japanese romaji: "juu-ni sai" (12), "kyuu sai" (9).
_ROMAJI_DIGITS = {
    "ichi": 1, "ni": 2, "san": 3, "yon": 4, "shi": 4, "go": 5, "roku": 6, "nana": 7, "shichi": 7, "hachi": 8,
    "kyuu": 9, "ku": 9,
}  # fmt: skip
_ROMAJI_AGE = re.compile(
    r"(?<![a-z])(?:(?P<tens>juu)[ -]?)?(?P<ones>" + "|".join(_ROMAJI_DIGITS) + r")?[ -]?sai(?![a-z])"
)
# "looks about 11", "looks like 12": an age however a number follows.
_LOOKS_AGED = re.compile(
    rf"(?<![a-z])(?:looks|looking|appears|seems)(?: to be)?(?: about| around| like| maybe)? "
    rf"(?P<n>\d{{1,2}}|{_AGE_WORDS})(?=\s*(?:[),;!?]|$|\.(?!\d)| and| but| with| in| on))"
)

# "nude girl, first grade", "girl, grade 7": a school grade ending its phrase, in a prompt with someone
# in it.
_GRADE_ALONE = re.compile(
    rf"(?<![a-z])(?:(?P<o>{_ORDINALS}) grade|grade (?P<n>\d{{1,2}}|{_AGE_WORDS}))(?=\s*(?:[),;!?]|$|\.(?!\d)))"
)
# An age said of "she" or "he": "she's 12 but mature for her age", "he is 9 and", "she was only 13".
# Only where the number ends its phrase or a clause goes on, so that "he is 6 foot" is a height.
_PRONOUN_AGE = re.compile(
    rf"(?<![a-z])(?:shes|hes|she is|he is|she was|he was|theyre|they are)(?: (?:only|just|barely|actually"
    rf"|really|now|still|about|around|like))? (?P<n>\d{{1,2}}|{_AGE_WORDS})(?: ?(?:years?|yrs?|y)(?: ?old| ?o)?)?"
    rf"(?=\s*(?:[),;!?]|$|\.(?!\d))| (?:but|and|yet|so|though|although|with|in|on|now|today|already)(?![a-z]))"
)


def _ages_said_otherwise(text: str) -> list[int]:
    """Ages in other languages' words, glued into a word, in Roman numerals or in a roundabout way."""
    ages = [_FOREIGN_AGE_VALUES[m["w"]] for m in _FOREIGN_AGE.finditer(text)]
    ages.extend(_GLUED_AGE_VALUES[m["w"]] for m in _GLUED_AGE.finditer(text))
    # Each pattern only where a word it needs is in the text: most prompts have none.
    if "old" in text or "age" in text:
        ages.extend(_ROMAN_AGE_VALUES[m["r"] or m["s"] or m["a"]] for m in _ROMAN_AGE.finditer(text))
    if "sai" in text:
        ages.extend(
            (10 if m["tens"] else 0) + _ROMAJI_DIGITS.get(m["ones"] or "", 0)
            for m in _ROMAJI_AGE.finditer(text)
            if m["tens"] or m["ones"]
        )
    if "grade" in text and _SOMEONE_YOUNG_OR_NOT.search(text):
        ages.extend(
            _ORDINAL_VALUES[m["o"]] + 5 if m["o"] else _age_value(m["n"]) + 5
            for m in _GRADE_ALONE.finditer(text)
            if m["o"] or _age_value(m["n"]) <= 12
        )
    if any(key in text for key in ("he is", "he was", "hes ", "theyre", "they are")):
        ages.extend(_age_value(m["n"]) for m in _PRONOUN_AGE.finditer(text))
    if "look" in text or "appear" in text or "seem" in text:
        ages.extend(_age_value(m["n"]) for m in _LOOKS_AGED.finditer(text))
    if not any(word in text for word in _ODD_AGE_WORDS):
        return ages
    for match in _ODD_AGE.finditer(text):
        if match["t"]:
            ages.append(_age_value(match["t"]) - 1)  # not that age yet
            continue
        said = match["n"] or match["m"] or match["g"] or match["y"] or match["s"]
        ages.append(_age_value(said) if said else 12)  # "a dozen years old"
    return ages


def _bare_years(text: str) -> list[int]:
    """Ages given as a count of years alone ("nude, 12 years"; see `_BARE_YEARS`)."""
    if "year" not in text:
        return []  # the pattern tries a word before every number: skipped where it cannot match
    return [
        _age_value(m["n"])
        for m in _BARE_YEARS.finditer(text)
        if (m["before"] or "") not in _SPAN_WORDS and not _THING_AGED.search(text, 0, m.start("n"))
    ]


def _kanji_number(raw: str) -> int:
    """1 to 19 written in kanji: "九" is 9, "十" 10, "十二" 12."""
    ones = raw.rpartition("十")[2]
    return (10 if raw.startswith("十") else 0) + _KANJI_DIGITS.get(ones, 0)


def _age_value(raw: str) -> int:
    """An age as matched: digits ("12") or a word ("twelve")."""
    return int(raw) if raw.isdigit() else _AGE_VALUES[raw]
