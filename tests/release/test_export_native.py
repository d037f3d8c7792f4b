"""Native exports through the API: JSONL lines are the hashed ones and carry provenance; CSV is
safe to open in a spreadsheet; the endpoint refuses what it cannot do and audits what it does."""
from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from annotation.models import AuditEvent
from release.models import Release
from release.services.snapshot import release_create
from tests.factories import TaskFactory
from tests.release.builders import accept, build_release, review_entry


@pytest.fixture
def release(project, manager, annotator, annotator2, reviewer):
    project.name = "News sentiment"
    project.save()
    plain = TaskFactory(project=project, data={"text": 'He said "hi" \\ then\tleft\n北京'})
    accept(plain, result={"sentiment": "pos", "note": "=HYPERLINK(\"http://x\")"},
           annotators=[annotator, annotator2], suggestion="minilm-head@3", agreement=0.9)
    private = TaskFactory(project=project, data={"text": "Mail zhang@example.com"},
                          pii=[{"field": "text", "kind": "email", "start": 5, "end": 22}])
    private.data_original = {"text": "Mail zhang@example.com"}
    private.data = {"text": "Mail *****************"}
    private.save()
    accept(private, result={"sentiment": "neu"}, annotators=[annotator], source="fix", decided_by=reviewer, level=4,
           reviews=[review_entry(reviewer, level=4, decision="fix")],
           cot_verdicts={"reasoning": {"steps": [{"verdict": "correct"}], "answer": {"verdict": "correct"}}})
    return build_release(project, manager)


def download(client, release, **params):
    response = client.get(f"/api/v1/releases/{release.pk}/export/", params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_jsonl_is_the_stored_lines_and_each_hashes_to_its_record(release, manager, client_for):
    response, body = download(client_for(manager), release, format="jsonl")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == 'attachment; filename="news-sentiment-v1.jsonl"'
    lines = body.decode().splitlines()
    rows = list(release.records.order_by("seq"))
    assert lines == [r.line for r in rows]
    assert [hashlib.sha256(line.encode()).hexdigest() for line in lines] == [r.sha256 for r in rows]
    assert json.loads(lines[0])["data"]["text"] == 'He said "hi" \\ then\tleft\n北京'


def test_jsonl_records_carry_their_provenance(release, manager, annotator, annotator2, reviewer, client_for):
    first, second = (json.loads(line) for line in download(client_for(manager), release)[1].decode().splitlines())
    assert first["provenance"]["annotators"] == [{"id": annotator.pk, "username": "annotator"},
                                                 {"id": annotator2.pk, "username": "annotator2"}]
    assert first["provenance"]["suggestions"] == ["minilm-head@3"]
    assert first["provenance"]["labels"]["sentiment"] == {"annotators": [annotator.pk, annotator2.pk],
                                                          "suggested_by": ["minilm-head@3"]}
    assert first["provenance"]["source"] == "auto" and first["provenance"]["approved_by"] is None
    assert first["agreement"] == 0.9
    assert second["provenance"]["source"] == "fix"
    assert second["provenance"]["reviews"] == [{"stage": 1, "reviewer": reviewer.pk, "username": "reviewer",
                                                "level": 4, "decision": "fix", "at": "2026-11-22T08:00:00+00:00"}]
    assert second["provenance"]["approved_by"] == {"username": "reviewer", "level": 4, "domain": "general"}
    assert second["provenance"]["cot_verdicts"]["reasoning"]["answer"] == {"verdict": "correct"}


def test_jsonl_loads_with_hugging_face_datasets(release, manager, client_for, tmp_path):
    from datasets import load_dataset

    path = tmp_path / "release.jsonl"
    path.write_bytes(download(client_for(manager), release)[1])
    dataset = load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    assert dataset.num_rows == 2
    assert dataset[1]["data"]["text"] == "Mail *****************"
    assert dataset[0]["provenance"]["suggestions"] == ["minilm-head@3"]


def test_exports_are_masked_and_only_managers_get_the_original_which_is_audited(release, manager, reviewer,
                                                                              client_for):
    masked = download(client_for(reviewer), release, format="jsonl")[1].decode()
    assert "zhang@example.com" not in masked and "Mail *****************" in masked
    assert download(client_for(reviewer), release, format="jsonl", unmasked="1")[0].status_code == 403
    response, body = download(client_for(manager), release, format="jsonl", unmasked="1")
    assert response.status_code == 200
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert records[1]["data"] == {"text": "Mail zhang@example.com"}
    assert records[0]["data"]["text"].startswith('He said "hi"')
    actions = list(AuditEvent.objects.filter(object_type="Release").values_list("action", "actor_name"))
    assert ("release.export.unmasked", "manager") in actions and ("release.export", "reviewer") in actions
    assert ("release.export.unmasked", "reviewer") not in actions


def test_csv_has_one_row_per_record_and_disarms_formulas(release, manager, client_for):
    response, body = download(client_for(manager), release, format="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="news-sentiment-v1.csv"'
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [int(r["id"]) for r in rows] == list(release.records.order_by("seq").values_list("task_id", flat=True))
    assert rows[0]["note"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["sentiment"] == "pos" and rows[0]["annotators"] == "annotator;annotator2"
    assert rows[0]["suggestions"] == "minilm-head@3"
    assert rows[1]["reviews"] == "reviewer:4:fix" and rows[1]["approved_by"] == "reviewer:4"
    assert rows[1]["text"] == "Mail *****************"
    assert rows[0]["sha256"] == release.records.get(seq=0).sha256


def test_an_unknown_format_is_a_400_naming_the_parameter(release, manager, client_for):
    response, _ = download(client_for(manager), release, format="parquet")
    assert response.status_code == 400 and "format" in response.json()


def test_a_format_that_does_not_fit_the_labels_is_a_400(release, manager, client_for):
    from release.formats import FORMATS, Format, register

    register(Format(name="never", content_type="text/plain", extension="txt", description="fits nothing",
                    applies=lambda schema: False, write=lambda ctx, records: iter(())))
    try:
        response, _ = download(client_for(manager), release, format="never")
        assert response.status_code == 400 and "does not apply" in response.json()["format"][0]
    finally:
        FORMATS.pop("never")


def test_a_release_still_building_is_a_409(project, manager, client_for, release):
    building = release_create(project=project, actor=manager, send=lambda job: None)
    response, _ = download(client_for(manager), building, format="jsonl")
    assert response.status_code == 409 and response.json()["state"] == "building"
    assert Release.objects.get(pk=building.pk).state == "building"


def test_jsonl_is_the_same_when_read_in_many_small_pieces(release, manager, client_for, monkeypatch):
    from release import selectors

    whole = download(client_for(manager), release)[1]
    monkeypatch.setattr(selectors, "COPY_RANGE", 1)  # PostgreSQL: one COPY statement per record
    monkeypatch.setattr(selectors, "COPY_BATCH", 10)  # and a chunk handed on after every line
    monkeypatch.setattr(selectors, "CHUNK", 1)  # elsewhere: one keyset read per record
    response, pieces = download(client_for(manager), release)
    assert pieces == whole and len(list(selectors.release_lines(release))) == 2
