"""Browser tests: Debian's Chromium driven by Python playwright against pytest-django's live server.

They need the built app (``frontend/dist/index.html``; ``make test`` builds it first) and
``/usr/bin/chromium``; without either they are skipped with the reason. Nothing here downloads a
browser. Each test saves a screenshot under ``tests/e2e/artifacts/``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST_INDEX = Path(os.environ.get("FRONTEND_DIST") or ROOT / "frontend" / "dist") / "index.html"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"  # tests.factories.PASSWORD


def pytest_collection_modifyitems(config, items):
    reason = None
    if not DIST_INDEX.exists():
        reason = f"the front end is not built ({DIST_INDEX} is missing): run `cd frontend && npm ci && npm run build`"
    elif not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: `apt-get install -y chromium fonts-noto-cjk`"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the Python package playwright is not installed"
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().parent == here:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session.

    playwright's sync API keeps an event loop in this thread while it lives; the ORM calls the
    tests make (set-up, checks, the database flush between tests) are still plain synchronous
    calls, so Django's async guard is lifted for exactly that long."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a failed last screenshot must not hide the test's own failure
        pass
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db):
    """The live server runs in another thread, so data must be committed: transactional tests."""


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Path(settings.MEDIA_ROOT).mkdir()
    return Path(settings.MEDIA_ROOT)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Projects").wait_for()
