"""Integrity of items and assessments: the cue check, and what an assessment must be to count
toward a certificate.

An assessment that counts toward a certification scheme must be safe by construction:
limited attempts; no answer key before the learner's last attempt or the close; no fixed form
repeated over several attempts (a blueprint that can draw a parallel form instead); and a
cue score, the expected score of a learner who uses test-taking cues alone
(engine.domain.cues), at least ``CUE_MARGIN`` points below the pass mark. ``evaluate`` works
on plain data (an assessment in the module-file shape, item dicts, blueprint candidates), so
the bank check on disk, the settings page and the scheme editor use the same rules.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import cues
from engine.domain.blueprints import Candidate, assemble
from engine.domain.questiontypes import call
from engine.domain.text import N_, Message
from engine.domain.variants import localized
from engine.models import Assessment, Item, ItemVersion, Scheme
from engine.services import blueprints

#: a certificate assessment's cue score stays at least this many points below its pass mark
CUE_MARGIN = 20
#: forms drawn to estimate a blueprint assessment's cue score
CUE_FORMS = 60
#: blind guesses per item that is not choice-like, to estimate chance
GUESSES = 40
#: feedback policies that show keys only once a learner cannot try again
SAFE_FEEDBACK = ("after_attempts", "after_close", "never")


@dataclass
class AssessmentIntegrity:
    """The cue score of an assessment per language and why it may not count toward a
    certificate (``problems``; empty when it may)."""

    pass_mark: int
    cue: dict[str, cues.CueScore] = field(default_factory=dict)
    problems: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)  # worth knowing; no refusal

    @property
    def worst(self) -> tuple[str, cues.CueScore] | None:
        if not self.cue:
            return None
        language = max(self.cue, key=lambda lang: (self.cue[lang].score, lang))
        return language, self.cue[language]

    @property
    def certifiable(self) -> bool:
        return not self.problems


# -- items ---------------------------------------------------------------------------------

def item_languages(item: Mapping) -> list[str]:
    return [item.get("language") or "nl", *sorted(item.get("translations") or {})]


def _texts(item: Mapping, language: str) -> dict:
    base = {"title": item.get("title", ""), "stem": item.get("stem", ""),
            "feedback": item.get("feedback", ""), "payload": item["payload"]}
    if language == (item.get("language") or "nl"):
        return base
    return localized(base, item.get("translations"), language)


def cue_item(item: Mapping, qtype, language: str) -> cues.CueItem | None:
    """The item as the cue check reads it, in ``language``; None when it is not choice-like."""
    texts = _texts(item, language)
    spec = call(qtype.cue_options, texts["payload"])
    if not spec:
        return None
    return cues.CueItem(
        uid=item["id"], stem=texts["stem"], language=language,
        options=tuple(cues.CueOption(o["id"], o["text"], float(o["credit"]))
                      for o in spec["options"]),
        multiple=bool(spec.get("multiple")), shuffled=bool(spec.get("shuffled", True)))


def item_flags(item: Mapping, question_types) -> dict[str, list[cues.Flag]]:
    """The cue flags of an item per language (only languages with flags)."""
    if item.get("type") not in question_types:
        return {}
    qtype = question_types.get(item["type"])
    found = {}
    for language in item_languages(item):
        try:
            read = cue_item(item, qtype, language)
        except (KeyError, TypeError, ValueError):
            continue  # an invalid payload has its own errors
        flags = cues.item_flags(read) if read else []
        if flags:
            found[language] = flags
    return found


def grouped_flags(flags: Mapping[str, list[cues.Flag]]) -> list[dict]:
    """Flags of an item by flaw, each with the languages it was found in and what was found:
    ``[{"code", "title", "explanation", "found": [(language, detail)]}]``."""
    grouped: dict[str, dict] = {}
    for language, found in flags.items():
        for flag in found:
            entry = grouped.setdefault(flag.code, {"code": flag.code, "title": flag.title,
                                                   "explanation": flag.explanation,
                                                   "found": []})
            entry["found"].append((language, flag.detail))
    return list(grouped.values())


def position_report(items: Iterable[Mapping], question_types) -> cues.PositionReport:
    """Where the keys sit across a bank, in the authored order (original language)."""
    read = []
    for item in items:
        if item.get("type") in question_types:
            qtype = question_types.get(item["type"])
            found = cue_item(item, qtype, item.get("language") or "nl")
            if found:
                read.append(found)
    return cues.key_positions(read)


def expectation(item: Mapping, qtype, language: str, context: dict) -> cues.ItemExpectation:
    """What blind guessing and each cue strategy expect to score on one item."""
    payload = _texts(item, language)["payload"]
    outcomes = list(item.get("outcomes") or [])
    possible = call(qtype.score, payload, None, outcomes, grades=None).possible

    def earned(response: dict | None) -> float:
        if response is None:
            return 0.0
        return call(qtype.score, payload, response, outcomes, grades=None).earned

    read = cue_item(item, qtype, language)
    guess = 0.0
    if read is None:
        rng = random.Random(f"{item['id']}|{language}")
        guess = sum(earned(call(qtype.random_response, payload, rng))
                    for _ in range(GUESSES)) / GUESSES
    return cues.expectation(
        item["id"], read, possible,
        lambda ids: earned(call(qtype.response_for, payload, list(ids))), guess, context)


# -- forms ---------------------------------------------------------------------------------

def forms(spec: Mapping, candidates: list[Candidate], count: int = CUE_FORMS
          ) -> list[list[tuple[str, float | None]]]:
    """The forms an assessment draws: its fixed items, or ``count`` blueprint draws as
    successive attempts would make them (exposure spreading); each (uid, points or None)."""
    if not spec.get("blueprint"):
        return [[(uid, None) for uid in spec.get("items") or []]]
    rows = blueprints.rows_of(spec["blueprint"])
    drawn, exposure = [], {}
    for seed in range(count):
        try:
            assembly = assemble(rows, candidates, seed=seed, exposure=exposure)
        except ValueError:
            return drawn
        for uid in assembly.uids:
            exposure[uid] = exposure.get(uid, 0) + 1
        drawn.append([(uid, rows[r].points) for uid, r in zip(assembly.uids, assembly.rows,
                                                                strict=True)])
    return drawn


def repeated_in_second_form(spec: Mapping, candidates: list[Candidate]) -> tuple[int, int]:
    """(items a learner's second attempt repeats from the first, form length)."""
    rows = blueprints.rows_of(spec["blueprint"])
    try:
        first = assemble(rows, candidates, seed=1)
        second = assemble(rows, candidates, seed=2, seen=first.uids)
    except ValueError:
        return 0, 0
    return len(set(first.uids) & set(second.uids)), len(first.uids)


def style_model(items: Mapping[str, Mapping], question_types, language: str,
                leave_out: set[str]) -> cues.StyleModel:
    """A model of how the bank's authors write keys, trained on every choice-like item in
    ``language`` except those in ``leave_out`` (the assessment's own items): what a learner
    who studied the public bank could bring to a test it has not seen."""
    read = []
    for uid, item in items.items():
        if uid in leave_out or item.get("type") not in question_types:
            continue
        if language not in item_languages(item):
            continue
        found = cue_item(item, question_types.get(item["type"]), language)
        if found is not None and found.keys and found.distractors:
            read.append(found)
    return cues.StyleModel(read)


def cue_scores(spec: Mapping, items: Mapping[str, Mapping], candidates: list[Candidate],
               question_types) -> dict[str, cues.CueScore]:
    """The cue score of an assessment per language its items are written in. ``items``
    should hold the whole bank: the style strategy learns from the items the assessment
    cannot draw."""
    drawn = forms(spec, candidates)
    uids = {uid for form in drawn for uid, _points in form}
    pool = [items[uid] for uid in uids if uid in items]
    languages = sorted({lang for item in pool for lang in item_languages(item)})
    scores = {}
    for language in languages:
        read = [cue_item(item, question_types.get(item["type"]), language) for item in pool
                if item["type"] in question_types]
        report = cues.key_positions([r for r in read if r is not None])
        favourite = max(report.observed, key=lambda p: (report.observed[p], -p), default=1)
        context = {"favourite_position": favourite,
                   "style_model": style_model(items, question_types, language,
                                              pool_uids(spec, candidates))}
        expected = {uid: expectation(items[uid], question_types.get(items[uid]["type"]),
                                     language, context)
                    for uid in uids if uid in items and items[uid]["type"] in question_types}
        scores[language] = cues.form_score(
            [[(expected[uid], points) for uid, points in form if uid in expected]
             for form in drawn])
    return scores


# -- certification pools -------------------------------------------------------------------
# An item that a certification assessment may draw is kept for certification: no other
# assessment draws it or lists it, so no practice test or module test shows its key.

def pool_uids(spec: Mapping, candidates: list[Candidate]) -> set[str]:
    return pool(spec, candidates)


def pool(spec: Mapping, candidates: list[Candidate]) -> set[str]:
    """Every item an assessment may put in a form."""
    if not spec.get("blueprint"):
        return set(spec.get("items") or [])
    from engine.domain.blueprints import eligible

    rows = blueprints.rows_of(spec["blueprint"])
    return {c.uid for c in candidates if any(eligible(row, c) for row in rows)}


def secured(counting: Iterable[Mapping], candidates: list[Candidate]) -> dict[str, str]:
    """Items kept for certification: uid -> the certification assessment that may draw it."""
    kept: dict[str, str] = {}
    for spec in counting:
        for uid in sorted(pool(spec, candidates)):
            kept.setdefault(uid, spec["id"])
    return kept


def counting_assessments(session: Session) -> list[Assessment]:
    """Assessments that count toward a certification scheme."""
    required = {uid for requires in session.scalars(select(Scheme.requires))
                for uid in (requires or {}).get("assessments") or []}
    return [a for a in session.scalars(select(Assessment))
            if a.scheme_uid or a.uid in required]


def secured_in_db(session: Session, candidates: list[Candidate] | None = None
                  ) -> dict[str, str]:
    candidates = candidates if candidates is not None else \
        blueprints.published_candidates(session)
    return secured([assessment_spec(a) for a in counting_assessments(session)], candidates)


def shared_with_certification(spec: Mapping, kept: Mapping[str, str]) -> list[Message]:
    """Why a fixed list may not show these items: they are kept for certification."""
    listed = [uid for uid in spec.get("items") or [] if uid in kept and kept[uid] != spec["id"]]
    if not listed:
        return []
    return [Message(N_(
        "Items kept for certification cannot appear in another assessment, where their keys "
        "could be shown: %(items)s (drawn by %(assessments)s)."),
        items=", ".join(listed), assessments=", ".join(sorted({kept[u] for u in listed})))]


# -- certification grade -------------------------------------------------------------------

def evaluate(spec: Mapping, items: Mapping[str, Mapping], candidates: list[Candidate],
             question_types) -> AssessmentIntegrity:
    """The cue score of an assessment (module-file shape: items or blueprint, attempts,
    feedback, pass_mark) and every reason it may not count toward a certificate."""
    report = AssessmentIntegrity(pass_mark=int(spec.get("pass_mark") or 0))
    attempts, feedback = spec.get("attempts"), spec.get("feedback") or "after_submission"
    if spec.get("practice"):
        report.problems.append(Message(N_(
            "It is a practice assessment: practice is for learning, not for the record.")))
    if attempts is None:
        report.problems.append(Message(N_(
            "It allows unlimited attempts: a learner can try until the items are known. "
            "Limit the attempts.")))
    if feedback not in SAFE_FEEDBACK:
        report.problems.append(Message(N_(
            "It shows the answer keys before the learner's attempts are used up or the "
            "assessment closes (feedback “%(policy)s”): a learner who fails reads the key and "
            "passes the next time. Show keys after the last attempt, after closing, or "
            "never."), policy=feedback))
    if not spec.get("blueprint") and (attempts is None or attempts > 1):
        report.problems.append(Message(N_(
            "It has a fixed list of items and allows more than one attempt: every attempt is "
            "the same test. Draw the items from a blueprint, or allow one attempt.")))
    if spec.get("blueprint") and (attempts is None or attempts > 1):
        repeated, length = repeated_in_second_form(spec, candidates)
        if length and repeated * 2 > length:
            report.problems.append(Message(N_(
                "Its blueprint cannot draw a parallel form: a second attempt repeats "
                "%(repeated)d of its %(length)d items. Add published items to its rows or "
                "allow one attempt."), repeated=repeated, length=length))
    report.cue = cue_scores(spec, items, candidates, question_types)
    drawn = pool(spec, candidates)
    public = sorted(uid for uid in drawn if (items.get(uid) or {}).get("origin"))
    if public:
        report.warnings.append(Message(N_(
            "%(public)d of the %(total)d items it may draw come from the item bank's files: "
            "wherever those files are published (a public repository), anyone can read their "
            "keys. Keep certification items private: write them in the app or import them "
            "from a file you do not publish."), public=len(public), total=len(drawn)))
    worst = report.worst
    if worst and worst[1].score + CUE_MARGIN > report.pass_mark:
        language, score = worst
        strategy = score.best[0]
        report.problems.append(Message(N_(
            "Its cue score, %(score).0f %% in %(language)s (“%(strategy)s”), comes within "
            "%(margin)d points of its pass mark of %(pass_mark)d %%: cues alone bring a "
            "learner close to passing. Rewrite the flagged items."),
            score=score.score, language=language, strategy=cues.STRATEGIES[strategy],
            margin=CUE_MARGIN, pass_mark=report.pass_mark))
    return report


# -- against the database ------------------------------------------------------------------

def version_item(uid: str, version: ItemVersion, origin: str | None = None) -> dict:
    """An item version as the checks read it (the bank-file shape with its id, and the bank
    file it came from, if any)."""
    return {"id": uid, **version.content(), "origin": origin}


def published_items(session: Session, uids: Iterable[str] | None = None) -> dict[str, dict]:
    """The current published version of items (all, or those of ``uids``)."""
    query = (select(Item.uid, ItemVersion, Item.origin)
             .join(ItemVersion, Item.current_version_id == ItemVersion.id)
             .where(Item.status == "published"))
    if uids is not None:
        query = query.where(Item.uid.in_(list(uids)))
    return {uid: version_item(uid, version, origin if version.author_id is None else None)
            for uid, version, origin in session.execute(query)}


def assessment_spec(assessment: Assessment) -> dict:
    from engine.services.modules_admin import assessment_spec as spec_of

    return spec_of(assessment)


def evaluate_spec(session: Session, question_types, spec: Mapping) -> AssessmentIntegrity:
    """``evaluate`` against the published bank in the database."""
    candidates = blueprints.published_candidates(session)
    return evaluate(spec, published_items(session), candidates, question_types)


def counts_toward(session: Session, assessment_uid: str) -> list[str]:
    """The schemes an assessment counts toward (it names them, or they require it)."""
    return _counts_toward(session, assessment_uid)


def _counts_toward(session: Session, assessment_uid: str) -> list[str]:
    schemes = []
    own = session.scalar(select(Assessment.scheme_uid).where(Assessment.uid == assessment_uid))
    if own:
        schemes.append(own)
    for uid, requires in session.execute(select(Scheme.uid, Scheme.requires)):
        if assessment_uid in ((requires or {}).get("assessments") or []) and uid not in schemes:
            schemes.append(uid)
    return schemes


# -- the bank on disk ----------------------------------------------------------------------

def bank_cue_report(bank, question_types) -> list[str]:
    """The cue check of a bank read from disk, as lines for the command line: every flagged
    item with what was found, the share of single-answer items whose key is the longest
    option, where the keys sit, and every assessment's cue score against chance."""
    from engine.services.bank_files import load_outcome_index

    lines = ["Cue check (item-writing flaws a test-wise learner can use; docs/integrity.md):"]
    flagged = 0
    longest: dict[str, list[int]] = {}
    for item in bank.items:
        flags = item_flags(item, question_types)
        if flags:
            flagged += 1
        for language, found in flags.items():
            for flag in found:
                lines.append(f"  {item.get('origin', '?')}: {item['id']} [{language}]: "
                             f"{flag.title}: {flag.detail}")
        if item["type"] not in question_types:
            continue
        qtype = question_types.get(item["type"])
        for language in item_languages(item):
            read = cue_item(item, qtype, language)
            if read is None or read.multiple or len(read.keys) != 1:
                continue
            counts = longest.setdefault(language, [0, 0])
            counts[1] += 1
            counts[0] += any(f.code == "longest_key" for f in cues.item_flags(read))
    readable = sum(1 for item in bank.items if item["type"] in question_types and cue_item(
        item, question_types.get(item["type"]), item.get("language") or "nl"))
    lines.append(f"  {flagged} of {readable} choice-like items flagged.")
    for language, (hits, total) in sorted(longest.items()):
        lines.append(f"  The key is the longest option in {hits} of {total} single-answer "
                     f"items in {language} ({100 * hits / total:.0f} %).")
    report = position_report(bank.items, question_types)
    verdict = "skewed: " + FLAGS_TEXT["key_position"] if report.skewed else "even"
    lines.append(f"  Key positions ({verdict}): {report.describe()}.")
    candidates = blueprints.candidates(bank.items, load_outcome_index(bank.root))
    items = {item["id"]: item for item in bank.items}
    required = {uid for scheme in bank.schemes
                for uid in scheme["requires"].get("assessments", [])}
    lines.append("Cue scores (expected score by cues alone, against blind guessing):")
    for module in bank.modules:
        for spec in module["assessments"]:
            scores = cue_scores(spec, items, candidates, question_types)
            shown = "; ".join(f"{lang} {score.score:.0f} % ({_best_name(score)}), chance "
                              f"{score.chance:.0f} %" for lang, score in scores.items())
            lines.append(f"  {spec['id']}: {shown}; pass mark {spec['pass_mark']} %")
            if spec.get("scheme") or spec["id"] in required:
                for warning in evaluate(spec, items, candidates, question_types).warnings:
                    lines.append(f"    warning: {warning}")
    return lines


def _best_name(score: cues.CueScore) -> str:
    return score.best[0] if score.score > score.chance + 0.5 else "no cue beats chance"


FLAGS_TEXT = {code: title for code, (title, _explanation) in cues.FLAGS.items()}
