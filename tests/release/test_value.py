"""Tokens, units, value and the contribution ledger of a release."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from django.urls import reverse
from django.utils import timezone
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import WhitespaceSplit
from transformers import PreTrainedTokenizerFast

from annotation.models import Job, Membership, Project, Role
from annotation.schema import parse_schema
from prelabel.engine import builtin_model_path
from prelabel.engine.loading import load_tokenizer
from release.report_tasks import release_report_run
from release.services.ledger import record_contributors
from release.services.quality_report import JOB_KIND, release_report_compute, release_report_start
from release.services.value import record_texts, split_money
from review.models import ConsistencyReport
from tests.factories import COT_SCHEMA, IMAGE_SCHEMA, ProjectFactory, TaskFactory
from tests.release.builders import accept, build_release, review_entry

TEXTS = ["The quick brown fox jumps over the lazy dog.", "合肥是安徽省的省会。", "Tokenization isn't trivial: 3.14!"]


@pytest.fixture
def words_tokenizer(tmp_path, settings):
    """A whitespace word tokenizer saved as a local directory and set as RELEASE_TOKENIZER, so a
    text's token count is its number of words."""
    model = Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    model.pre_tokenizer = WhitespaceSplit()
    path = tmp_path / "words"
    PreTrainedTokenizerFast(tokenizer_object=model, unk_token="[UNK]").save_pretrained(path)
    settings.RELEASE_TOKENIZER = str(path)
    return path


def statement_of(release):
    return release_report_compute(release=release).value_statement


def test_text_tokens_equal_the_builtin_tokenizers_count(project, manager, annotator):
    for text in TEXTS:
        accept(TaskFactory(project=project, data={"text": text}), result={"sentiment": "pos", "note": "ok fine"},
               annotators=[annotator])
    tokens = statement_of(build_release(project, manager))["tokens"]
    reference = load_tokenizer(builtin_model_path())
    expected = sum(len(reference(t, add_special_tokens=False)["input_ids"]) for t in [*TEXTS, *["ok fine"] * 3])
    assert tokens["text_tokens"] == expected > 0
    assert tokens["images"] == 0 and tokens["audio_seconds"] == 0
    assert tokens["billable_units"] == expected
    assert "all-MiniLM-L6-v2" in tokens["tokenizer"]


def test_a_configured_tokenizer_directory_replaces_the_builtin_one(project, manager, annotator, words_tokenizer):
    accept(TaskFactory(project=project, data={"text": "one two three four"}), result={"sentiment": "pos"},
           annotators=[annotator])
    tokens = statement_of(build_release(project, manager))["tokens"]
    assert tokens["text_tokens"] == 4 and tokens["tokenizer"] == "local:words"


def test_a_missing_tokenizer_directory_fails_the_job_with_its_reason(project, manager, annotator, settings, tmp_path):
    settings.RELEASE_TOKENIZER = str(tmp_path / "nowhere")
    accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    release = build_release(project, manager)
    job = release_report_start(release=release, actor=manager, send=lambda job: None)
    release_report_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "nowhere" in job.error and "not a local directory" in job.error
    release.refresh_from_db()
    assert release.quality_report is None and release.value_statement is None


def test_text_like_label_values_count_and_choices_do_not():
    schema = parse_schema(COT_SCHEMA)
    record = {"data": {"question": "Q?", "response_a": "A", "response_b": "B"},
              "result": {"better": "response_a", "reasoning": {"steps": ["s1", "s2"], "answer": "42"}}}
    assert record_texts(schema, record) == ["Q?", "A", "B", "s1", "s2", "42"]


def test_images_are_counted_one_per_record_with_media(base, manager, annotator):
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    for i in range(3):
        task = TaskFactory(project=project, data={"image": f"{i}.png"}, media=f"p/{i}.png", media_width=10,
                           media_height=10)
        accept(task, result={"objects": [{"x": 1, "y": 1, "w": 2, "h": 2, "label": "car"}]}, annotators=[annotator])
    tokens = statement_of(build_release(project, manager))["tokens"]
    assert (tokens["text_tokens"], tokens["images"], tokens["billable_units"]) == (0, 3, 3)


def test_audio_seconds_come_from_the_tasks_duration(base, manager, annotator):
    schema = {"data": {"audio": "audio"}, "labels": {"speaker": {"type": "choice", "options": ["m", "f"]}}}
    project = ProjectFactory(organization=base, schema=schema)
    for duration in (2.5, 1.25, None):
        data = {"audio": "clip.wav"} | ({"duration": duration} if duration is not None else {})
        accept(TaskFactory(project=project, data=data), result={"speaker": "m"}, annotators=[annotator])
    tokens = statement_of(build_release(project, manager))["tokens"]
    assert tokens["audio_seconds"] == 3.75 and tokens["billable_units"] == 4  # seconds rounded up


def test_value_is_units_times_the_price_and_the_shares_of_money_add_up(project, manager, annotator, annotator2,
                                                                       client_for, words_tokenizer):
    for text in ["a b c", "d e f g h", "i j"]:
        accept(TaskFactory(project=project, data={"text": text}), result={"sentiment": "pos"},
               annotators=[annotator, annotator2])
    release = build_release(project, manager)
    release_report_compute(release=release)
    Project.objects.filter(pk=project.pk).update(price_per_token=Decimal("0.33333333"))
    body = client_for(manager).get(reverse("release-value", kwargs={"release_id": release.pk})).json()
    assert body["tokens"]["billable_units"] == 10
    assert body["price_per_token"] == "0.33333333" and body["currency"] == "CNY"
    assert body["value"] == "3.33"  # 10 × 0.33333333, to the cent
    assert sum(Decimal(e["value"]) for e in body["ledger"]) == Decimal("3.33")
    assert sum(Decimal(b["value"]) for b in body["bases"]) == Decimal("3.33")


def test_without_a_price_the_statement_has_units_but_no_money(project, manager, annotator, client_for, settings):
    settings.RELEASE_CURRENCY = "USD"
    accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    release = build_release(project, manager)
    release_report_compute(release=release)
    body = client_for(manager).get(reverse("release-value", kwargs={"release_id": release.pk})).json()
    assert body["value"] is None and body["price_per_token"] is None and body["currency"] == "USD"
    assert body["ledger"][0]["value"] is None and body["tokens"]["billable_units"] > 0


def test_the_ledger_weighs_records_by_units_and_annotators_by_agreement(
        project, manager, annotator, annotator2, reviewer, other_base, words_tokenizer):
    # annotator2 joined the other base first: that base is their home and gets their share.
    Membership.objects.filter(user=annotator2).update(created_at=timezone.now())
    Membership.objects.create(user=annotator2, organization=other_base, role=Role.ANNOTATOR)
    Membership.objects.filter(user=annotator2, organization=other_base).update(
        created_at=timezone.now() - timedelta(days=30))

    two = TaskFactory(project=project, data={"text": "w w w w w w"})  # 6 units, shared 1.0 : 0.5
    accept(two, result={"sentiment": "pos"}, annotators=[annotator, annotator2], agreement=0.75)
    ConsistencyReport.objects.filter(task=two).update(
        annotator_agreement={str(annotator.pk): 1.0, str(annotator2.pk): 0.5})
    accept(TaskFactory(project=project, data={"text": "w w"}), result={"sentiment": "neg"},  # 2 units, alone
           annotators=[annotator2])
    accept(TaskFactory(project=project, data={"text": "w w w w"}), result={"sentiment": "neg"},  # 4 units, fixed
           annotators=[annotator], source="fix", reviews=[review_entry(reviewer, level=4, decision="fix")],
           decided_by=reviewer, level=4)
    statement = statement_of(build_release(project, manager))

    ledger = {e["annotator"]["username"]: e for e in statement["ledger"]}
    # annotator: 6 × 2/3 = 4; annotator2: 6 × 1/3 + 2 = 4; reviewer: 4 (the fix); total 12
    assert {name: e["credit_units"] for name, e in ledger.items()} == {"annotator": 4.0, "annotator2": 4.0,
                                                                       "reviewer": 4.0}
    assert all(e["weighted_share"] == pytest.approx(1 / 3, abs=1e-6) for e in ledger.values())
    assert (ledger["annotator"]["accepted"], ledger["annotator2"]["accepted"]) == (1, 2)
    assert (ledger["reviewer"]["accepted"], ledger["reviewer"]["fixed"]) == (0, 1)
    assert sum(e["weighted_share"] for e in statement["ledger"]) == pytest.approx(1.0, abs=1e-5)

    bases = {b["organization"]["name"]: b["share"] for b in statement["bases"]}
    assert bases == {"Hefei Annotation Base": pytest.approx(2 / 3, abs=1e-6),
                     "Chengdu Annotation Base": pytest.approx(1 / 3, abs=1e-6)}


def test_contributors_of_one_record():
    prov = {"source": "auto", "annotators": [{"id": 1}, {"id": 2}, {"id": 3}]}
    assert record_contributors(prov, {"1": 1.0, "2": 0.5, "3": 0.5}) == ("annotator", {1: 0.5, 2: 0.25, 3: 0.25})
    assert record_contributors(prov, {"1": 0.0, "2": 0.0, "3": 0.0})[1] == {1: 1 / 3, 2: 1 / 3, 3: 1 / 3}
    assert record_contributors(prov, None)[1] == {1: 1 / 3, 2: 1 / 3, 3: 1 / 3}  # no report: weight 1 each
    single = {"source": "review", "annotators": [{"id": 7}]}
    assert record_contributors(single, {"7": 0.2}) == ("annotator", {7: 1.0})  # a single annotation weighs 1
    fixed = {"source": "fix", "annotators": [{"id": 7}], "reviews": [{"reviewer": 9, "decision": "accept"},
                                                                     {"reviewer": 8, "decision": "fix"}]}
    assert record_contributors(fixed, None) == ("reviewer", {8: 1.0})


def test_money_is_split_to_the_cent_without_losing_any():
    assert split_money(Decimal("1.00"), [1 / 3, 1 / 3, 1 / 3]) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    parts = split_money(Decimal("1234.57"), [0.123457, 0.5, 0.376543])
    assert sum(parts) == Decimal("1234.57")
    assert split_money(Decimal("5.00"), []) == []


@given(cents=st.integers(min_value=0, max_value=10**12),
       shares=st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1, max_size=30))
def test_split_money_never_loses_or_invents_a_cent(cents, shares):
    total = Decimal(cents) / 100
    parts = split_money(total, shares)
    assert len(parts) == len(shares) and all(p >= 0 for p in parts)
    if sum(shares) > 0:
        assert sum(parts) == total
        weight = sum(Decimal(repr(s)) for s in shares)
        # each part is its exact share rounded down or up by at most one cent
        assert all(abs(p - total * Decimal(repr(s)) / weight) < Decimal("0.01") for p, s in zip(parts, shares))


def test_the_value_route_starts_the_same_job_as_the_quality_route(project, manager, annotator, client_for,
                                                                  django_capture_on_commit_callbacks):
    accept(TaskFactory(project=project), result={"sentiment": "pos"}, annotators=[annotator])
    release = build_release(project, manager)
    with django_capture_on_commit_callbacks(execute=False):
        value = client_for(manager).get(reverse("release-value", kwargs={"release_id": release.pk}))
    assert value.status_code == 202
    release_report_run(value.json()["job"]["id"])
    assert Job.objects.filter(kind=JOB_KIND).count() == 1
    response = client_for(manager).get(reverse("release-quality", kwargs={"release_id": release.pk}))
    assert response.status_code == 200 and response.json()["records"] == 1
