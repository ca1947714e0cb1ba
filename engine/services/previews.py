"""The preview of an item for its authors: the item exactly as a learner sees it, answered by
the trainer, then scored with its feedback (and, for parts a trainer grades, the total a
choice of rubric levels would give). Nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain import rubrics
from engine.domain.presentation import accept, present
from engine.domain.questiontypes import call
from engine.domain.tokens import ItemTokens
from engine.models import ItemVersion
from engine.services.results import row_for


@dataclass
class PreviewItem:
    """What the type's deliver template needs (the same fields as a delivered item)."""

    position: int
    version: ItemVersion
    view: dict
    answer: dict | None
    template: str
    title: str
    stem: str
    sequence: int = 0
    checked: dict | None = None


def preview_tokens(seed: int, secret: bytes) -> ItemTokens:
    """The tokens of a preview: the page carries its ``seed``, so tokens and option order
    stay the same while the trainer answers."""
    return ItemTokens(secret=secret, salt=f"preview:{seed}", position=0)


def deliverable(plugins, version: ItemVersion, seed: int, *, language: str | None,
                secret: bytes, answer: dict | None = None) -> PreviewItem:
    """The item as the learner's page shows it, with ``answer`` (author ids) given so far."""
    qtype = plugins.question_types.get(version.type)
    texts = version.localized(language)
    view, shown = present(qtype, texts["payload"], preview_tokens(seed, secret), answer)
    return PreviewItem(position=0, version=version, view=view, answer=shown,
                       template=qtype.templates["deliver"], title=texts["title"],
                       stem=texts["stem"])


def answer_from_form(plugins, version: ItemVersion, seed: int, fields: dict, *,
                     language: str | None, secret: bytes,
                     previous: dict | None = None) -> dict | None:
    """The trainer's answer from the deliver form's fields (``item-0...``), validated as a
    learner's would be; raises ItemValidationError naming what is wrong."""
    qtype = plugins.question_types.get(version.type)
    payload = version.localized(language)["payload"]
    raw = qtype.response_from_form(fields)
    if raw is None:
        return None
    return accept(qtype, raw, payload, preview_tokens(seed, secret), previous=previous)


def load_answer(plugins, version: ItemVersion, answer: dict | None, *,
                language: str | None) -> dict | None:
    """An answer carried along in the preview page, validated again."""
    if answer is None:
        return None
    qtype = plugins.question_types.get(version.type)
    return call(qtype.load_response, answer, version.localized(language)["payload"])


def scored(plugins, version: ItemVersion, answer: dict | None, *, language: str | None,
           grades: dict | None = None) -> dict:
    """The review row of the answer: score, feedback and solution; with ``grades`` (rubric
    levels the trainer tried) for the parts a trainer grades."""
    qtype = plugins.question_types.get(version.type)
    payload = version.localized(language)["payload"]
    if grades is not None:
        rubric = call(qtype.rubric, payload)
        grades = rubrics.check_grades(rubric, grades) if rubric else None
    score = call(qtype.score, payload, answer, list(version.outcomes), grades=grades)
    row = row_for(plugins, version, answer, 0, language=language, grades=grades,
                  earned=score.earned, possible=score.possible, pending=score.pending)
    row["evidence"] = score.evidence
    row["rubric"] = call(qtype.rubric, payload) if call(
        qtype.needs_human_grading, payload, answer) else None
    return row
