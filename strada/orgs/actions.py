"""Changes to organisations and their people. Each is one transaction with its audit event.

Security contract: network admins create and change organisations and may move people between them;
an organisation admin manages the people of its own organisation only, and never gives a role that its
organisation's kind does not allow. Access ends everywhere when a person is deactivated or their role
or organisation changes (the session epoch moves on).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.accounts.models import User
from strada.audit.log import Entry, record
from strada.orgs.keys import master_fingerprint, new_wrapped_org_key
from strada.orgs.models import ROLES_BY_KIND, Organisation, Role
from strada.orgs.policy import can

ORG_FIELDS = [
    "code",
    "name",
    "kind",
    "org_type",
    "country",
    "city",
    "street",
    "postal_code",
    "phone",
    "email",
    "website",
    "reference_prefix",
]


def do_create_organisation(actor: Any, **values: Any) -> Organisation:
    """Create an organisation with its own key (wrapped by the master key). ``actor`` may be None
    only for the command line (``strada demo``), where the operator is the actor."""
    if actor is not None and not can(actor, "network.orgs.manage"):
        raise PermissionDenied
    unknown = set(values) - set(ORG_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        org = Organisation(id=uuid.uuid4(), **values)
        if not org.reference_prefix:
            org.reference_prefix = org.code.upper()[:8]
        org.wrapped_key = new_wrapped_org_key(org.id)
        org.master_key_fingerprint = master_fingerprint()
        org.full_clean(exclude=["wrapped_key", "master_key_fingerprint"])
        org.save()
        record(
            Entry(
                action="org.create",
                actor=actor,
                org_id=org.id,
                object_type="organisation",
                object_id=org.id,
                fields=sorted(values),
            )
        )
    return org


def do_update_organisation(actor: Any, org: Organisation, **values: Any) -> list[str]:
    if not can(actor, "network.orgs.manage"):
        raise PermissionDenied
    allowed = {*ORG_FIELDS, "active"} - {"kind"}
    if set(values) - allowed:
        raise ValidationError(_("These fields cannot be changed here."))
    if values.get("active") is False and actor.organisation_id == org.id:
        raise ValidationError(_("You cannot deactivate your own organisation."))
    with transaction.atomic():
        changed = [name for name, value in values.items() if getattr(org, name) != value]
        for name in changed:
            setattr(org, name, values[name])
        if not changed:
            return []
        org.full_clean(exclude=["wrapped_key", "master_key_fingerprint"])
        org.save(update_fields=changed)
        record(
            Entry(
                action="org.update",
                actor=actor,
                org_id=org.id,
                object_type="organisation",
                object_id=org.id,
                fields=changed,
            )
        )
    return changed


def _check_role(org: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND.get(org.kind, frozenset()):
        raise ValidationError(
            {"role": _("This role does not exist in an organisation of this kind.")}
        )


def _may_manage(actor: Any, org: Organisation) -> bool:
    if actor is None:
        return True  # the command line
    if can(actor, "network.users.manage"):
        return True
    return can(actor, "org.users.manage") and actor.organisation_id == org.id


def _check_network_role(actor: Any, *roles: str) -> None:
    """Only a network admin (or the command line) gives or takes the network admin role: an
    organisation admin of the secretariat must not be able to raise someone to the whole network."""
    if actor is None or can(actor, "network.users.manage"):
        return
    if Role.NETWORK_ADMIN in roles:
        raise PermissionDenied


_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password() -> str:
    """A random password that is easy to read out and type: four groups of five (about 98 bits)."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4))


def _validated_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def do_create_user(
    actor: Any,
    *,
    organisation: Organisation,
    username: str,
    role: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "",
) -> User:
    """Create a person's account in an organisation. ``password=None`` makes an account that cannot
    sign in until a password is set."""
    if not _may_manage(actor, organisation):
        raise PermissionDenied
    _check_network_role(actor, role)
    _check_role(organisation, role)
    with transaction.atomic():
        user = User(
            username=username,
            organisation=organisation,
            role=role,
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
        )
        if password:
            _validated_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        record(
            Entry(
                action="user.create",
                actor=actor,
                org_id=organisation.id,
                object_type="user",
                object_id=user.id,
                fields=["role"],
            )
        )
    return user


def do_change_role(
    actor: Any, user: User, role: str, organisation: Organisation | None = None
) -> User:
    """Give a person another role (and, for the network admin, another organisation). All the
    person's sessions end and their tokens are revoked; nothing happens if nothing changes."""
    organisation = organisation or user.organisation
    if organisation is None or not _may_manage(actor, user.organisation or organisation):
        raise PermissionDenied
    if organisation.id != user.organisation_id and not (
        actor is None or can(actor, "network.users.manage")
    ):
        raise PermissionDenied
    _check_network_role(actor, role, user.role)
    if actor is not None and actor.id == user.id:
        raise ValidationError(_("You cannot change your own role."))
    _check_role(organisation, role)
    if role == user.role and organisation.id == user.organisation_id:
        return user
    with transaction.atomic():
        changed = ["role"] if role != user.role else []
        if organisation.id != user.organisation_id:
            changed.append("organisation")
        user.role = role
        user.organisation = organisation
        user.session_epoch += 1
        user.save(update_fields=["role", "organisation", "session_epoch"])
        user.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        record(
            Entry(
                action="user.role_change",
                actor=actor,
                org_id=organisation.id,
                object_type="user",
                object_id=user.id,
                fields=changed,
            )
        )
    return user


def do_set_active(actor: Any, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a person. Deactivation ends every session and token at once."""
    if user.organisation is None or not _may_manage(actor, user.organisation):
        raise PermissionDenied
    _check_network_role(actor, user.role)
    if actor is not None and actor.id == user.id:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.session_epoch += 1
        user.save(update_fields=["is_active", "session_epoch"])
        if not active:
            user.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        record(
            Entry(
                action="user.activate" if active else "user.deactivate",
                actor=actor,
                org_id=user.organisation_id,
                object_type="user",
                object_id=user.id,
            )
        )
    return user


def do_set_password(actor: Any, user: User, password: str) -> User:
    """Set a new password for a person (who forgot theirs). Their sessions end, because the
    password is part of the session hash. An admin changes their own password in their settings."""
    if user.organisation is None or not _may_manage(actor, user.organisation):
        raise PermissionDenied
    _check_network_role(actor, user.role)
    if actor is not None and actor.id == user.id:
        raise ValidationError(_("Change your own password on your settings page."))
    _validated_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(
            Entry(
                action="user.set_password",
                actor=actor,
                org_id=user.organisation_id,
                object_type="user",
                object_id=user.id,
                fields=["password"],
            )
        )
    return user
