"""Annotation accuracy: gold accuracy, agreement, review coverage and overturn rate.

- Gold: results are graded against gold answers exactly as exams grade them
  (``review.services.grading.grade_result``: the review app's per-type similarity, over the labels
  the gold answer gives, a task's score the mean of its labels'): released records whose task has
  a gold answer, and the honeypot annotations of the release's annotators.
- Agreement: the consistency reports of the release's tasks (mean overall and per label).
- Review: read from each record's provenance (built from ``review.TaskOutcome``): a record is
  reviewed when any review stage decided on it; it is overturned when a reviewer rejected or fixed
  the annotators' result on the way to acceptance. The service passes each task's decision
  history from ``review.ReviewDecision`` (a rejection in an earlier round is not in the outcome).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from annotation.schema import Schema
from release.quality.common import Mean, num, rate
from review.services.grading import grade_result, graded_labels

OVERTURNING = ("reject", "fix")


class GoldTally:
    """Scores of results against gold answers; feed with :meth:`add`.

    Used twice: for released records whose task has a gold answer (projects without honeypots
    release their gold tasks like any other), and for the annotations the release's annotators
    submitted on honeypots (gold tasks that are never decided, so never released), where
    ``annotator`` gives each person's accuracy too.
    """

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.items = 0
        self.exact = 0
        self.scores: dict[str, Mean] = {name: Mean() for name in schema.labels}
        self.all = Mean()
        self.people: dict[int, Mean] = {}
        self.names: dict[int, str] = {}

    def add(self, gold: Any, result: Any, *, annotator: tuple[int, str] | None = None) -> None:
        if not isinstance(gold, dict) or not graded_labels(self.schema, gold):
            return
        graded = grade_result(self.schema, gold, result if isinstance(result, dict) else {})
        self.items += 1
        self.exact += all(score == 1.0 for score in graded.labels.values())
        self.all.add(graded.score)
        for name, score in graded.labels.items():
            self.scores[name].add(score)
        if annotator is not None:
            self.people.setdefault(annotator[0], Mean()).add(graded.score)
            self.names[annotator[0]] = annotator[1]

    def summary(self) -> dict:
        out = {
            "graded": self.items,
            "accuracy": self.all.value(),
            "exact_match_rate": rate(self.exact, self.items),
            "labels": {name: {"compared": m.count, "accuracy": m.value()}
                       for name, m in self.scores.items() if m.count},
        }
        if self.people:
            out["annotators"] = [
                {"annotator": {"id": uid, "username": self.names[uid]}, "answered": m.count, "accuracy": m.value()}
                for uid, m in sorted(self.people.items(), key=lambda item: self.names[item[0]])]
        return out


class AgreementTally:
    """Mean agreement over the consistency reports of a release's tasks; feed :meth:`add` with
    each record's report (a dict with ``overall_agreement``, ``agreement`` {label: float|None}
    and ``decision``), or None for a task that has none."""

    def __init__(self) -> None:
        self.records = 0
        self.reports = 0
        self.overall = Mean()
        self.per_label: dict[str, Mean] = {}
        self.decisions: Counter[str] = Counter()

    def add(self, report: Mapping[str, Any] | None) -> None:
        self.records += 1
        if report is None:
            return
        self.reports += 1
        if report.get("overall_agreement") is not None:
            self.overall.add(report["overall_agreement"])
        for label, value in (report.get("agreement") or {}).items():
            if value is not None:
                self.per_label.setdefault(label, Mean()).add(value)
        self.decisions[str(report.get("decision"))] += 1

    def summary(self) -> dict:
        return {
            "reports": self.reports,
            "coverage": rate(self.reports, self.records),
            "with_overlap": self.overall.count,
            "mean_agreement": self.overall.value(),
            "labels": {label: m.value() for label, m in self.per_label.items()},
            "auto_accepted": self.decisions.get("accepted", 0),
            "sent_to_review": self.decisions.get("review", 0),
        }


class ReviewTally:
    """Review coverage and overturn rate from record provenance; feed with :meth:`add`."""

    def __init__(self) -> None:
        self.records = 0
        self.reviewed = 0
        self.overturned = 0
        self.sources: Counter[str] = Counter()
        self.decisions: Counter[str] = Counter()
        self.levels: Counter[str] = Counter()
        self.cot_steps: Counter[str] = Counter()
        self.cot_answers: Counter[str] = Counter()

    def _count_cot(self, verdicts: Any) -> None:
        # A chain-of-thought reviewer's verdicts: {label: {"steps": [{"verdict"}], "answer": {"verdict"}}}.
        for label in (verdicts or {}).values() if isinstance(verdicts, dict) else ():
            if not isinstance(label, dict):
                continue
            self.cot_steps.update(str(step.get("verdict")) for step in label.get("steps") or []
                                  if isinstance(step, dict))
            if isinstance(label.get("answer"), dict):
                self.cot_answers[str(label["answer"].get("verdict"))] += 1

    def add(self, provenance: Any, decisions: list[str] | None = None) -> None:
        """One record. ``decisions`` is the task's whole decision history (``ReviewDecision``
        rows, earlier rounds included); without it the provenance's reviews are read."""
        self.records += 1
        provenance = provenance if isinstance(provenance, dict) else {}
        self.sources[str(provenance.get("source") or "unknown")] += 1
        self._count_cot(provenance.get("cot_verdicts"))
        reviews = [r for r in provenance.get("reviews") or [] if isinstance(r, dict)]
        if decisions is None:
            decisions = [str(r.get("decision")) for r in reviews]
        if not decisions:
            return
        self.reviewed += 1
        self.decisions.update(decisions)
        self.levels.update(str(r.get("level")) for r in reviews if r.get("level") is not None)
        self.overturned += any(d in OVERTURNING for d in decisions) or provenance.get("source") == "fix"

    def summary(self) -> dict:
        return {
            "reviewed": self.reviewed,
            "coverage": rate(self.reviewed, self.records),
            "overturned": self.overturned,
            "overturn_rate": rate(self.overturned, self.reviewed),
            "sources": dict(sorted(self.sources.items())),
            "decisions": dict(sorted(self.decisions.items())),
            "reviewer_levels": dict(sorted(self.levels.items())),
            "cot_verdicts": {"steps": dict(sorted(self.cot_steps.items())),
                             "answers": dict(sorted(self.cot_answers.items())),
                             "steps_correct_rate": rate(self.cot_steps["correct"], sum(self.cot_steps.values()))},
        }


def accuracy_summary(gold: dict, honeypots: dict, agreement: dict, review: dict) -> str:
    parts = []
    if gold["accuracy"] is not None:
        parts.append(f"gold accuracy {gold['accuracy']:.1%} on {gold['graded']} released gold tasks")
    if honeypots["accuracy"] is not None:
        parts.append(f"{honeypots['accuracy']:.1%} on {honeypots['graded']} honeypot answers")
    if not parts:
        parts.append("no gold answers to grade against")
    if agreement["mean_agreement"] is not None:
        parts.append(f"mean agreement {agreement['mean_agreement']:.1%}")
    if review["coverage"] is not None:
        parts.append(f"{review['coverage']:.1%} reviewed, {num(review['overturn_rate'] or 0.0):.1%} of those overturned")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
