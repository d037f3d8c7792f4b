"""Text embeddings of tasks for the near-duplicate check.

The review app flags near-duplicate tasks by comparing stored embeddings
(``annotation.TaskEmbedding``); it may not import this app, so the vectors pass through the core's
table. A project's embedding job walks its tasks without an embedding in id chunks, embeds the
first text field of the schema with the built-in encoder (unit vectors) and bulk-inserts them;
``ignore_conflicts`` on the unique (task, model) makes a re-run or a redelivered message harmless.
"""
from __future__ import annotations

from django.db import transaction

from annotation.models import Project, Task, TaskEmbedding

EMBED_CHUNK = 256


def embedding_field(project: Project) -> str | None:
    """The data field worth embedding: the schema's first text field (None for image projects)."""
    return next(iter(project.parsed_schema.text_fields()), None)


def embeddings_store(*, project_id: int, limit: int | None = None) -> int:
    """Embed the project's tasks that have no built-in embedding yet; returns how many were stored."""
    # Imported here: only workers embed, and web processes must not load torch.
    from prelabel.engine import get_encoder
    from prelabel.engine.encoder import builtin_version

    project = Project.objects.get(pk=project_id)
    field = embedding_field(project)
    if field is None:
        return 0
    model = builtin_version()
    encoder = get_encoder()
    stored, last_id = 0, 0
    while limit is None or stored < limit:
        rows = list(Task.objects.filter(project_id=project_id, pk__gt=last_id)
                    .exclude(embeddings__model=model).order_by("pk").values_list("pk", "data")[:EMBED_CHUNK])
        if not rows:
            break
        last_id = rows[-1][0]
        texts = [(pk, data.get(field)) for pk, data in rows if isinstance(data, dict)]
        texts = [(pk, text) for pk, text in texts if isinstance(text, str) and text.strip()]
        if not texts:
            continue
        vectors = encoder.embed([text for _, text in texts])
        with transaction.atomic():
            TaskEmbedding.objects.bulk_create(
                [TaskEmbedding(task_id=pk, model=model, vector=vector.astype("<f4").tobytes())
                 for (pk, _), vector in zip(texts, vectors)], ignore_conflicts=True)
        stored += len(texts)
    return stored
