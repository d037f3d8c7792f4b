"""Pre-labeling throughput: raw model vs one-text-per-call loop vs the engine's full path.

    python bench/prelabel.py --n 2000 --device cpu --model-size mini --batch-size 64

(a) raw:  the model's batched forward pass alone, on pre-tokenized, pre-padded tensors already
          on the device (the same length-sorted batches the engine builds): the ceiling.
(b) loop: one ``predict([item])`` call per text, as peer tools' ML backends serve tasks.
(c) full: the database-backed pre-label job, see ``full_path``: read open tasks → tokenize →
          model → pooling → zero-shot → validated results → bulk-written Predictions. Target: full ≥ 0.8 × raw and ≥ 10 × loop.

Items/s of each, the ratios, and a last line with one JSON object. Not part of the test run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

from annotation.schema import Schema, parse_schema  # noqa: E402
from prelabel.engine import Encoder, Prelabeler, ZeroShotBackend  # noqa: E402
from prelabel.engine import get_encoder  # noqa: E402
from prelabel.engine.runtime import autocast, length_batches, pad, resolve_device  # noqa: E402

SCHEMA = {"data": {"text": "text"},
          "labels": {"topic": {"type": "choice",
                               "options": ["sports", "politics", "business", "technology",
                                           "health", "entertainment"]}}}
WORDS = ("the match team scored goal season coach league election vote minister policy law "
         "market shares profit bank growth company chip software model data network phone "
         "doctor hospital patients vaccine study film music concert actor festival and of to "
         "in on for with after before new first last big small said reported today").split()


def make_texts(n: int, seed: int) -> list[str]:
    """Sentences of 5-60 words: the spread of lengths real task texts have, so padding and
    sorting matter as they do in production."""
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(5, 60))) + "." for _ in range(n)]


def build_encoder(size: str, device: torch.device) -> Encoder:
    if size == "mini":
        return get_encoder(device=device)
    # BERT-base shape (110M parameters) with random weights: throughput does not depend on
    # what the weights say. The MiniLM tokenizer has BERT-base-uncased's 30522-token vocab.
    tokenizer = get_encoder(device="cpu").tokenizer
    model = BertModel(BertConfig(), add_pooling_layer=False).to(device)
    if device.type == "cuda":
        model = model.to(torch.bfloat16)
    return Encoder(model.eval(), tokenizer, max_length=256)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def raw_forward(encoder: Encoder, texts: list[str], batch_size: int) -> float:
    """(a) Items/s of the bare forward pass; tokenizing and moving to the device are not timed."""
    ids = encoder.tokenize(texts)
    batches = []
    for rows in length_batches([len(t) for t in ids], batch_size):
        input_ids, mask = pad([ids[i] for i in rows], encoder.pad_id)
        batches.append((input_ids.to(encoder.device), mask.to(encoder.device)))
    sync(encoder.device)
    start = time.perf_counter()
    with torch.inference_mode(), autocast(encoder.device):
        for input_ids, mask in batches:
            encoder.model(input_ids=input_ids, attention_mask=mask)
    sync(encoder.device)
    return len(texts) / (time.perf_counter() - start)


def one_per_call(backend: ZeroShotBackend, texts: list[str]) -> float:
    """(b) Items/s when every task is its own request."""
    sync(backend.encoder.device)
    start = time.perf_counter()
    for text in texts:
        backend.predict([{"text": text}])
    sync(backend.encoder.device)
    return len(texts) / (time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# FULL PATH: the database-backed pre-label job, as the Celery worker runs it (read tasks →
# engine → validate → bulk-write Predictions and Task.uncertainty, progress on the Job row).
# ---------------------------------------------------------------------------------------------
def setup_django() -> None:
    """A throwaway SQLite database in a temporary DATA_DIR (unless DATA_DIR is set), migrated."""
    if "DATA_DIR" not in os.environ:
        os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="zhibiao-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def stage(prelabeler: Prelabeler, texts: list[str]) -> int:
    """Not timed: a project holding ``texts`` as open tasks, a registered model version served by
    ``prelabeler`` (the bench's model, possibly BERT-base with random weights), and a queued job."""
    from annotation.models import Organization, Project, Task
    from prelabel.models import ModelVersion
    from prelabel.services import prelabel_job_create, registry

    organization = Organization.objects.create(name=f"bench {time.time_ns()}")
    project = Project.objects.create(organization=organization, name="bench", schema=SCHEMA)
    Task.objects.bulk_create([Task(project=project, data={"text": t}, import_key=str(i))
                              for i, t in enumerate(texts)], batch_size=1000)
    model = ModelVersion.objects.create(project=project, version=f"bench-{project.pk}", kind="zero_shot",
                                        spec={"topic": {"kind": "zero_shot"}}, is_active=True)
    # Serve this version with the bench's model instead of loading it from the spec.
    registry._LOADED.clear()
    registry._LOADED[(model.pk, model.version, json.dumps(project.schema, sort_keys=True))] = prelabeler
    return prelabel_job_create(project=project, actor=None, model=model).pk


def full_path(job_id: int, chunk: int = 512) -> list[Any]:
    """(c) The pre-label job end to end over the database: what a Celery worker does with a job."""
    from annotation.models import Job, Prediction
    from annotation.services.jobs import job_finish, job_start
    from prelabel.services import prelabel_job_run

    job_start(job_id=job_id)
    result = prelabel_job_run(job_id=job_id, chunk_size=chunk)
    job_finish(job_id=job_id, result=result)
    project_id = Job.objects.values_list("project_id", flat=True).get(pk=job_id)
    return list(Prediction.objects.filter(task__project_id=project_id).values_list("pk", flat=True))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--model-size", choices=["mini", "base"], default="mini")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--loop-n", type=int, default=None,
                        help="texts for the one-per-call loop (default: min(n, 300); it is slow)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    setup_django()
    device = resolve_device(args.device)
    encoder = build_encoder(args.model_size, device)
    schema: Schema = parse_schema(SCHEMA)
    backend = ZeroShotBackend(encoder, schema.labels["topic"], field="text",
                              batch_size=args.batch_size)
    prelabeler = Prelabeler(schema, [backend])
    texts = make_texts(args.n, args.seed)
    loop_texts = texts[: args.loop_n or min(args.n, 300)]

    # Warm up each path once (allocator, kernels, CUDA context) so no figure pays for it.
    warm = texts[: min(len(texts), 2 * args.batch_size)]
    raw_forward(encoder, warm, args.batch_size)
    full_path(stage(prelabeler, warm))
    one_per_call(backend, warm[:5])

    raw = raw_forward(encoder, texts, args.batch_size)
    job_id = stage(prelabeler, texts)
    start = time.perf_counter()
    predictions = full_path(job_id)
    sync(device)
    full = len(texts) / (time.perf_counter() - start)
    assert len(predictions) == len(texts)
    loop = one_per_call(backend, loop_texts)

    tokens = sum(len(t) for t in encoder.tokenize(texts)) / len(texts)
    figures = {
        "bench": "prelabel", "model": args.model_size, "device": str(device),
        "threads": torch.get_num_threads(), "n": len(texts), "loop_n": len(loop_texts),
        "batch_size": args.batch_size, "mean_tokens": round(tokens, 1),
        "raw_items_s": round(raw, 1), "loop_items_s": round(loop, 1),
        "full_items_s": round(full, 1), "full_over_raw": round(full / raw, 3),
        "full_over_loop": round(full / loop, 2),
    }
    print(f"model {args.model_size} on {device} ({torch.get_num_threads()} threads), "
          f"{len(texts)} texts, {tokens:.1f} tokens each on average, batch {args.batch_size}")
    print(f"(a) raw forward      {raw:10.1f} items/s")
    print(f"(b) one per call     {loop:10.1f} items/s   ({len(loop_texts)} texts)")
    print(f"(c) full path        {full:10.1f} items/s")
    print(f"full/raw {full / raw:.3f}   full/loop {full / loop:.2f}")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
