"""The shared runner of the permission matrices (``tests/<app>/test_permissions.py``).

A matrix maps a route name to entries ``(method, url kwargs builder, body, expected status per
persona)``; the body may be a callable of the world. Each app's module builds its own world and
keeps its own extra checks (jobs created or not); the request itself is made here, one way.
"""
from __future__ import annotations

from django.urls import reverse

PERSONAS = ["owner", "manager", "annotator", "reviewer", "outsider"]


def matrix_cases(matrix: dict) -> list[tuple[str, int, str]]:
    return [(name, i, persona) for name, entries in matrix.items() for i in range(len(entries)) for persona in PERSONAS]


def matrix_request(matrix: dict, route: str, index: int, persona: str, world, client_for, capture_on_commit):
    """Call the route as the persona and assert the expected status; returns the response.

    Work queued on commit (imports, jobs) is captured, never sent: a permission test must not
    reach a broker. GET bodies travel as query parameters."""
    method, kwargs, body, expected = matrix[route][index]
    url = reverse(route, kwargs=kwargs(world))
    client = client_for(world.users[persona])
    if callable(body):
        body = body(world)
    with capture_on_commit(execute=False):
        if method == "get":
            response = client.get(url, body)
        else:
            response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected[persona], (
        route, method, persona, getattr(response, "content", b"")[:300])
    return response
