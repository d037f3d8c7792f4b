"""Registering a project's own transformers model: ``POST /api/v1/projects/{id}/model-versions/``.

A tiny BERT classifier is saved (safetensors) into a temporary folder; a hub id is resolved from a
model cache laid out as huggingface_hub lays it out, never downloaded."""
from __future__ import annotations

import shutil

import pytest
import torch

from annotation.models import AuditEvent, Job, Prediction
from annotation.services.jobs import job_start
from prelabel.models import BUILTIN_VERSION, ModelVersion
from prelabel.services import custom_models, prelabel_job_create, prelabel_job_run
from tests.prelabel import tiny_models

LABEL_MAP = {"POSITIVE": "pos", "NEGATIVE": "neg", "NEUTRAL": "neu"}


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    return tiny_models.text_classifier(tmp_path_factory.mktemp("clf") / "sentiment", list(LABEL_MAP))


def body(classifier, **overrides) -> dict:
    return {"label": "sentiment", "kind": "text_classification", "path": str(classifier), "label_map": LABEL_MAP,
            "device": "cpu", "batch_size": 8, **overrides}


def register(client, project, payload):
    return client.post(f"/api/v1/projects/{project.pk}/model-versions/", payload, format="json")


def test_an_owner_registers_a_local_model_that_then_prelabels(project, tasks, owner, client_for, classifier):
    response = register(client_for(owner), project, body(classifier))
    assert response.status_code == 201, response.data
    assert (response.data["kind"], response.data["is_active"]) == ("text_classification", True)
    model = ModelVersion.objects.get(pk=response.data["id"])
    assert model.version == response.data["version"] == "text-classification-sentiment-v2"
    assert model.device == "cpu"
    assert model.spec["sentiment"]["path"] == str(classifier.resolve())
    assert (model.spec["sentiment"]["batch_size"], model.spec["sentiment"]["label_map"]) == (8, LABEL_MAP)
    assert model.spec["topics"]["kind"] == "zero_shot"  # the other labels keep what they had
    assert list(ModelVersion.objects.filter(project=project, is_active=True)) == [model]
    assert ModelVersion.objects.get(project=project, version=BUILTIN_VERSION).is_active is False
    assert AuditEvent.objects.filter(action="model_version.register", object_id=str(model.pk)).exists()

    job = prelabel_job_create(project=project, actor=owner)
    job_start(job_id=job.pk)
    result = prelabel_job_run(job_id=job.pk)
    assert result["created"] == 5 and result["model_version"] == model.version
    for prediction in Prediction.objects.filter(model_version=model.version):
        assert prediction.result["sentiment"] in ("pos", "neg", "neu")


@pytest.mark.parametrize("overrides, field", [
    ({"path": None}, "path"),
    ({"path": "/nonexistent/model"}, "path"),
    ({"kind": "magic"}, "kind"),
    ({"kind": "embedding_head"}, "kind"),
    ({"kind": "token_classification"}, "kind"),
    ({"label": "mood"}, "label"),
    ({"label_map": {**LABEL_MAP, "POSITIVE": "happy"}}, "label_map.POSITIVE"),
    ({"label_map": {"JOY": "pos"}}, "label_map.JOY"),
    ({"label_map": {}}, "label_map"),
    ({"device": "tpu"}, "device"),
    ({"params": {"stride": 3}}, "params.stride"),
    ({"batch_size": 0}, "batch_size"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_registration_is_a_400_naming_the_field_and_registers_nothing(project, owner, client_for, classifier,
                                                                            overrides, field):
    payload = {key: value for key, value in body(classifier, **overrides).items() if value is not None}
    response = register(client_for(owner), project, payload)
    assert response.status_code == 400, response.data
    assert field in response.data, response.data
    assert not ModelVersion.objects.exclude(version=BUILTIN_VERSION).exists()


def test_pickled_weights_are_refused(project, owner, client_for, classifier, tmp_path):
    pickled = tmp_path / "pickled"
    shutil.copytree(classifier, pickled)
    for weights in pickled.glob("*.safetensors"):
        weights.unlink()
    torch.save({"weights": torch.zeros(1)}, pickled / "pytorch_model.bin")
    response = register(client_for(owner), project, body(pickled))
    assert response.status_code == 400 and "safetensors" in response.data["path"][0]
    assert not ModelVersion.objects.exclude(version=BUILTIN_VERSION).exists()


def test_a_version_name_is_used_once(project, owner, client_for, classifier):
    assert register(client_for(owner), project, body(classifier, version="mine-1")).status_code == 201
    again = register(client_for(owner), project, body(classifier, version="mine-1"))
    assert again.status_code == 400 and "version" in again.data


@pytest.fixture
def hub_cache(tmp_path, classifier, monkeypatch):
    """A local cache holding ``acme/tiny-sentiment`` the way huggingface_hub stores a snapshot."""
    repo = tmp_path / "hub" / "models--acme--tiny-sentiment"
    commit = "0123456789abcdef0123456789abcdef01234567"
    shutil.copytree(classifier, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(custom_models, "HUB_CACHE", str(tmp_path / "hub"))
    return repo / "snapshots" / commit


def test_a_hub_id_is_resolved_from_the_local_cache_only(project, owner, client_for, classifier, hub_cache):
    payload = {**body(classifier), "path": None, "hub_id": "acme/tiny-sentiment"}
    del payload["path"]
    response = register(client_for(owner), project, payload)
    assert response.status_code == 201, response.data
    model = ModelVersion.objects.get(pk=response.data["id"])
    assert model.spec["sentiment"]["path"] == str(hub_cache.resolve())
    assert model.metrics["source"] == "acme/tiny-sentiment"
    missing = register(client_for(owner), project, {**payload, "hub_id": "acme/not-downloaded"})
    assert missing.status_code == 400 and "not in this server's model cache" in missing.data["hub_id"][0]


def test_only_managers_register_and_other_bases_see_nothing(project, annotator, outsider, client_for, classifier):
    assert register(client_for(annotator), project, body(classifier)).status_code == 403
    assert register(client_for(outsider), project, body(classifier)).status_code == 404
    assert not ModelVersion.objects.exists() and not Job.objects.exists()
