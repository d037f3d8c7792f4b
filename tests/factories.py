"""factory_boy factories and a few ready-made schemas shared by every suite."""
from __future__ import annotations

import itertools

import factory
from django.contrib.auth import get_user_model

from annotation.models import Membership, Organization, Project, Role, Task

PASSWORD = "correct-horse-battery"

TEXT_SCHEMA = {
    "data": {"text": "text"},
    "labels": {
        "sentiment": {"type": "choice", "options": ["pos", "neg", "neu"], "required": True},
        "topics": {"type": "multi_choice", "options": ["finance", "sports", "health"]},
        "entities": {"type": "spans", "on": "text", "options": ["PER", "ORG", "LOC"]},
        "quality": {"type": "rating", "min": 1, "max": 5},
        "note": {"type": "text"},
    },
}
IMAGE_SCHEMA = {
    "data": {"image": "image"},
    "labels": {
        "objects": {"type": "boxes", "on": "image", "options": ["car", "person"]},
        "shape": {"type": "polygons", "on": "image", "options": ["lesion"]},
    },
}
COT_SCHEMA = {
    "data": {"question": "text", "response_a": "text", "response_b": "text"},
    "labels": {
        "reasoning": {"type": "chain_of_thought", "on": "question"},
        "better": {"type": "preference", "between": ["response_a", "response_b"]},
    },
}

_keys = itertools.count()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Base {n}")
    city = "Hefei"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.ANNOTATOR


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    schema = factory.LazyFunction(lambda: dict(TEXT_SCHEMA))
    overlap = 1


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    data = factory.Sequence(lambda n: {"text": f"Zhang San joined Acme in Hefei, story {n}."})
    import_key = factory.LazyFunction(lambda: f"factory-{next(_keys)}")
