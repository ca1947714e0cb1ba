"""Built-in plugin: GIFT, Moodle's plain-text question format.

Reads multichoice (one or several answers, with ``%weights%``), true/false, short answer,
numerical (``{#answer:tolerance}``, ``{#low..high}``) and matching questions into bank items;
essays (``{}``) and descriptions (no answer block) are reported as skipped by name, and a
question that cannot be read (an answer block never closed, say) as a problem naming it and
its line, without stopping the rest. Writes the same five engine types back as GIFT that
Moodle imports: texts as ``[markdown]``, the id as ``// [id:...]``, outcomes and the EQF level
as ``// [tag:...]``. The shared Moodle rules live in ``plugins.moodle_xml.model``.
"""

from __future__ import annotations

import re

from engine.domain.exchange import ExchangeFormat, ImportDefaults, ReadResult, Skipped, WriteResult
from engine.hookspecs import hookimpl
from plugins.moodle_xml.model import MAX_BYTES, ItemBuilder, MoodleQuestion, fmt, from_item

from .parser import parse

FILENAME = "items.gift"
#: what a GIFT file has and other text files rarely do
_LOOKS_LIKE_GIFT = re.compile(
    r"^\s*::[^\n]*::|^\s*\$CATEGORY:|\{\s*(?:[=~#]|T\b|F\b|TRUE\b|FALSE\b)", re.MULTILINE)


class GiftFormat(ExchangeFormat):
    name = "gift"
    label = "GIFT (Moodle)"
    extensions = (".gift", ".txt")
    media_type = "text/plain; charset=utf-8"

    def sniff(self, data: bytes, filename: str) -> bool:
        lower = filename.lower()
        if lower.endswith(".gift"):
            return True
        # Any text file may end in .txt: only claim those that look like GIFT.
        return lower.endswith(".txt") and bool(
            _LOOKS_LIKE_GIFT.search(data[:4096].decode("utf-8", "ignore")))

    def read(self, data: bytes, *, filename: str, defaults: ImportDefaults) -> ReadResult:
        builder = ItemBuilder(filename, defaults, prefix="gift")
        if builder.too_large(data, MAX_BYTES):
            return builder.result
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            builder.problem("The file is not UTF-8 text; save it as UTF-8 (as Moodle expects).",
                            line=data[:exc.start].count(b"\n") + 1)
            return builder.result
        parse(text, builder)
        return builder.result

    def write(self, items: list[dict]) -> WriteResult:
        questions, skipped = [], []
        for item in items:
            question, reason = from_item(item)
            if question is None:
                skipped.append(Skipped(FILENAME, item.get("id") or item.get("title") or "?",
                                       item.get("type") or "?", reason))
            else:
                questions.append(_gift(question))
        return WriteResult(("\n\n".join(questions) + "\n").encode(), FILENAME, skipped)


def escape(text: str) -> str:
    """Text with GIFT's special characters escaped, on one line."""
    text = (text or "").replace("\r\n", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _gift(q: MoodleQuestion) -> str:
    lines = [f"// [id:{q.idnumber}]"] if q.idnumber else []
    if q.tags:
        lines.append("// " + " ".join(f"[tag:{tag.replace(']', chr(92) + ']')}]"
                                      for tag in q.tags))
    # The text format applies to everything in the question: one [markdown] is enough.
    lines.append(f"::{escape(q.name)}::[markdown]{escape(q.text)}{{")
    if q.qtype == "multichoice":
        for answer in q.answers:
            if q.single:
                marker = "=" if answer.fraction >= 100 else "~"
            else:
                marker = f"~%{fmt(answer.fraction)}%" if answer.fraction else "~"
            lines.append(f"\t{marker}{escape(answer.text)}{_feedback(answer.feedback)}")
    elif q.qtype == "truefalse":
        right, wrong = ((q.feedback_true, q.feedback_false) if q.truth
                        else (q.feedback_false, q.feedback_true))
        feedback = f"#{escape(wrong)}#{escape(right)}" if right else _feedback(wrong)
        lines.append(f"\t{'TRUE' if q.truth else 'FALSE'}{feedback}")
    elif q.qtype == "shortanswer":
        for answer in q.answers:
            lines.append(f"\t=%{fmt(answer.fraction)}%{escape(answer.text)}"
                         f"{_feedback(answer.feedback)}")
    elif q.qtype == "numerical":
        lines[-1] += "#"
        for answer in q.answers:
            lines.append(f"\t={answer.text}:{answer.tolerance}{_feedback(answer.feedback)}")
    elif q.qtype == "matching":
        for premise, response in q.pairs:
            lines.append(f"\t={escape(premise)} -> {escape(response)}")
    if q.general_feedback:
        lines.append(f"\t####{escape(q.general_feedback)}")
    lines.append("}")
    return "\n".join(lines)


@hookimpl
def register_exchange_formats():
    return [GiftFormat]
