"""Serves the built browser app's index.html; Vite's assets are static files under /static/app/."""
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

MISSING = """<!doctype html><meta charset="utf-8"><title>Zhibiao</title>
<p>The browser app is not built. Run <code>make demo</code> (it builds <code>frontend/</code>) or
<code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>. The API is at <a href="/api/docs/">/api/docs/</a>.</p>"""


@ensure_csrf_cookie
def frontend_index(request: HttpRequest) -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(MISSING, status=503)
    return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
