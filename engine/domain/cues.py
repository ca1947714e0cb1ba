"""The cue check: item-writing flaws that let a test-wise learner find the key without the
competence, and the score such a learner can expect.

For a choice-like item (its question type gives ``cue_options``) the check flags the
classic flaws (Haladyna, Downing and Rodriguez 2002; Moreno, Martínez and Muñiz 2006):

- ``longest_key``: the key is the unique longest option (every key longer than every
  distractor, for items with several keys);
- ``repeated_options``: two options say the same, or one option's words repeat another's
  whole text (options that overlap);
- ``all_or_none``: an option such as "all of the above", "geen van de bovenstaande",
  "aucune de ces réponses";
- ``absolutes_in_distractors``: absolute words (always, never, altijd, nooit, toujours,
  jamais...) in distractors and not in the key;
- ``stem_words_in_key``: words of the stem repeated in the key and in no distractor;
- ``key_position`` (the bank as a whole): keys pile up in one position of the authored order.

A *cue strategy* answers every item from such cues alone: always the longest option, the
option that repeats the stem, avoid absolutes, the most frequent key position (and the
overcorrections of an author who knows these rules: the shortest option, the one least like
the stem, the one with the absolute word). Its
*expected score* is computed exactly from the type's own scoring (ties are shared evenly);
items a strategy cannot read are guessed. The cue score of an assessment is the best
strategy's expected percentage over the forms it can draw; ``chance`` is what blind guessing
expects. This module is pure: plain data in, numbers out.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from engine.domain.text import N_

#: What each flag means, for trainers (translated through the catalogs where shown).
FLAGS: dict[str, tuple[str, str]] = {
    "longest_key": (
        N_("The key is the longest option"),
        N_("Test-wise learners choose the longest, most qualified option. Make a distractor "
           "as long and as careful as the key, or shorten the key.")),
    "repeated_options": (
        N_("Options repeat or overlap"),
        N_("Two options say the same, or one contains the other: a learner can rule both "
           "out (or in) without knowing the answer. Make every option say something "
           "different.")),
    "all_or_none": (
        N_("“All of the above” or “none of the above”"),
        N_("Such options can be found by checking two options only, and they reward partial "
           "knowledge. Replace them with a real alternative.")),
    "absolutes_in_distractors": (
        N_("Absolute words only in distractors"),
        N_("Words such as always, never, only or altijd, nooit, uitsluitend mark a "
           "distractor: learners learn that absolute statements are rarely right. Use them "
           "in the key too, or in none of the options.")),
    "stem_words_in_key": (
        N_("Words of the stem repeated only in the key"),
        N_("The key echoes the wording of the question and no distractor does: a learner "
           "can match words instead of knowing the answer. Reword the key or let distractors "
           "echo the stem too.")),
    "key_position": (
        N_("Keys pile up in one position"),
        N_("Across the bank, the key is in the same position of the authored order far more "
           "often than chance: where options are not shuffled, learners can guess by "
           "position.")),
}

#: Cue strategies, by name, with what they do (for the settings page).
STRATEGIES: dict[str, str] = {
    "longest": N_("always choose the longest option"),
    "shortest": N_("always choose the shortest option"),
    "stem": N_("choose the option that repeats most words of the question"),
    "unlike_stem": N_("choose the option that repeats fewest words of the question"),
    "absolutes": N_("rule out options with absolute words; choose “all of the above” when "
                    "offered"),
    "absolute": N_("choose an option with an absolute word (always, never, only…)"),
    "position": N_("choose the position where keys are most often found"),
    "style": N_("choose what the bank's writing style marks as the key (a model trained on "
                "the other items: their words, lengths and echoes)"),
}

_ALL_OR_NONE = re.compile(
    r"\b(all|none|both|neither) of (the|these) (above|options|answers)\b|\ball the above\b"
    r"|\b(alle|geen van de|geen van beide|geen van deze) (bovenstaande|vorige|voorgaande|"
    r"antwoorden|mogelijkheden)\b|\b(alle|geen) (bovenstaande|vorige|voorgaande) "
    r"(antwoorden|opties)\b|\b(beide|alle) (antwoorden|opties) (zijn )?(juist|correct)\b"
    r"|\b(toutes|aucune) (les réponses|des réponses|de ces réponses)( ci-dessus| précédentes)?"
    r"|\btoutes ces réponses\b|\bles deux réponses\b",
    re.IGNORECASE)

ABSOLUTES: dict[str, frozenset[str]] = {
    "en": frozenset("always never only all none every everyone nobody nothing completely "
                    "entirely absolutely totally solely exclusively invariably".split()),
    "nl": frozenset("altijd nooit alleen enkel uitsluitend alle allemaal niemand niets "
                    "elke iedere ieder iedereen volledig helemaal absoluut steeds nimmer "
                    "louter".split()),
    "fr": frozenset("toujours jamais seulement uniquement tout tous toute toutes aucun "
                    "aucune personne rien chaque complètement entièrement absolument "
                    "exclusivement".split()),
}

_STOP: dict[str, frozenset[str]] = {
    "en": frozenset("""about above after again against also although among another answer
        answers because been before being below between both cannot choose correct could does
        doing down during each either every from further have having here into itself just
        more most much must other ought over same several should since some such than that
        their them then there these they this those through under until very was were what
        when where which while whom whose will with within without would your yours""".split()),
    "nl": frozenset("""aan aangezien alle alleen als andere antwoord antwoorden beide bij
        daar daarom dan dat deze die dit doen door dus echter een eigen elke enkele
        gaat geen geeft hebben heeft hier hierbij hoe hun iets indien juiste kan kies
        kiest kunnen maar meer mogelijk moet moeten naar niet noch nog omdat onder ons
        ook over sinds tegen tijdens toch tot tussen uit volgens voor vanaf verder waar
        waarbij waarin wanneer want welk welke werd wat wel wie wij worden wordt zal zich
        zijn zoals zonder zou zouden""".split()),
    "fr": frozenset("""afin ainsi alors après aussi autre autres avant avec avoir cela celle
        celui cette ceux chaque choisissez comme comment dans depuis donc elle elles entre
        être fait faut leur leurs lors mais même moins nous parce pendant peut plus pour
        pourquoi quand quel quelle quelles quels sans selon sont sous suivant toute toutes
        tous très vers votre vous réponse réponses correcte""".split()),
}

#: words that tie a clause to a reason, a time or a condition: item writers tend to
#: justify distractors ("…, omdat…") or to delay them ("pas later", "eerst zelf")
CONNECTIVES: dict[str, frozenset[str]] = {
    "en": frozenset("""because so since as unless until after before while although but
        then therefore later first yourself himself herself themselves immediately without
        meanwhile instead otherwise whether""".split()),
    "nl": frozenset("""omdat zodat want doordat daardoor daarom dus als indien tenzij zodra
        nadat voordat terwijl hoewel maar pas later eerst zelf voortaan alvast meteen
        onmiddellijk eventueel eventuele zonder tot intussen anders""".split()),
    "fr": frozenset("""parce puisque afin car donc sans avant après pendant alors mais ensuite
        immédiatement lorsque quand tant sinon plutôt""".split()),
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of a text, case and accents folded."""
    return _WORD.findall(_fold(text))


def _content_words(text: str, language: str) -> set[str]:
    stop = _STOP.get(language, _STOP["en"])
    return {w for w in words(text) if len(w) >= 4 and w not in stop}


def _same_word(a: str, b: str) -> bool:
    """Two word forms of one word: equal, or one a prefix of the other of at least four
    letters (tolk/tolken, interview/interviewer): a crude stemmer that needs no language."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3


def _shared(stem_words: set[str], option_words: set[str]) -> set[str]:
    return {s for s in stem_words if any(_same_word(s, w) for w in option_words)}


def _absolutes(text: str, language: str) -> set[str]:
    found = set(words(text)) & {_fold(w) for w in ABSOLUTES.get(language, ABSOLUTES["en"])}
    return found


@dataclass(frozen=True)
class CueOption:
    id: str
    text: str
    credit: float  # 1.0 for a key, 0.0 for a distractor; a dilemma's weight / 100


@dataclass(frozen=True)
class CueItem:
    """A choice-like item as the cue check reads it."""

    uid: str
    stem: str
    language: str
    options: tuple[CueOption, ...]
    multiple: bool = False
    shuffled: bool = True

    @property
    def keys(self) -> list[CueOption]:
        best = max(o.credit for o in self.options)
        if self.multiple:
            return [o for o in self.options if o.credit > 0]
        return [o for o in self.options if o.credit == best]

    @property
    def distractors(self) -> list[CueOption]:
        keys = {o.id for o in self.keys}
        return [o for o in self.options if o.id not in keys]


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str = ""  # what was found, in the item's own words

    @property
    def title(self) -> str:
        return FLAGS[self.code][0]

    @property
    def explanation(self) -> str:
        return FLAGS[self.code][1]


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def item_flags(item: CueItem) -> list[Flag]:
    """The cue flags of one choice-like item."""
    flags: list[Flag] = []
    keys, distractors = item.keys, item.distractors
    if not keys or not distractors:
        return flags
    if min(_length(k.text) for k in keys) > max(_length(d.text) for d in distractors):
        flags.append(Flag("longest_key", f"{_length(keys[0].text)} characters against at "
                                         f"most {max(_length(d.text) for d in distractors)}"))
    folded = [(o, " ".join(words(o.text))) for o in item.options]
    for (a, ta), (b, tb) in itertools.combinations(folded, 2):
        if ta and tb and (ta == tb or f" {ta} " in f" {tb} " or f" {tb} " in f" {ta} "):
            flags.append(Flag("repeated_options", f"“{a.text[:60]}” / “{b.text[:60]}”"))
            break
    for option in item.options:
        if _ALL_OR_NONE.search(option.text):
            flags.append(Flag("all_or_none", f"“{option.text[:80]}”"))
            break
    in_keys = set().union(*(_absolutes(k.text, item.language) for k in keys))
    in_distractors = set().union(*(_absolutes(d.text, item.language) for d in distractors))
    if in_distractors and not in_keys:
        flags.append(Flag("absolutes_in_distractors", ", ".join(sorted(in_distractors))))
    stem = _content_words(item.stem, item.language)
    key_shared = set().union(*(_shared(stem, _content_words(k.text, item.language))
                               for k in keys))
    distractor_shared = [_shared(stem, _content_words(d.text, item.language))
                         for d in distractors]
    only_key = key_shared - set().union(*distractor_shared)
    if only_key and len(key_shared) > max(len(s) for s in distractor_shared):
        flags.append(Flag("stem_words_in_key", ", ".join(sorted(only_key))))
    return flags


@dataclass
class PositionReport:
    """Where the keys of single-key items sit in the authored order."""

    items: int = 0
    observed: dict[int, int] = field(default_factory=dict)  # position (1-based) -> keys
    expected: dict[int, float] = field(default_factory=dict)  # under an even spread

    @property
    def skewed(self) -> bool:
        """A position holds 15 points more of the keys than an even spread gives it (and
        there are enough items to tell)."""
        if self.items < 8:
            return False
        return any(abs(self.observed.get(p, 0) - e) / self.items > 0.15
                   for p, e in self.expected.items())

    def describe(self) -> str:
        return ", ".join(f"position {p}: {self.observed.get(p, 0)} of {self.items} "
                         f"(even: {e:.0f})" for p, e in sorted(self.expected.items()))


def key_positions(items: Iterable[CueItem]) -> PositionReport:
    report = PositionReport()
    for item in items:
        keys = item.keys
        if item.multiple or len(keys) != 1:
            continue
        report.items += 1
        n = len(item.options)
        position = next(i for i, o in enumerate(item.options, start=1) if o.id == keys[0].id)
        report.observed[position] = report.observed.get(position, 0) + 1
        for p in range(1, n + 1):
            report.expected[p] = report.expected.get(p, 0.0) + 1 / n
    return report


# -- strategies ----------------------------------------------------------------------------
# A strategy gives every option a preference; a single-answer learner takes the most
# preferred option (ties shared evenly), a multiple-answer learner every option preferred
# above the item's average. ``context`` carries what a strategy learns from the bank.

Preference = Callable[[CueItem, dict], list[float] | None]


def _longest(item: CueItem, _context: dict) -> list[float]:
    return [float(_length(o.text)) for o in item.options]


def _shortest(item: CueItem, _context: dict) -> list[float]:
    # Authors who know the longest-option rule may overcorrect: the key becomes the shortest.
    return [-float(_length(o.text)) for o in item.options]


def _stem(item: CueItem, _context: dict) -> list[float]:
    stem = _content_words(item.stem, item.language)
    return [float(len(_shared(stem, _content_words(o.text, item.language))))
            for o in item.options]


def _unlike_stem(item: CueItem, context: dict) -> list[float]:
    # The overcorrection of the stem cue: keys kept apart from the question's wording.
    return [-p for p in _stem(item, context)]


def _absolute(item: CueItem, _context: dict) -> list[float]:
    # The overcorrection of the absolutes cue: absolute words kept for the key.
    return [1.0 if _absolutes(o.text, item.language) else 0.0 for o in item.options]


def _absolute_free(item: CueItem, _context: dict) -> list[float]:
    prefs = []
    for option in item.options:
        if _ALL_OR_NONE.search(option.text) and not re.search(
                r"\b(none|geen|aucune|neither)\b", option.text, re.IGNORECASE):
            prefs.append(2.0)  # "all of the above" is so often right
        elif _absolutes(option.text, item.language) or _ALL_OR_NONE.search(option.text):
            prefs.append(0.0)
        else:
            prefs.append(1.0)
    return prefs


def _style(item: CueItem, context: dict) -> list[float] | None:
    model = context.get("style_model")
    return model.preferences(item) if model is not None else None


def _position(item: CueItem, context: dict) -> list[float] | None:
    if item.shuffled:
        return None  # the learner sees a new order every attempt: position tells nothing
    favourite = context.get("favourite_position", 1)
    return [1.0 if i == favourite else 0.0 for i in range(1, len(item.options) + 1)]


PREFERENCES: dict[str, Preference] = {
    "longest": _longest, "shortest": _shortest, "stem": _stem, "unlike_stem": _unlike_stem,
    "absolutes": _absolute_free, "absolute": _absolute, "position": _position,
    "style": _style,
}


# -- a learner who studied the bank's style ------------------------------------------------

def _ranks(values: list[float], prefix: str) -> list[str]:
    top, bottom = max(values), min(values)
    if top == bottom:
        return [f"{prefix}=all"] * len(values)
    return [f"{prefix}=top" if v == top else f"{prefix}=bottom" if v == bottom
            else f"{prefix}=middle" for v in values]


def _style_words(language: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in _STOP.get(language, _STOP["en"])
                     | ABSOLUTES.get(language, ABSOLUTES["en"])
                     | CONNECTIVES.get(language, CONNECTIVES["en"]))


def option_features(item: CueItem) -> list[set[str]]:
    """What a test-wise reader notices of each option without knowing the subject: its
    function words (connectives, absolutes, negations, pronouns: words of three letters or
    fewer and the stop, absolute and connective lists, never the subject's own vocabulary),
    its comma count, whether it is the longest or shortest, whether it echoes the stem most
    or least, and whether it shares most words with the other options."""
    texts = [o.text for o in item.options]
    stem = _content_words(item.stem, item.language)
    style = _style_words(item.language)
    own = [set(words(t)) for t in texts]
    function = [{w for w in ws if len(w) <= 3 or w in style} for ws in own]
    content = [_content_words(t, item.language) for t in texts]
    lengths = _ranks([float(_length(t)) for t in texts], "length")
    echoes = _ranks([float(len(_shared(stem, c))) for c in content], "stem")
    shared = _ranks([float(sum(len(own[i] & own[j]) for j in range(len(own)) if j != i))
                     for i in range(len(own))], "shared")
    return [{f"w:{w}" for w in function[i]} | {lengths[i], echoes[i], shared[i],
                                               f"commas={min(texts[i].count(','), 2)}"}
            for i in range(len(texts))]


class StyleModel:
    """Naive Bayes over option features, trained on keys and distractors of other items:
    what a learner who has read the (public) bank could learn of how its authors write keys.
    ``preferences`` gives each option's log-odds of being a key."""

    def __init__(self, items: Iterable[CueItem]):
        self.key_counts: dict[str, int] = {}
        self.other_counts: dict[str, int] = {}
        self.keys = self.others = 0
        for item in items:
            keys = {o.id for o in item.keys}
            for option, features in zip(item.options, option_features(item), strict=True):
                target = self.key_counts if option.id in keys else self.other_counts
                if option.id in keys:
                    self.keys += 1
                else:
                    self.others += 1
                for feature in features:
                    target[feature] = target.get(feature, 0) + 1

    @property
    def trained(self) -> bool:
        return self.keys >= 20 and self.others >= 20

    def preferences(self, item: CueItem) -> list[float] | None:
        if not self.trained:
            return None
        import math

        prefs = []
        for features in option_features(item):
            score = math.log(self.keys / self.others)
            for feature in features:
                score += math.log((self.key_counts.get(feature, 0) + 1) / (self.keys + 2))
                score -= math.log((self.other_counts.get(feature, 0) + 1) / (self.others + 2))
            prefs.append(round(score, 9))
        return prefs


def choices(item: CueItem, preferences: Sequence[float] | None) -> list[tuple[float, list[str]]]:
    """The answers a cue learner gives, each with its probability; a blind guess without
    preferences (every option, or every non-empty set of options, equally likely)."""
    ids = [o.id for o in item.options]
    if preferences is None or len(set(preferences)) == 1:
        if not item.multiple:
            return [(1 / len(ids), [i]) for i in ids]
        subsets = [list(c) for r in range(1, len(ids) + 1)
                   for c in itertools.combinations(ids, r)]
        if len(subsets) > 4096:  # many options: a fixed sample stands for all subsets
            rng = random.Random(len(ids))
            subsets = [s for s in (sorted(rng.sample(ids, rng.randint(1, len(ids))))
                                   for _ in range(2000))]
        return [(1 / len(subsets), s) for s in subsets]
    if not item.multiple:
        best = max(preferences)
        tied = [i for i, p in zip(ids, preferences, strict=True) if p == best]
        return [(1 / len(tied), [i]) for i in tied]
    mean = sum(preferences) / len(preferences)
    return [(1.0, [i for i, p in zip(ids, preferences, strict=True) if p > mean])]


@dataclass(frozen=True)
class ItemExpectation:
    """What a learner can expect on one item: possible points, blind guessing, each cue."""

    uid: str
    possible: float
    chance: float
    cues: dict[str, float]  # strategy -> expected points


def expectation(uid: str, item: CueItem | None, possible: float,
                score: Callable[[list[str]], float], guess: float,
                context: dict) -> ItemExpectation:
    """The expected points of each strategy on one item. ``score(ids)`` scores an answer
    choosing those options; ``guess`` is the expected points of a blind guess, used for
    items a strategy cannot read (and for items that are not choice-like)."""
    if item is None:
        return ItemExpectation(uid, possible, guess, {name: guess for name in PREFERENCES})
    chance = sum(p * score(ids) for p, ids in choices(item, None))
    cues = {}
    for name, preference in PREFERENCES.items():
        prefs = preference(item, context)
        cues[name] = chance if prefs is None else \
            sum(p * score(ids) for p, ids in choices(item, prefs))
    return ItemExpectation(uid, possible, chance, cues)


@dataclass
class CueScore:
    """An assessment's cue score: percentages over the forms it can draw."""

    forms: int
    chance: float
    strategies: dict[str, float]

    @property
    def best(self) -> tuple[str, float]:
        name = max(self.strategies, key=lambda s: (self.strategies[s], s))
        return name, self.strategies[name]

    @property
    def score(self) -> float:
        return self.best[1]


def form_score(forms: Sequence[Sequence[tuple[ItemExpectation, float | None]]]) -> CueScore:
    """Average over forms of (expected points / possible points), each form a list of
    (item expectation, points the form gives the item or None for its own)."""
    totals = {name: 0.0 for name in PREFERENCES}
    chance = 0.0
    counted = 0
    for form in forms:
        possible = sum(points if points is not None else e.possible for e, points in form)
        if not possible:
            continue
        counted += 1

        def share(value: float, e: ItemExpectation, points: float | None) -> float:
            return value * (points / e.possible) if points is not None and e.possible \
                else value

        chance += sum(share(e.chance, e, p) for e, p in form) / possible
        for name in totals:
            totals[name] += sum(share(e.cues[name], e, p) for e, p in form) / possible
    if not counted:
        return CueScore(0, 0.0, dict.fromkeys(totals, 0.0))
    return CueScore(counted, round(100 * chance / counted, 1),
                    {name: round(100 * total / counted, 1) for name, total in totals.items()})
