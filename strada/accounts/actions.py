"""Changes a person makes to their own account. Each is one transaction with its audit event.

Security contract: these act on the actor's own account only. A personal access token is shown once,
to its owner, when it is made; only its hash is stored and the audit event names the token row, never
the token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.accounts.models import PersonalAccessToken, User, hash_token
from strada.audit.log import Entry, record
from strada.orgs.policy import can

TOKEN_MAX_DAYS = 365


def do_set_language(actor: User, language: str) -> bool:
    """Set the actor's language (empty: follow the browser). Return whether it changed."""
    if not can(actor, "account.settings"):
        raise PermissionDenied
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    if language == actor.language:
        return False
    with transaction.atomic():
        actor.language = language
        actor.save(update_fields=["language"])
        record(
            Entry(
                action="user.language",
                actor=actor,
                org_id=actor.organisation_id,
                object_type="user",
                object_id=actor.id,
                fields=["language"],
            )
        )
    return True


def do_create_token(actor: User, name: str, days: int) -> tuple[PersonalAccessToken, str]:
    """Make a personal access token valid for ``days`` days; return the row and the token itself,
    which the caller shows once and never stores."""
    if not can(actor, "account.tokens"):
        raise PermissionDenied
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the token a name of at most 100 characters.")})
    if not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token is valid for 1 to %(max)d days.") % {"max": TOKEN_MAX_DAYS}}
        )
    secret = PersonalAccessToken.generate()
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=actor,
            name=name,
            token_hash=hash_token(secret),
            hint=secret[-4:],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record(
            Entry(
                action="token.create",
                actor=actor,
                org_id=actor.organisation_id,
                object_type="token",
                object_id=token.id,
            )
        )
    return token, secret


def do_revoke_token(actor: Any, token: PersonalAccessToken) -> bool:
    """Revoke one of the actor's tokens at once. Return False if it was already revoked."""
    if not can(actor, "account.tokens") or token.user_id != actor.id:
        raise PermissionDenied
    with transaction.atomic():
        updated = PersonalAccessToken.objects.filter(id=token.id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            return False
        record(
            Entry(
                action="token.revoke",
                actor=actor,
                org_id=actor.organisation_id,
                object_type="token",
                object_id=token.id,
            )
        )
    token.refresh_from_db(fields=["revoked_at"])
    return True
