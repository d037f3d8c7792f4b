"""Hooks through which the apps above add rules to the core without the core importing them.

Work gates: conditions on taking work in a project beyond the caller's role, added by the apps above.

The core knows roles; certification levels belong to the review app, which the core must not
import. So the review app registers a gate here at start-up (``AppConfig.ready``) and next-task
asks every registered gate before it leases anything. A gate raises ``PermissionDenied`` with a
message the annotator can act on ("certify at level 2 in medicine first").
"""
from __future__ import annotations

from collections.abc import Callable

WorkGate = Callable[..., None]  # gate(*, user, project) -> None, raises PermissionDenied
_gates: dict[str, WorkGate] = {}


def register_work_gate(name: str, gate: WorkGate) -> None:
    """Add or replace the gate called ``name`` (replacing keeps ``ready()`` safe to run twice)."""
    _gates[name] = gate


def work_gates_check(*, user, project) -> None:
    for gate in _gates.values():
        gate(user=user, project=project)


# Review policy validators: ``Project.review_policy`` is the review app's dict; it registers a
# validator that raises rest_framework's ValidationError naming the bad key
# (``{"review_policy.stages[1].min_level": [...]}``) so a bad policy is a 400, never stored.
PolicyValidator = Callable[[object], None]
_policy_validators: dict[str, PolicyValidator] = {}


def register_policy_validator(name: str, validator: PolicyValidator) -> None:
    _policy_validators[name] = validator


def policy_validators_check(review_policy) -> None:
    for validator in _policy_validators.values():
        validator(review_policy)


# Pre-label settings validators: ``Project.prelabel`` is the prelabel app's dict; same contract as
# the review policy validators (raise ValidationError naming the key, e.g. "prelabel.retrain_every").
_prelabel_validators: dict[str, PolicyValidator] = {}


def register_prelabel_validator(name: str, validator: PolicyValidator) -> None:
    _prelabel_validators[name] = validator


def prelabel_validators_check(prelabel) -> None:
    for validator in _prelabel_validators.values():
        validator(prelabel)
