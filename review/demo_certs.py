"""The demo's certification levels and its qualification exam (receiver of ``demo_loaded``).

Safe to run twice, like the loader: a level is granted only when the person does not hold exactly
it already, gold answers are written only where a task has none, and the exam is built once.
"""
from __future__ import annotations

from annotation.models import Project, Task
from annotation.services.projects import project_update
from review.models import Certification, Exam, Level
from review.services.certification import active_certifications, certification_grant
from review.services.exams import exam_create

DOMAINS = ("news", "medicine", "general", "ecommerce", "autonomous-driving")
# username -> {domain: level}
LEVELS: dict[str, dict[str, int]] = {
    "expert": {d: Level.EXPERT for d in DOMAINS},
    "reviewer": {d: Level.SENIOR for d in DOMAINS},
    "annotator1": {d: Level.ANNOTATOR for d in DOMAINS},
    "annotator2": {d: Level.ANNOTATOR for d in DOMAINS},
    "annotator3": {"medicine": Level.TRAINEE},
}

REASONING_PROJECT = "计算推理 Step-by-step reasoning"
EXAM_NAME = "Medical reasoning qualification"
# Gold chains of thought for medical questions of the reasoning project, by the task's position in
# annotation.demo.content.COT_QUESTIONS (positions 0 and 4 already carry gold from the loader).
# docs/review.md lists these answers so a person can pass the exam in the demo.
MEDICAL_GOLD: dict[int, tuple[list[str], str]] = {
    2: (["每日最大剂量为 4 克", "每片 0.5 克：4 ÷ 0.5 = 8 片"], "8"),
    3: (["Rate = volume ÷ time", "500 mL ÷ 4 h = 125 mL per hour"], "125"),
    9: (["Dose = 10 mg/kg × body weight", "10 × 18 = 180 mg"], "180"),
    17: (["Tablets per day = 2 × 3 = 6", "For 7 days: 6 × 7 = 42 tablets"], "42"),
}
EXAM_POSITIONS = (0, 2, 3, 9, 17)  # medical questions only; 4 (compound interest) is finance


def _grant_levels(organization, users: dict, granted_by) -> None:
    held = {(c.user_id, c.domain): c.level for c in active_certifications().filter(organization=organization)}
    for username, levels in LEVELS.items():
        user = users.get(username)
        if user is None:
            continue
        for domain, level in levels.items():
            if held.get((user.pk, domain)) != level:
                certification_grant(organization=organization, user=user, domain=domain, level=level,
                                    granted_by=granted_by, granted_via=Certification.GrantedVia.MANUAL,
                                    reason="Demo data")


def _add_gold(project: Project) -> None:
    for position, (steps, answer) in MEDICAL_GOLD.items():
        Task.objects.filter(project=project, import_key=f"demo:{position}", gold__isnull=True).update(
            gold={"reasoning": {"steps": steps, "answer": answer}})


def _build_exam(project: Project, created_by) -> None:
    if Exam.objects.filter(project=project, name=EXAM_NAME).exists():
        return
    keys = [f"demo:{p}" for p in EXAM_POSITIONS]
    by_key = dict(Task.objects.filter(project=project, import_key__in=keys, gold__isnull=False)
                  .values_list("import_key", "pk"))
    exam_create(project=project, name=EXAM_NAME, level_granted=Level.ANNOTATOR, pass_threshold=0.7, max_attempts=3,
                retry_after_hours=1, task_ids=[by_key[k] for k in keys if k in by_key], created_by=created_by)


def _gate_reasoning(project: Project, actor) -> None:
    # The reasoning project asks for level 2: annotator3 (a trainee) passes the exam to work on it.
    if project.review_policy.get("min_annotator_level") != Level.ANNOTATOR:
        project_update(project=project, actor=actor,
                       review_policy={**project.review_policy, "min_annotator_level": int(Level.ANNOTATOR)})


def demo_certifications(sender, *, organization, users: dict, projects: dict, **kwargs) -> None:
    manager = users.get("manager") or users.get("owner")
    _grant_levels(organization, users, users.get("owner"))
    reasoning = projects.get(REASONING_PROJECT)
    if reasoning is not None:
        _add_gold(reasoning)
        _build_exam(reasoning, manager)
        _gate_reasoning(reasoning, manager)
