"""Scores, per-outcome evidence and feedback: the values a question type returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Points earned towards one learning outcome."""

    earned: float
    possible: float


@dataclass(frozen=True)
class Score:
    """The result of scoring one response: points earned of points possible, per outcome too.

    ``pending`` marks a score that waits for a human grader; it then counts as 0 earned.
    """

    earned: float
    possible: float
    evidence: dict[str, Evidence] = field(default_factory=dict)
    pending: bool = False

    def __post_init__(self) -> None:
        if self.possible < 0 or not (0 <= self.earned <= self.possible + 1e-9):
            raise ValueError(f"score out of bounds: {self.earned} of {self.possible}")

    @classmethod
    def for_outcomes(cls, earned: float, possible: float, outcomes: list[str]) -> Score:
        """Credit every outcome the item is tagged to with the item's whole result.

        An item is evidence for each of its outcomes; splitting the points would make an
        outcome's mastery depend on how many other outcomes an item happens to carry.
        """
        # Round away float noise, then clamp: rounding must never lift a score above possible.
        earned = min(round(max(0.0, earned), 6), possible)
        evidence = {code: Evidence(earned, possible) for code in outcomes}
        return cls(earned=earned, possible=possible, evidence=evidence)


@dataclass(frozen=True)
class Feedback:
    """What a learner is told about a response once the feedback policy allows it."""

    correct: bool | None  # None: partly right, or not for the machine to say
    general: str = ""
    per_choice: dict[str, str] = field(default_factory=dict)  # choice id -> feedback
    solution: dict = field(default_factory=dict)  # type-specific: the correct answer


def add_evidence(total: dict[str, Evidence], more: dict[str, Evidence]) -> dict[str, Evidence]:
    """Sum two evidence maps outcome by outcome."""
    merged = dict(total)
    for code, ev in more.items():
        if code in merged:
            merged[code] = Evidence(merged[code].earned + ev.earned,
                                    merged[code].possible + ev.possible)
        else:
            merged[code] = ev
    return merged
