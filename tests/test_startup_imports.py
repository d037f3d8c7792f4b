"""Web processes (gunicorn workers, manage.py commands) must start without torch and transformers:
they cost ~380 MB per process and only inference workers need them. Each check runs in a fresh
interpreter, since the test process itself has long imported torch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers")
# scipy (~50 MB) is only needed to match boxes; a web worker starts without it as well.
HEAVY_AT_START = (*HEAVY, "scipy")
# Engine modules that exist to run models; every other module of the apps must be torch-free.
INFERENCE_MODULES = (
    "prelabel.engine.backends",
    "prelabel.engine.encoder",
    "prelabel.engine.head",
    "prelabel.engine.runtime",
    "prelabel.engine.zero_shot",
)
APPS = ("config", "annotation", "review", "release", "prelabel")


def _run(body: str) -> dict:
    """Run ``body`` after ``django.setup()`` in a fresh interpreter; it prints one JSON line last."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}  # DATA_DIR, DATABASE_URL pass through
    code = "import django, json, sys\ndjango.setup()\n" + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_url_conf_and_every_view_load_without_torch():
    out = _run("""
        from django.urls import URLPattern, get_resolver

        def walk(patterns):
            for p in patterns:
                if isinstance(p, URLPattern):
                    yield p.callback  # imports the view's module
                else:
                    yield from walk(p.url_patterns)

        views = list(walk(get_resolver().url_patterns))
        print(json.dumps({"views": len(views), "loaded": [m for m in %r if m in sys.modules]}))
    """ % (HEAVY_AT_START,))
    assert out["views"] > 50  # the walk reached the apps' API routes
    assert out["loaded"] == []


def test_no_app_module_outside_the_inference_engine_loads_torch():
    out = _run("""
        import importlib
        from pathlib import Path

        heavy, inference, offenders, seen = %r, %r, [], 0
        for app in %r:
            # from the files, not pkgutil.walk_packages: that imports every package it looks into
            for path in sorted(Path(app).rglob("*.py")):
                name = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
                if ".migrations" in name or name.startswith(inference):
                    continue
                importlib.import_module(name)
                seen += 1
                if any(m in sys.modules for m in heavy):
                    offenders.append(name)
                    break
        print(json.dumps({"modules": seen, "offenders": offenders}))
    """ % (HEAVY, INFERENCE_MODULES, APPS))
    assert out["modules"] > 100
    assert out["offenders"] == []


def test_engine_package_is_lazy():
    out = _run("""
        import prelabel.engine as engine
        from prelabel.engine import BackendSpec, EngineError, LabelMap, default_specs, task_uncertainty

        before = [m for m in %r if m in sys.modules]
        engine.get_encoder  # a model-loading name imports its submodule on first use
        print(json.dumps({"before": before, "after": "torch" in sys.modules,
                          "error": EngineError.__module__, "dir": sorted(set(engine.__all__) - set(dir(engine)))}))
    """ % (HEAVY,))
    assert out == {"before": [], "after": True, "error": "prelabel.engine.types", "dir": []}


def test_every_public_engine_name_resolves_to_its_definition():
    import importlib

    import prelabel.engine as engine

    for name in engine.__all__:
        value = getattr(engine, name)
        module = importlib.import_module(f"prelabel.engine.{engine._SUBMODULE[name]}")
        assert value is getattr(module, name), name
    with pytest.raises(AttributeError, match="no_such_name"):
        engine.no_such_name  # noqa: B018
