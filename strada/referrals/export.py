"""The encrypted export of a referral outside the network.

A directory entry is not part of the network: it holds no organisation key, so the package cannot be
wrapped for it. Instead the sender exports the package as a referral letter in PDF, encrypted with
AES-256 (pypdf) under a password that Strada makes, shows the sender once and never keeps. The sender
hands the file over (e-mail, a USB stick) and gives the password by another channel (a phone call),
so that one intercepted channel reveals nothing.

Security contract: only a case worker of the sending organisation may export, only a referral to a
directory entry, only while it is sent (not revoked nor completed). Reading the package is audited
by ``access.read_package``; the export itself is recorded as an ``ExternalExport`` row (who, when,
which fields, for which entry, the file's SHA-256) and a ``referral.export`` audit event, in one
transaction. The password is in no row, no audit event, no log line and no URL.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django_countries import countries

from strada.audit.log import Entry, record
from strada.cases import codes as case_codes
from strada.clients import codes as client_codes
from strada.directory.models import Entry as DirectoryEntry
from strada.directory.models import language_names
from strada.orgs.actions import generate_password
from strada.orgs.policy import can
from strada.referrals import access, codes, package
from strada.referrals.models import ExternalExport, Referral
from strada.stats.network_export import to_pdf

_CODE_LISTS: dict[str, Any] = {
    "gender": client_codes.Gender,
    "age_band": client_codes.AgeBand,
    "marital_status": client_codes.MaritalStatus,
    "highest_level_of_education": client_codes.HighestLevelOfEducation,
    "type_of_exploitation": case_codes.TypeOfExploitation,
}


def external_referral(user: Any, referral_id: Any) -> Referral:
    """A referral to a directory entry that the user's organisation sent; Http404 for any other
    (missing, another organisation's, or a referral within the network: nothing to export)."""
    referral = access.access_referral(user, referral_id)
    if referral.sender_id != user.organisation_id:
        raise Http404
    if not referral.is_external:
        raise Http404
    return referral


def exports_of(referral: Referral) -> QuerySet[ExternalExport]:
    """The files made of a referral already reached through ``external_referral``, newest first."""
    return ExternalExport.objects.filter(referral=referral).select_related("made_by", "entry")


def short_id(referral: Referral) -> str:
    """The reference both sides can quote on the phone, also the file's name: no personal data."""
    return referral.id.hex[:8]


def file_name(referral: Referral) -> str:
    return f"referral-{short_id(referral)}.pdf"


def _label_of(choices: Any, code: Any) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def shown_value(name: str, value: Any) -> str:
    """A package value as the recipient reads it: codes by their labels, countries and languages by
    name (in the language active when called)."""
    items = value if isinstance(value, list) else [value]
    if name in ("citizenship", "mailing_country"):
        return ", ".join(str(countries.name(code) or code) for code in items)
    if name in ("primary_language", "secondary_language"):
        return ", ".join(language_names([str(code) for code in items]))
    if name in _CODE_LISTS:
        return ", ".join(_label_of(_CODE_LISTS[name], code) for code in items)
    return ", ".join(str(item) for item in items)


def _language(actor: Any) -> str:
    """The sender's language: their own setting, else the one of the page they are on."""
    language = getattr(actor, "language", "") or translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def letter_html(actor: Any, referral: Referral, values: dict[str, Any]) -> str:
    """The referral letter as HTML, in the sender's language."""
    with translation.override(_language(actor)):
        rows = [
            (package.label(name), shown_value(name, values[name]))
            for name in package.FIELDS
            if name in values and name != package.MESSAGE
        ]
        return render_to_string(
            "referrals/export_letter.html",
            {
                "language": translation.get_language(),
                "referral": referral,
                "reference": short_id(referral),
                "sender": referral.sender,
                "contact": actor,
                "entry": referral.recipient_entry,
                "rows": rows,
                "message": values.get(package.MESSAGE, ""),
                "made_on": timezone.localdate(),
            },
        )


@sensitive_variables("password")
def encrypt(pdf: bytes, password: str) -> bytes:
    """The PDF locked with AES-256: the password opens it; the owner password (to change the
    permissions) is random and thrown away."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=generate_password(), algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _check(actor: Any, referral: Referral) -> DirectoryEntry:
    if not can(actor, "referral.export") or actor.organisation_id != referral.sender_id:
        raise PermissionDenied
    if not referral.is_external:
        raise ValidationError(_("Only a referral to a directory entry can be exported."))
    if referral.status != codes.Status.SENT:
        raise ValidationError(
            _("Only a sent referral can be exported, not a completed or revoked one.")
        )
    entry = referral.recipient_entry
    if entry is None or not entry.active:
        raise ValidationError(_("This directory entry is no longer active."))
    return entry


@sensitive_variables("password", "pdf")
def do_export_external(actor: Any, referral: Referral) -> tuple[bytes, str]:
    """Make the encrypted referral letter of an external referral: returns the file and its
    password, which the caller shows once and forgets. Records the export and audits it."""
    entry = _check(actor, referral)
    values = access.read_package(actor, referral)
    password = generate_password()
    pdf = encrypt(to_pdf(letter_html(actor, referral, values)), password)
    fields = sorted(values)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(id=referral.id)
        if locked.status != codes.Status.SENT:
            raise ValidationError(
                _("Only a sent referral can be exported, not a completed or revoked one.")
            )
        ExternalExport.objects.create(
            referral=locked,
            entry=entry,
            fields=fields,
            sha256=hashlib.sha256(pdf).hexdigest(),
            made_by=actor,
        )
        record(
            Entry(
                action="referral.export",
                actor=actor,
                org_id=locked.sender_id,
                object_type="referral",
                object_id=locked.id,
                fields=fields,
            )
        )
    return pdf, password
