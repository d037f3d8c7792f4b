"""The model's "uncertainty" index (project, status, uncertainty DESC, id) serves SQLite only.

On PostgreSQL a DESC column sorts NULLs first, so that index cannot serve the pick's
``uncertainty DESC NULLS LAST`` order; migration 0002 added the NULLS LAST twin that does. The
model's index is dropped there: one index fewer to maintain on every task inserted (imports).
"""
from django.db import migrations

INDEX = "task_uncertainty_idx"


def _index(apps):
    model = apps.get_model("annotation", "Task")
    return model, next(index for index in model._meta.indexes if index.name == INDEX)


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(*_index(apps))


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(*_index(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("annotation", "0004_task_embedding"),
    ]

    operations = [
        migrations.RunPython(drop_on_postgresql, create_on_postgresql),
    ]
