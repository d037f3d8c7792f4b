import shutil
from pathlib import Path

import pytest
import torch
from transformers import BertForSequenceClassification

from prelabel.engine import BackendSpec, UnsafeModelError, check_model_dir, load_backend
from prelabel.engine.loading import load_model


def _pickled_only(source: Path, target: Path) -> Path:
    """A model directory as old checkpoints ship it: config + pytorch_model.bin, no safetensors."""
    target.mkdir()
    for name in source.iterdir():
        if not name.name.endswith(".safetensors"):
            shutil.copy(name, target / name.name)
    model = BertForSequenceClassification.from_pretrained(source, local_files_only=True)
    torch.save(model.state_dict(), target / "pytorch_model.bin")
    return target


def test_a_directory_with_only_pickled_weights_is_refused(models, schema, tmp_path):
    pickled = _pickled_only(models["sentiment"], tmp_path / "pickled")
    with pytest.raises(UnsafeModelError, match="pytorch_model.bin"):
        check_model_dir(pickled)
    spec = BackendSpec(kind="text_classification", path=str(pickled),
                       label_map={"POSITIVE": "pos", "NEGATIVE": "neg"})
    with pytest.raises(UnsafeModelError, match="safetensors"):
        load_backend(spec, schema, "sentiment", device="cpu")


def test_safetensors_win_over_a_pickle_lying_next_to_them(models, tmp_path):
    both = tmp_path / "both"
    shutil.copytree(models["sentiment"], both)
    # A booby-trapped pickle: loading it would raise. use_safetensors=True never opens it.
    (both / "pytorch_model.bin").write_bytes(b"not a checkpoint")
    model = load_model(BertForSequenceClassification, check_model_dir(both), torch.device("cpu"))
    assert model.config.num_labels == 3


@pytest.mark.parametrize("path", ["bert-base-uncased", "org/some-model", "/no/such/dir"])
def test_hub_ids_and_missing_paths_are_refused_without_a_download(path):
    with pytest.raises(UnsafeModelError, match="local directory"):
        check_model_dir(path)


def test_a_directory_without_config_is_not_a_model(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(UnsafeModelError, match="config.json"):
        check_model_dir(tmp_path)


def test_tiny_models_are_saved_as_safetensors(models):
    for path in models.values():
        assert (path / "model.safetensors").is_file()
        assert not list(path.glob("*.bin"))
