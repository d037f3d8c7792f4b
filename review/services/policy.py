"""``Project.review_policy``: what goes to review, in how many stages, at which levels.

Two readers of one dict. ``review_policy_validate`` is strict: it runs before a policy is stored
(registered with ``annotation.gates.register_policy_validator``) and names every bad key in a 400,
``{"review_policy.stages[0].min_level": [...]}``. ``ReviewPolicy.parse`` is lenient: it reads a
stored policy (possibly written before a key existed) and falls back to the default for anything
missing or malformed, so a queue never breaks on an old project.

The checks' own keys (``agreement_threshold``, ``min_lead_time``, ``single_annotation``) are read by
``review.services.checks.Policy``; they are validated here with the rest.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

ROUTES = ("all", "conflicts", "failed_checks", "sample", "low_confidence", "unreliable")
DEFAULT_ROUTE = ("conflicts", "failed_checks", "unreliable")
DEFAULT_STAGES = (3,)
MIN_LEVEL, MAX_LEVEL = 1, 4
MAX_STAGES = 5
PREFIX = "review_policy"


@dataclass(frozen=True)
class ReviewPolicy:
    route: tuple[str, ...] = DEFAULT_ROUTE
    sample_rate: float = 0.1
    low_confidence_below: float = 0.5
    reliability_bar: float = 0.6
    stages: tuple[int, ...] = DEFAULT_STAGES  # min_level per stage
    blind: bool = True
    min_annotator_level: int = 0

    @classmethod
    def parse(cls, raw: Any) -> ReviewPolicy:
        raw = raw if isinstance(raw, Mapping) else {}

        def share(key: str) -> float:
            value = raw.get(key)
            return float(value) if _is_share(value) else getattr(cls, key)

        route = raw.get("route")
        if isinstance(route, list) and all(r in ROUTES for r in route):
            route_t = tuple(dict.fromkeys(route))
        else:
            route_t = DEFAULT_ROUTE
        stages = raw.get("stages")
        levels = [_stage_level(s) for s in stages] if isinstance(stages, list) else []
        stages_t = tuple(levels) if 0 < len(levels) <= MAX_STAGES and None not in levels else DEFAULT_STAGES
        blind = raw.get("blind")
        level = raw.get("min_annotator_level")
        return cls(
            route=route_t,
            sample_rate=share("sample_rate"),
            low_confidence_below=share("low_confidence_below"),
            reliability_bar=share("reliability_bar"),
            stages=stages_t,
            blind=blind if isinstance(blind, bool) else cls.blind,
            min_annotator_level=level if _is_int(level) and 0 <= level <= MAX_LEVEL else cls.min_annotator_level,
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_share(value: Any) -> bool:
    return _is_number(value) and 0 <= value <= 1


def _stage_level(stage: Any) -> int | None:
    if isinstance(stage, Mapping) and set(stage) == {"min_level"}:
        level = stage["min_level"]
        if _is_int(level) and MIN_LEVEL <= level <= MAX_LEVEL:
            return level
    return None


Errors = dict[str, list[str]]


def _check_route(path: str, value: Any) -> Errors:
    if not isinstance(value, list):
        return {path: [_("must be a list of: {options}").format(options=", ".join(ROUTES))]}
    errors = {f"{path}[{i}]": [_("must be one of {options}").format(options=", ".join(ROUTES))]
              for i, name in enumerate(value) if name not in ROUTES}
    if len(set(map(str, value))) != len(value):
        errors[path] = [_("must not repeat a trigger")]
    return errors


def _check_stages(path: str, value: Any) -> Errors:
    if not isinstance(value, list) or not value:
        return {path: [_('must be a non-empty list of {"min_level": 1..4}')]}
    errors: Errors = {}
    if len(value) > MAX_STAGES:
        errors[path] = [_("at most {limit} stages").format(limit=MAX_STAGES)]
    for i, stage in enumerate(value):
        stage_path = f"{path}[{i}]"
        if not isinstance(stage, Mapping):
            errors[stage_path] = [_('must be an object like {"min_level": 3}')]
            continue
        for key in sorted(set(stage) - {"min_level"}):
            errors[f"{stage_path}.{key}"] = [_("unknown key")]
        level = stage.get("min_level")
        if not (_is_int(level) and MIN_LEVEL <= level <= MAX_LEVEL):
            errors[f"{stage_path}.min_level"] = [
                _("must be an integer from {low} to {high}").format(low=MIN_LEVEL, high=MAX_LEVEL)]
    return errors


def _rule(ok: Callable[[Any], bool], message: str) -> Callable[[str, Any], Errors]:
    return lambda path, value: {} if ok(value) else {path: [message]}


SHARE = _rule(_is_share, _("must be a number from 0 to 1"))
CHECKS: dict[str, Callable[[str, Any], Errors]] = {
    "agreement_threshold": SHARE,
    "min_lead_time": _rule(lambda v: _is_number(v) and v >= 0, _("must be a number of seconds ≥ 0")),
    "single_annotation": _rule(lambda v: v in ("accept", "review"), _('must be "accept" or "review"')),
    "route": _check_route,
    "sample_rate": SHARE,
    "low_confidence_below": SHARE,
    "reliability_bar": SHARE,
    "stages": _check_stages,
    "blind": _rule(lambda v: isinstance(v, bool), _("must be true or false")),
    "model_confidence": SHARE,
    "near_duplicate_similarity": SHARE,
    "span_token_boundaries": _rule(lambda v: isinstance(v, bool), _("must be true or false")),
    "min_annotator_level": _rule(lambda v: _is_int(v) and 0 <= v <= MAX_LEVEL,
                                 format_lazy(_("must be an integer from {low} to {high}"), low=0, high=MAX_LEVEL)),
}


def review_policy_validate(review_policy: Any) -> None:
    """Raise a DRF ValidationError naming every bad key; return None for a valid policy."""
    if not isinstance(review_policy, Mapping):
        raise ValidationError({PREFIX: [_("must be an object")]})
    errors: Errors = {}
    for key, value in review_policy.items():
        path = f"{PREFIX}.{key}"
        check = CHECKS.get(key)
        if check is None:
            errors[path] = [_("unknown key; known keys: {keys}").format(keys=", ".join(CHECKS))]
        else:
            errors.update(check(path, value))
    if errors:
        raise ValidationError(errors)
