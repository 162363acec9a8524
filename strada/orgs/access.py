"""Checked reads of organisations and their people, for the admin pages.

Security contract: an organisation admin reaches the people of their own organisation only
(``org.users.manage``); a network admin reaches every organisation and every person
(``network.orgs.manage`` / ``network.users.manage``). Anyone else reaches nobody. A person or an
organisation out of reach and one that does not exist both raise Http404.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from strada.accounts.models import User
from strada.orgs.models import Organisation
from strada.orgs.policy import can

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def _with_second_factor(users: QuerySet[User]) -> QuerySet[User]:
    return users.annotate(
        has_second_factor=Exists(
            Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
        )
    )


def org_users(actor: Any) -> QuerySet[User]:
    """The people of the actor's own organisation, for its organisation admin."""
    if not can(actor, "org.users.manage"):
        return User.objects.none()
    return _with_second_factor(User.objects.filter(organisation_id=actor.organisation_id))


def network_users(actor: Any) -> QuerySet[User]:
    """Every person of the network, for the network admin."""
    if not can(actor, "network.users.manage"):
        return User.objects.none()
    return _with_second_factor(User.objects.select_related("organisation"))


def access_org_user(actor: Any, user_id: Any) -> User:
    """A person of the actor's own organisation; Http404 for anyone else's or a missing one."""
    user = org_users(actor).select_related("organisation").filter(id=_as_uuid(user_id)).first()
    if user is None:
        raise Http404
    return user


def access_network_user(actor: Any, user_id: Any) -> User:
    """Any person of the network, for the network admin; Http404 otherwise."""
    user = network_users(actor).filter(id=_as_uuid(user_id)).first()
    if user is None:
        raise Http404
    return user


def network_organisations(actor: Any) -> QuerySet[Organisation]:
    """Every organisation with its number of active users, for the network admin."""
    if not can(actor, "network.orgs.manage"):
        return Organisation.objects.none()
    return Organisation.objects.annotate(user_count=Count("users", filter=Q(users__is_active=True)))


def access_organisation(actor: Any, org_id: Any) -> Organisation:
    """An organisation, for the network admin; Http404 otherwise."""
    if not can(actor, "network.orgs.manage"):
        raise Http404
    org = Organisation.objects.filter(id=_as_uuid(org_id)).first()
    if org is None:
        raise Http404
    return org
