"""Checked reads of a person's own account data.

Security contract: a person sees their own tokens only; another person's token and a missing one both
raise Http404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from strada.accounts.models import PersonalAccessToken
from strada.orgs.policy import can


def own_tokens(user: Any) -> QuerySet[PersonalAccessToken]:
    if not can(user, "account.tokens"):
        return PersonalAccessToken.objects.none()
    return PersonalAccessToken.objects.filter(user_id=user.id)


def access_own_token(user: Any, token_id: Any) -> PersonalAccessToken:
    try:
        token_uuid = token_id if isinstance(token_id, uuid.UUID) else uuid.UUID(str(token_id))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc
    token = own_tokens(user).filter(id=token_uuid).first()
    if token is None:
        raise Http404
    return token
