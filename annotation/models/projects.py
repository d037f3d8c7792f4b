from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from annotation.models.organizations import Organization
from annotation.schema import SchemaError, parse_schema


class TaskOrder(models.TextChoices):
    SEQUENTIAL = "sequential", "Sequential"
    RANDOM = "random", "Random"
    PRIORITY = "priority", "Priority"
    UNCERTAINTY = "uncertainty", "Model uncertainty"


class PiiPolicy(models.TextChoices):
    FLAG = "flag", "Flag what was found"
    MASK = "mask", "Mask before annotators see it"
    REFUSE = "refuse", "Refuse rows with personal data"


class Project(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=64, default="general")
    description = models.TextField(blank=True)
    instructions = models.TextField(blank=True)
    schema = models.JSONField()
    overlap = models.PositiveSmallIntegerField(default=1)
    task_order = models.CharField(max_length=16, choices=TaskOrder.choices, default=TaskOrder.SEQUENTIAL)
    # Settings read by the review app (what goes to review, stages, thresholds); opaque here.
    review_policy = models.JSONField(default=dict, blank=True)
    # Settings read by the prelabel app (model, batch size, ...); opaque here.
    prelabel = models.JSONField(default=dict, blank=True)
    # Share of next-task answers that are gold tasks (honeypots) for annotators still owing them.
    gold_rate = models.FloatField(default=0.0)
    # What an import does with personal data it detects (ID numbers, phones, e-mail, bank cards).
    pii_policy = models.CharField(max_length=8, choices=PiiPolicy.choices, default=PiiPolicy.FLAG)
    # Price of one token (or media unit) of accepted data, for a release's value statement.
    price_per_token = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(overlap__gte=1, overlap__lte=20), name="project_overlap_range"),
            models.CheckConstraint(condition=models.Q(gold_rate__gte=0, gold_rate__lte=1), name="project_gold_rate_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def parsed_schema(self):
        # Parsed once per instance: a project's schema is read for every result it validates.
        cached = getattr(self, "_parsed_schema", None)
        if cached is None or cached[0] is not self.schema:
            cached = (self.schema, parse_schema(self.schema))
            self._parsed_schema = cached
        return cached[1]

    def clean(self) -> None:
        try:
            parse_schema(self.schema)
        except SchemaError as exc:
            raise ValidationError(exc.as_dict()) from exc
