from django.db import models

from annotation.models.tasks import Task


class TaskEmbedding(models.Model):
    """A task's text embedding, written by the prelabel app, read by the review app (near-duplicate
    checks). It lives in the core because those two apps must not import each other; the core
    stores the vector and knows nothing of how it was computed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="embeddings", db_index=False)
    model = models.CharField(max_length=200)  # the encoder's version, e.g. builtin-minilm-v1
    # float32, little-endian, L2-normalised: cosine similarity is a dot product.
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "model"], name="task_embedding_unique")]
