"""Token authentication in one precompiled query (the token, its user and the user's roles),
remembered for a few seconds per process.

Same contract as rest_framework's ``TokenAuthentication`` (same header, same errors); only the
lookup is cheaper, because every API call of an annotator pays for it: an annotator's next-task
and submit come a few seconds apart, and the lookup was two of the eighteen statements of a
round trip (docs/performance.md).

What a cached entry may miss: a change made in *another* process (a member removed, a user
deactivated, a token deleted by a second gunicorn worker) takes effect there within
``AUTH_CACHE_SECONDS``. A change in this process drops the user's entries at once (the receivers
below); ``AUTH_CACHE_SECONDS=0`` turns the cache off.
"""
from __future__ import annotations

import copy
import time
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from annotation.models import Membership
from annotation.sql import fetch, rows

MAX_ENTRIES = 10_000  # a bound on memory; far above the annotators one process serves


class Entry(NamedTuple):
    expires: float
    user: object
    token: Token


_entries: dict[str, Entry] = {}


@cache
def _token_sql() -> str:
    """The token, its user and the user's roles ("org:role,org:role") in one statement."""
    user, token = get_user_model(), Token
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    roles = (f"(SELECT {concat}(m.organization_id || ':' || m.role, ',') FROM {Membership._meta.db_table} m "
             f"WHERE m.user_id = u.{user._meta.pk.column})")
    return (f"SELECT {rows(user).columns('u')}, {rows(token).columns('t')}, {roles} FROM {token._meta.db_table} t "
            f"JOIN {user._meta.db_table} u ON u.{user._meta.pk.column} = t.user_id WHERE t.key = %s")


def _lookup(key: str) -> tuple[object, Token]:
    row = fetch(_token_sql(), [key])
    if row is None:
        raise AuthenticationFailed(_("Invalid token."))
    users = rows(get_user_model())
    user = users.load(row)
    token = rows(Token).load(row, users.width)
    token.user = user
    # What annotation.access.role_in would read next, in the same statement.
    user._zhibiao_roles = {int(org): role for org, sep, role in
                           (pair.partition(":") for pair in (row[-1] or "").split(",") if pair)}
    return user, token


def _private_copy(user, token: Token) -> tuple[object, Token]:
    """Requests on other threads hold the cached objects too: each gets its own shallow copies,
    so whatever a view sets on ``request.user`` stays in that request. (``copy.copy`` of a model
    goes through pickling's protocol: several times slower, on every request.)"""
    user, token = _clone(user), _clone(token)
    user._zhibiao_roles = dict(user._zhibiao_roles)
    token.user = user
    return user, token


def _clone(instance):
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    clone._state = copy.copy(instance._state)
    clone._state.fields_cache = {}
    return clone


def forget(user_id: int | None = None) -> None:
    """Drop the cached entries of one user, or every entry."""
    if user_id is None:
        _entries.clear()
        return
    for key, entry in list(_entries.items()):
        if entry.user.pk == user_id:
            _entries.pop(key, None)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        ttl = settings.AUTH_CACHE_SECONDS
        now = time.monotonic()
        entry = _entries.get(key) if ttl > 0 else None
        if entry is None or entry.expires <= now:
            user, token = _lookup(key)
            if ttl > 0:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = Entry(now + ttl, user, token)
        else:
            user, token = entry.user, entry.token
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return _private_copy(user, token)


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="auth-cache-membership")
@receiver([post_save, post_delete], sender=Token, dispatch_uid="auth-cache-token")
def _membership_or_token_changed(sender, instance, **kwargs):
    forget(instance.user_id)
    _entries.pop(getattr(instance, "key", None), None)


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL, dispatch_uid="auth-cache-user")
def _user_changed(sender, instance, **kwargs):
    forget(instance.pk)
