"""The release quality report: each of the four criteria on constructed data with known answers,
then the report of a real release through the service and the API."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotation.models import Annotation, AuditEvent, Job, Task
from annotation.schema import parse_schema
from release.quality.accuracy import AgreementTally, GoldTally, ReviewTally
from release.quality.adaptability import linear_probe
from release.quality.diversity import LabelTally, distribution_entropy, embedding_spread, record_text
from release.quality.sample import Reservoir
from release.models import Release
from release.quality.structure import StructureTally, data_digest
from release.report_tasks import release_report_run
from release.services.quality_report import JOB_KIND, release_report_compute
from release.services.snapshot import release_create
from review.models import ReviewDecision, ReviewItem
from tests.factories import COT_SCHEMA, TEXT_SCHEMA, ProjectFactory, TaskFactory
from tests.release.builders import accept, build_release, review_entry
from tests.worker import celery_worker, wait_for  # noqa: F401

SCHEMA = parse_schema(TEXT_SCHEMA)


def record(key: str, text: str, result: dict, **extra) -> dict:
    return {"id": key, "key": key, "data": {"text": text}, "media": None, "media_width": None,
            "media_height": None, "result": result, "provenance": extra.get("provenance", {}),
            "agreement": None, "sha256": ""}


# --- structural integrity ---------------------------------------------------------------------

def test_invalid_results_are_counted_with_their_error_paths_folded():
    tally = StructureTally(SCHEMA)
    tally.add(record("a", "Zhang San", {"sentiment": "pos"}))
    tally.add(record("b", "Li Si", {"sentiment": "maybe"}))
    tally.add(record("c", "Wang Wu", {"sentiment": "neg", "entities": [
        {"start": 0, "end": 99, "label": "PER"}, {"start": 0, "end": 98, "label": "PER"}]}))
    tally.add(record("d", "Zhao Liu", {"topics": ["finance"]}))  # the required sentiment is missing
    out = tally.summary()
    assert out["records"] == 4
    assert out["schema_valid"] == 1
    assert out["schema_valid_rate"] == 0.25
    assert out["invalid_examples"] == ["b", "c", "d"]
    paths = {e["path"]: e["count"] for e in out["errors"]}
    # two bad spans in one record are one kind of error, counted once for that record
    assert paths == {"result.sentiment": 2, "result.entities[].end": 1}
    assert out["missing"]["labels"]["sentiment"] == {"required": True, "missing": 1, "missing_rate": 0.25}
    assert out["missing"]["labels"]["note"]["missing"] == 4
    assert out["missing"]["required_labels_missing"] == 1


def test_exact_duplicates_are_counted_whatever_the_key_order_of_the_data():
    tally = StructureTally(SCHEMA)
    for i, text in enumerate(["same", "other", "same", "same", "third"]):
        tally.add(record(str(i), text, {"sentiment": "pos"}))
    out = tally.summary()["duplicates"]
    assert out["exact"] == 2
    assert out["rate"] == 0.4
    assert out["distinct_records"] == 3
    assert out["examples"] == ["2", "3"]
    assert data_digest({"a": 1, "b": "二"}) == data_digest({"b": "二", "a": 1})
    assert data_digest({"a": 1}) != data_digest({"a": 2})


def test_an_empty_text_counts_as_missing_data():
    tally = StructureTally(SCHEMA)
    tally.add(record("a", "  ", {"sentiment": "pos"}))
    tally.add(record("b", "fine", {"sentiment": "pos"}))
    assert tally.summary()["missing"]["data"]["text"] == {"missing": 1, "missing_rate": 0.5}


# --- content diversity ------------------------------------------------------------------------

def test_entropy_of_a_known_distribution():
    # p = (1/2, 1/4, 1/4): H = 1.5 bits; over 3 options, normalised by log2(3).
    out = distribution_entropy({"pos": 2, "neg": 1, "neu": 1}, 3)
    assert out["entropy_bits"] == pytest.approx(1.5)
    assert out["normalized_entropy"] == pytest.approx(1.5 / math.log2(3), abs=1e-6)
    assert distribution_entropy({"pos": 5, "neg": 0, "neu": 0}, 3)["entropy_bits"] == 0.0
    assert distribution_entropy({"pos": 0}, 3)["entropy_bits"] is None


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=12))
def test_normalized_entropy_lies_between_zero_and_one(counts):
    out = distribution_entropy({str(i): c for i, c in enumerate(counts)}, len(counts))
    if sum(counts) == 0:
        assert out["normalized_entropy"] is None
    else:
        # figures are rounded to 6 digits
        assert 0.0 <= out["normalized_entropy"] <= 1.0
        assert out["entropy_bits"] <= math.log2(len(counts)) + 1e-6


def test_label_tally_counts_choices_list_items_and_ratings_per_label():
    tally = LabelTally(SCHEMA)
    tally.add({"sentiment": "pos", "topics": ["finance", "sports"], "quality": 5,
               "entities": [{"start": 0, "end": 1, "label": "PER"}, {"start": 2, "end": 3, "label": "PER"}]})
    tally.add({"sentiment": "neg", "topics": ["finance"], "quality": 5, "note": "free"})
    out = tally.summary()
    assert out["sentiment"]["counts"] == {"pos": 1, "neg": 1, "neu": 0}
    assert out["sentiment"]["entropy_bits"] == pytest.approx(1.0)
    assert out["topics"]["counts"] == {"finance": 2, "sports": 1, "health": 0}
    assert out["entities"]["counts"] == {"PER": 2, "ORG": 0, "LOC": 0}
    assert out["entities"]["entropy_bits"] == 0.0
    assert out["quality"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 2}
    assert out["note"]["entropy_bits"] is None


def test_embedding_spread_finds_near_duplicates_and_measures_distance():
    e = np.eye(4)
    # rows 0 and 1 are the same direction; 2 and 3 are orthogonal to everything
    x = np.stack([e[0], e[0] * 3.0, e[1], e[2]])
    out = embedding_spread(x, threshold=0.95)
    assert out["count"] == 4
    assert out["near_duplicates"] == 2
    assert out["near_duplicate_rate"] == 0.5
    # pairwise similarities: one pair at 1, five at 0 → mean distance 1 - 1/6
    assert out["mean_pairwise_distance"] == pytest.approx(1 - 1 / 6, abs=1e-6)
    # the same vector repeated has no spread at all
    same = embedding_spread(np.tile(e[0], (5, 1)))
    assert same["mean_pairwise_distance"] == pytest.approx(0.0, abs=1e-9)
    assert same["dispersion"] == pytest.approx(0.0, abs=1e-9)
    assert same["near_duplicate_rate"] == 1.0
    assert embedding_spread(np.ones((1, 4)))["mean_pairwise_distance"] is None


def test_record_text_joins_the_text_fields_in_schema_order():
    schema = parse_schema({"data": {"question": "text", "image": "image", "answer": "text"},
                           "labels": {"ok": {"type": "choice", "options": ["y", "n"]}}})
    assert record_text(schema, {"answer": "A", "question": "Q", "image": "x.png"}) == "Q\nA"
    assert record_text(schema, {"question": "  "}) == ""


def test_the_reservoir_is_uniform_sized_and_seeded():
    a, b = Reservoir(10, seed=3), Reservoir(10, seed=3)
    for i in range(1000):
        a.add(i)
        b.add(i)
    assert len(a.items) == 10 and a.items == b.items and a.sampled
    small = Reservoir(10)
    for i in range(4):
        small.add(i)
    assert small.items == [0, 1, 2, 3] and not small.sampled


# --- annotation accuracy ----------------------------------------------------------------------

def test_gold_accuracy_grades_each_label_the_gold_answer_gives_as_exams_do():
    tally = GoldTally(SCHEMA)
    tally.add({"sentiment": "pos"}, {"sentiment": "pos", "quality": 1})
    tally.add({"sentiment": "pos", "quality": 5}, {"sentiment": "neg", "quality": 4})
    tally.add({"topics": ["finance", "sports"]}, {"topics": ["finance"]})
    tally.add(None, {"sentiment": "pos"})  # no gold: not graded
    tally.add({"sentiment": None}, {"sentiment": "pos"})  # a gold that fills no label grades nothing
    out = tally.summary()
    assert out["graded"] == 3
    assert out["labels"]["sentiment"] == {"compared": 2, "accuracy": 0.5}
    assert out["labels"]["quality"] == {"compared": 1, "accuracy": 0.75}  # one star apart on 1..5
    assert out["labels"]["topics"] == {"compared": 1, "accuracy": 0.5}  # Jaccard
    assert out["accuracy"] == pytest.approx((1 + (0 + 0.75) / 2 + 0.5) / 3)  # a task scores its labels' mean
    assert out["exact_match_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert "annotators" not in out


def test_gold_accuracy_per_annotator():
    tally = GoldTally(SCHEMA)
    tally.add({"sentiment": "pos"}, {"sentiment": "pos"}, annotator=(7, "li"))
    tally.add({"sentiment": "neg"}, {"sentiment": "pos"}, annotator=(7, "li"))
    tally.add({"sentiment": "neg"}, {"sentiment": "neg"}, annotator=(3, "zhang"))
    assert tally.summary()["annotators"] == [
        {"annotator": {"id": 7, "username": "li"}, "answered": 2, "accuracy": 0.5},
        {"annotator": {"id": 3, "username": "zhang"}, "answered": 1, "accuracy": 1.0}]


def test_agreement_summary_averages_reports_and_counts_decisions():
    reports = [
        {"overall_agreement": 1.0, "agreement": {"sentiment": 1.0}, "decision": "accepted"},
        {"overall_agreement": 0.5, "agreement": {"sentiment": 0.5, "topics": None}, "decision": "review"},
        {"overall_agreement": None, "agreement": {}, "decision": "accepted"},
    ]
    tally = AgreementTally()
    for report in [*reports, None]:  # the fourth task has no report
        tally.add(report)
    out = tally.summary()
    assert out["reports"] == 3 and out["coverage"] == 0.75 and out["with_overlap"] == 2
    assert out["mean_agreement"] == 0.75
    assert out["labels"] == {"sentiment": 0.75}
    assert (out["auto_accepted"], out["sent_to_review"]) == (2, 1)


def test_review_coverage_and_overturn_rate_come_from_the_decisions():
    tally = ReviewTally()
    tally.add({"source": "auto", "reviews": []})
    tally.add({"source": "review", "reviews": [{"decision": "accept", "level": 3}]})
    tally.add({"source": "fix", "reviews": [{"decision": "fix", "level": 4}]})
    tally.add({"source": "review", "reviews": [{"decision": "accept", "level": 3}]}, decisions=["reject", "accept"])
    out = tally.summary()
    assert out["reviewed"] == 3 and out["coverage"] == 0.75
    assert out["overturned"] == 2 and out["overturn_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert out["sources"] == {"auto": 1, "fix": 1, "review": 2}
    assert out["decisions"] == {"accept": 2, "fix": 1, "reject": 1}
    assert out["cot_verdicts"] == {"steps": {}, "answers": {}, "steps_correct_rate": None}


def test_chain_of_thought_verdicts_are_counted_per_step_and_answer():
    tally = ReviewTally()
    verdicts = {"reasoning": {"steps": [{"verdict": "correct"}, {"verdict": "incorrect", "comment": "sign"},
                                        {"verdict": "correct"}, {"verdict": "neutral"}],
                              "answer": {"verdict": "correct"}}}
    tally.add({"source": "review", "reviews": [{"decision": "accept"}], "cot_verdicts": verdicts})
    tally.add({"source": "auto", "reviews": [], "cot_verdicts": None})
    out = tally.summary()["cot_verdicts"]
    assert out == {"steps": {"correct": 2, "incorrect": 1, "neutral": 1}, "answers": {"correct": 1},
                   "steps_correct_rate": 0.5}


# --- model adaptability -----------------------------------------------------------------------

def separable(n_per_class: int, classes: str = "abc", seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(classes), 32)) * 3
    x = np.concatenate([c + 0.3 * rng.normal(size=(n_per_class, 32)) for c in centres])
    return x, [c for c in classes for _ in range(n_per_class)]


def test_a_probe_on_separable_data_is_accurate_with_a_full_learning_curve():
    x, y = separable(40)
    out = linear_probe(x, y, ["a", "b", "c"], seed=0)
    assert out["accuracy"] >= 0.95
    assert out["majority_baseline"] == pytest.approx(1 / 3, abs=1e-6)
    assert (out["records"], out["classes"], out["test_size"], out["train_size"]) == (120, 3, 30, 90)
    curve = out["learning_curve"]
    assert [p["fraction"] for p in curve] == [0.1, 0.25, 0.5, 1.0]
    assert [p["train_size"] for p in curve] == [9, 24, 45, 90]
    assert curve[-1]["accuracy"] == out["accuracy"]
    assert linear_probe(x, y, ["a", "b", "c"], seed=0) == out  # deterministic


def test_a_probe_on_labels_unrelated_to_the_data_stays_near_chance():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 32))
    y = [str(v) for v in rng.integers(0, 2, size=200)]
    assert linear_probe(x, y, ["0", "1"])["accuracy"] < 0.75


def test_the_probe_is_null_with_a_reason_when_records_are_too_few_or_all_alike():
    x, y = separable(5)
    few = linear_probe(x, y, ["a", "b", "c"])
    assert few["accuracy"] is None and "at least 20" in few["reason"] and few["learning_curve"] == []
    same = linear_probe(np.ones((30, 4)), ["a"] * 30, ["a", "b"])
    assert same["accuracy"] is None and "same answer" in same["reason"]
    # unanswered rows are left out before counting
    x, y = separable(12, "ab")
    assert linear_probe(x, y[:12] + [None] * 12, ["a", "b"])["records"] == 12


# --- the report of a real release -------------------------------------------------------------


POSITIVE = ["I love this phone, the screen is wonderful", "What a delightful and happy day at the beach",
            "The service was excellent and the staff were kind", "This book is brilliant, I enjoyed every page",
            "Great food, lovely music, a perfect evening", "The hotel room was beautiful and very clean",
            "Fantastic match, our team played superbly", "My new bike is amazing, I ride it with joy",
            "The concert was marvellous and uplifting", "Such a sweet puppy, it makes me smile",
            "The teacher was patient and inspiring", "A wonderful gift, thank you so much",
            "The garden looks gorgeous in spring", "Excellent coffee and a friendly barista"]
NEGATIVE = ["This phone is terrible, the screen broke in a day", "What an awful and miserable rainy commute",
            "The service was rude and the staff ignored us", "This book is boring, I hated every page",
            "Disgusting food, noisy room, a horrible evening", "The hotel room was filthy and smelled bad",
            "Dreadful match, our team played pathetically", "My new bike is broken junk, a total waste",
            "The concert was painful and dull", "The dog bit me and I am furious",
            "The teacher was cruel and unfair", "A useless gift, I want my money back",
            "The garden is dead and full of rubbish", "Bitter cold coffee and an angry barista"]


@pytest.fixture
def measured(project, manager, annotator, annotator2, reviewer):
    """28 accepted sentiment texts (14 pos, 14 neg), one repeated, one gold, one fixed in review
    after a rejection, one with a phone number found at import; and their release."""
    tasks = []
    for i, text in enumerate(POSITIVE + NEGATIVE):
        task = TaskFactory(project=project, data={"text": text})
        tasks.append(task)
        sentiment = "pos" if i < len(POSITIVE) else "neg"
        if i == 1:  # fixed by the reviewer, after the annotators' first answer was rejected
            accept(task, result={"sentiment": sentiment}, annotators=[annotator], source="fix",
                   reviews=[review_entry(reviewer, level=4, decision="fix")], decided_by=reviewer, level=4)
            for round_, decision in ((1, "reject"), (2, "fix")):
                item = ReviewItem.objects.create(task=task, project=project, round=round_, status="done")
                ReviewDecision.objects.create(item=item, task=task, reviewer=reviewer, level=4, decision=decision)
        else:
            accept(task, result={"sentiment": sentiment}, annotators=[annotator, annotator2], agreement=1.0)
    dup = TaskFactory(project=project, data={"text": POSITIVE[0]})
    accept(dup, result={"sentiment": "pos"}, annotators=[annotator])
    Task.objects.filter(pk=tasks[0].pk).update(gold={"sentiment": "pos"})
    Task.objects.filter(pk=tasks[-1].pk).update(gold={"sentiment": "pos"})  # the accepted "neg" misses it
    Task.objects.filter(pk=tasks[2].pk).update(pii=[{"field": "text", "kind": "mobile", "start": 0, "end": 3}])
    honeypot = TaskFactory(project=project, data={"text": "A honeypot"}, gold={"sentiment": "neg"})  # stays open
    for user, answer in ((annotator, "neg"), (annotator2, "pos")):
        Annotation.objects.create(task=honeypot, annotator=user, result={"sentiment": answer},
                                  status=Annotation.Status.SUBMITTED, submitted_at=timezone.now())
    return build_release(project, manager)


def test_the_report_of_a_release_measures_all_four_criteria(measured, manager):
    release = release_report_compute(release=measured, actor=manager)
    report = release.quality_report
    assert set(report) >= {"structure", "diversity", "accuracy", "adaptability", "sample", "encoder"}
    assert all(isinstance(report[c]["summary"], str) and report[c]["summary"]
               for c in ("structure", "diversity", "accuracy", "adaptability"))

    structure = report["structure"]
    assert report["records"] == structure["records"] == 29
    assert structure["schema_valid"] == 29
    assert structure["duplicates"]["exact"] == 1
    assert structure["pii"]["records_with_pii"] == 1 and structure["pii"]["findings"] == {"mobile": 1}

    diversity = report["diversity"]
    assert diversity["labels"]["sentiment"]["counts"] == {"pos": 15, "neg": 14, "neu": 0}
    embeddings = diversity["embeddings"]
    assert embeddings["count"] == 29 and embeddings["near_duplicates"] >= 2  # the repeated text and its twin
    assert 0 < embeddings["mean_pairwise_distance"] < 1

    accuracy = report["accuracy"]
    assert accuracy["gold"]["graded"] == 2 and accuracy["gold"]["accuracy"] == 0.5
    # the annotators' own answers on gold tasks: the two released ones and the honeypot
    people = {e["annotator"]["username"]: (e["answered"], e["accuracy"])
              for e in accuracy["annotator_gold"]["annotators"]}
    assert people == {"annotator": (3, pytest.approx(2 / 3, abs=1e-6)), "annotator2": (3, pytest.approx(1 / 3, abs=1e-6))}
    assert accuracy["agreement"]["reports"] == 27 and accuracy["agreement"]["mean_agreement"] == 1.0
    review = accuracy["review"]
    assert review["reviewed"] == 1 and review["overturned"] == 1
    assert review["decisions"] == {"fix": 1, "reject": 1}  # the earlier round's rejection counts too

    probe = report["adaptability"]["labels"]["sentiment"]
    assert probe["records"] == 29 and probe["accuracy"] >= 0.75
    assert [p["fraction"] for p in probe["learning_curve"]] == [0.1, 0.25, 0.5, 1.0]
    assert report["sample"] == {**report["sample"], "size": 29, "of": 29, "sampled": False}

    assert AuditEvent.objects.filter(action="release.report", object_id=str(release.pk)).count() == 1


def test_the_sample_is_capped_and_the_report_says_so(measured):
    report = release_report_compute(release=measured, sample_size=10).quality_report
    assert report["sample"]["size"] == 10 and report["sample"]["of"] == 29 and report["sample"]["sampled"]
    assert report["diversity"]["embeddings"]["count"] == 10
    assert report["structure"]["records"] == 29  # every other figure covers all records
    assert report["adaptability"]["labels"]["sentiment"]["accuracy"] is None  # 10 < 20 labelled records


def test_a_stored_report_is_not_computed_again(measured):
    first = release_report_compute(release=measured).quality_report
    again = release_report_compute(release=measured).quality_report
    assert again["computed_at"] == first["computed_at"]
    assert AuditEvent.objects.filter(action="release.report").count() == 1


def test_a_release_without_text_or_choice_labels_gets_reasons_not_figures(base, manager, annotator):
    project = ProjectFactory(organization=base, schema=COT_SCHEMA)
    task = TaskFactory(project=project, data={"question": "1+1?", "response_a": "2", "response_b": "3"})
    accept(task, result={"better": "response_a", "reasoning": {"steps": ["one and one"], "answer": "2"}},
           annotators=[annotator])
    report = release_report_compute(release=build_release(project, manager)).quality_report
    assert report["adaptability"]["labels"] == {} and "none" in report["adaptability"]["reason"]
    assert report["diversity"]["embeddings"]["reason"] == "at least two texts are needed"
    assert report["accuracy"]["gold"]["accuracy"] is None
    assert report["accuracy"]["annotator_gold"]["graded"] == 0
    assert report["accuracy"]["summary"].startswith("No gold answers")


def test_the_first_request_starts_one_job_and_the_next_ones_read_it(measured, reviewer, client_for,
                                                                    django_capture_on_commit_callbacks):
    url = reverse("release-quality", kwargs={"release_id": measured.pk})
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.get(url)
        second = client.get(reverse("release-value", kwargs={"release_id": measured.pk}))
    assert first.status_code == second.status_code == 202
    assert first.json()["state"] == "computing" and first.json()["job"]["kind"] == JOB_KIND
    assert second.json()["job"]["id"] == first.json()["job"]["id"]
    job = Job.objects.get(kind=JOB_KIND)
    assert job.params == {"release": measured.pk} and job.progress_total == 29

    release_report_run(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.progress_done == 29
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == Release.objects.get(pk=measured.pk).quality_report
    assert Job.objects.filter(kind=JOB_KIND).count() == 1


def test_a_release_still_building_has_no_report_yet(project, manager, client_for):
    TaskFactory(project=project)
    release = release_create(project=project, actor=manager, send=lambda job: None)
    response = client_for(manager).get(reverse("release-quality", kwargs={"release_id": release.pk}))
    assert response.status_code == 409 and "not ready" in response.json()["detail"]
    assert not Job.objects.filter(kind=JOB_KIND).exists()


def test_a_broker_outage_answers_503_fails_the_job_and_the_next_request_starts_again(
        transactional_db, project, manager, annotator, client_for, monkeypatch):
    accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    release = build_release(project, manager)
    url = reverse("release-quality", kwargs={"release_id": release.pk})

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("release.api.report.release_report_run.apply_async", refuse)
    assert client_for(manager).get(url).status_code == 503
    assert Job.objects.get(kind=JOB_KIND).state == Job.State.FAILED
    monkeypatch.setattr("release.api.report.release_report_run.apply_async", lambda *a, **k: None)
    again = client_for(manager).get(url)
    assert again.status_code == 202 and again.json()["job"]["state"] == "queued"
    assert Job.objects.filter(kind=JOB_KIND).count() == 2


@pytest.mark.worker
def test_the_report_is_computed_by_a_real_worker(transactional_db, base, manager, annotator, client_for,
                                                 celery_worker):  # noqa: F811
    project = ProjectFactory(organization=base)
    for text, sentiment in [(POSITIVE[0], "pos"), (NEGATIVE[0], "neg"), (POSITIVE[1], "pos")]:
        accept(TaskFactory(project=project, data={"text": text}), result={"sentiment": sentiment},
               annotators=[annotator])
    release = build_release(project, manager)
    url = reverse("release-quality", kwargs={"release_id": release.pk})
    client = client_for(manager)
    job_id = client.get(url).json()["job"]["id"]
    wait_for(lambda: Job.objects.get(pk=job_id).state in Job.FINISHED, timeout=180, what="the report job")
    assert Job.objects.get(pk=job_id).state == Job.State.SUCCEEDED, Job.objects.get(pk=job_id).error
    report = client.get(url).json()
    assert report["records"] == 3 and report["diversity"]["labels"]["sentiment"]["counts"]["pos"] == 2


def test_the_report_costs_the_same_queries_whatever_the_number_of_records(project, manager, annotator, annotator2):
    def queries_for(n: int) -> int:
        p = ProjectFactory(organization=project.organization)
        for i in range(n):
            task = TaskFactory(project=p, data={"text": f"{POSITIVE[i % 14]} ({i})"}, gold={"sentiment": "pos"})
            accept(task, result={"sentiment": "pos"}, annotators=[annotator, annotator2], agreement=1.0)
        release = build_release(p, manager)
        with CaptureQueriesContext(connection) as captured:
            release_report_compute(release=release)
        return len(captured)

    assert queries_for(3) == queries_for(30)
