"""API schemas of referrals and duplicate alerts. Input rejects unknown fields, as everywhere in the
API; the rules that need the database (the recipient, the consent, which side may answer) are the
actions'.

The answers are built for one side: a referral says ``sent`` or ``received`` and names the caller's
own client only (the sender's client to the sender, the receiver's to the receiver, never the other
side's); a duplicate alert names the caller's own client and the other organisation only once that
organisation has chosen to be known. A package answers only the fields that travelled.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator, model_serializer

from strada.clients.models import Client
from strada.clients.schemas import INPUT, _invalid
from strada.orgs.models import Organisation
from strada.referrals import codes, package
from strada.referrals.actions import MAX_REASON
from strada.referrals.models import DuplicateAlert, Referral

Direction = Literal["sent", "received"]


def _printable(value: str | None) -> str | None:
    # PostgreSQL's text columns refuse NUL; say so rather than fail on the write.
    if value and "\x00" in value:
        raise _invalid("nul_character", _("Remove the NUL character from the text."))
    return value


# Referrals


class ReferralIn(Schema):
    """A referral of a client of your organisation to another organisation of the network
    (``recipient``) or to an entry of the directory outside it (``recipient_entry``)."""

    model_config = INPUT

    client_id: uuid.UUID = Field(description="A client of your organisation.")
    recipient: str | None = Field(
        None,
        max_length=64,
        description="The organisation referred to: its code (e.g. md) or id. Another active "
        "member or affiliate. Give this or recipient_entry.",
        examples=["md"],
    )
    recipient_entry: uuid.UUID | None = Field(
        None, description="A directory entry outside the network, by id, instead of recipient."
    )
    purpose: codes.Reason = Field(description="HTCDS cas_ReasonForOutgoingReferral.")
    urgency: codes.Urgency = codes.Urgency.ROUTINE
    fields: list[str] = Field(
        min_length=1,
        max_length=len(package.FIELDS),
        description="The fields of the client's record that travel, and nothing else. The message "
        "travels when given, whether or not it is named here.",
        json_schema_extra={"items": {"type": "string", "enum": list(package.FIELDS)}},
        examples=[["first_name", "second_name", "birth_date", "gender", "message"]],
    )
    message: str = Field(
        "",
        max_length=package.MAX_MESSAGE,
        description="The details of the referral (HTCDS cas_OutgoingReferralDetails): needs, "
        "arrangements, logistics.",
    )
    override_reason: str = Field(
        "",
        max_length=MAX_REASON,
        description="Only for a supervisor referring a client who has not consented to this "
        "recipient: why. Audited. Ignored when the client has consented.",
    )
    in_reply_to: uuid.UUID | None = Field(
        None,
        description="An update about a client you accepted from the organisation now referred "
        "to: the referral you accepted.",
    )

    _valid_text = field_validator("recipient", "message", "override_reason")(_printable)

    @field_validator("fields")
    @classmethod
    def _package_fields(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in package.FIELDS]
        if unknown:
            raise _invalid(
                "package_field", _("Unknown field: %(name)s") % {"name": unknown[0][:64]}
            )
        return list(dict.fromkeys(value))

    def package_fields(self) -> list[str]:
        if self.message and package.MESSAGE not in self.fields:
            return [*self.fields, package.MESSAGE]
        return self.fields


class DeclineIn(Schema):
    model_config = INPUT

    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON,
        description="Why the referral is declined; the sender reads it.",
    )

    _valid_reason = field_validator("reason")(_printable)


class ReferralFilters(Schema):
    box: Direction | None = Field(
        None, description="sent: the referrals you sent; received: your inbox. Both if left out."
    )
    status: codes.Status | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)


class OrganisationRef(Schema):
    id: uuid.UUID
    code: str = Field(examples=["md"])
    name: str

    @classmethod
    def build(cls, org: Organisation) -> "OrganisationRef":
        return cls(id=org.id, code=org.code, name=org.name)


class EntryRef(Schema):
    id: uuid.UUID
    name: str


class ReferralOut(Schema):
    id: uuid.UUID
    direction: Direction = Field(description="Whether your organisation sent or received it.")
    other_organisation: OrganisationRef | None = Field(
        description="The organisation at the other end; null for a referral to a directory entry."
    )
    directory_entry: EntryRef | None = Field(
        description="The directory entry referred to, outside the network; else null."
    )
    purpose: codes.Reason
    urgency: codes.Urgency
    status: codes.Status = Field(
        description="sent, then accepted or declined (or revoked by the sender while it is sent); "
        "an accepted referral is completed. A referral to a directory entry goes from sent to "
        "completed."
    )
    sent_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None = Field(description="When it was completed or revoked.")
    package_fields: list[str] = Field(description="The names of the fields that travelled.")
    client_id: uuid.UUID | None = Field(
        description="Your own client: the one you referred, or (as the receiver) the record made "
        "for you on acceptance; null before that. Never the other organisation's client."
    )
    in_reply_to: uuid.UUID | None = Field(
        description="The referral this one is an update about, if any."
    )

    @classmethod
    def values(cls, referral: Referral, org_id: Any) -> dict[str, Any]:
        sent = referral.sender_id == org_id
        other = referral.recipient if sent else referral.sender
        entry = referral.recipient_entry
        return {
            "id": referral.id,
            "direction": "sent" if sent else "received",
            "other_organisation": OrganisationRef.build(other) if other is not None else None,
            "directory_entry": EntryRef(id=entry.id, name=entry.name) if entry else None,
            "purpose": referral.purpose,
            "urgency": referral.urgency,
            "status": referral.status,
            "sent_at": referral.sent_at,
            "answered_at": referral.answered_at,
            "closed_at": referral.closed_at,
            "package_fields": list(referral.package_fields),
            "client_id": referral.source_client_id if sent else referral.receiver_client_id,
            "in_reply_to": referral.in_reply_to_id,
        }

    @classmethod
    def build(cls, referral: Referral, org_id: Any) -> "ReferralOut":
        """The referral as the organisation ``org_id`` (its sender or its receiver) sees it."""
        return cls.model_validate(cls.values(referral, org_id))


class PackageOut(Schema):
    """The fields that travelled, copied when the referral was sent; a field that did not travel
    (or was empty) is left out. Codes are HTCDS value names, countries ISO 3166, languages ISO 639.
    """

    first_name: str | None = None
    middle_name: str | None = None
    second_name: str | None = None
    first_name_latin: str | None = None
    second_name_latin: str | None = None
    aliases: str | None = None
    birth_date: dt.date | None = None
    identity_number: str | None = None
    mobile_phone: str | None = None
    email: str | None = None
    mailing_street: str | None = None
    mailing_city: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    age_band: str | None = None
    citizenship: list[str] | None = None
    primary_language: str | None = None
    secondary_language: str | None = None
    marital_status: str | None = None
    highest_level_of_education: str | None = None
    number_of_children: int | None = None
    mailing_country: str | None = None
    type_of_exploitation: list[str] | None = Field(None, description="From the client's cases.")
    identification_date: dt.date | None = Field(
        None, description="The earliest of the client's cases."
    )
    message: str | None = Field(None, description="The details of the referral.")

    @model_serializer(mode="wrap")
    def _only_what_travelled(self, handler: Any) -> Any:
        return {name: value for name, value in handler(self).items() if value is not None}


class ReferralDetail(ReferralOut):
    package: PackageOut | None = Field(
        description="The package, decrypted; every answer that carries it is recorded in the "
        "audit log. Null for the receiver of a revoked or declined referral."
    )
    decline_reason: str | None = Field(description="The receiver's reason, once declined.")
    override_reason: str | None = Field(
        None,
        description="The supervisor's reason for referring without the client's consent; null "
        "when the client consented.",
    )


class ReferralList(Schema):
    items: list[ReferralOut]
    count: int = Field(description="All matching referrals, on every page.")
    page: int
    page_size: int


# Duplicate alerts


class AlertFilters(Schema):
    status: codes.AlertStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)


class AnswerIn(Schema):
    model_config = INPUT

    accept: bool = Field(
        strict=True,
        description="true: both organisations learn who the other is; false: the request is "
        "declined.",
    )


class AlertOut(Schema):
    """A likely match between one of your clients and a client of another organisation. Nothing of
    the other record is shown, ever; the other organisation only once it has sent you a contact
    request or accepted yours."""

    id: uuid.UUID
    client_id: uuid.UUID = Field(description="Your own client.")
    client_reference: str = Field(examples=["NL-2026-00042"])
    found_at: dt.datetime
    strength: str = Field(
        description="How the linkage tokens matched: ND names and full birth date, NY names and "
        "birth year, TD names one typo apart and full birth date.",
        examples=["ND"],
    )
    status: codes.AlertStatus
    contact_requested_by: Literal["you", "other"] | None = Field(
        description="Who sent the contact request, if one was sent."
    )
    requested_at: dt.datetime | None
    answered_at: dt.datetime | None
    other_organisation: OrganisationRef | None = Field(
        description="The organisation on the other side, once it may be known; else null."
    )

    @classmethod
    def build(
        cls, alert: DuplicateAlert, org_id: Any, client: Client, other: Organisation | None
    ) -> "AlertOut":
        """The alert as ``org_id``'s side sees it: its own ``client``, and ``other`` only if
        ``access.other_organisation_shown`` said so."""
        requested_by: Literal["you", "other"] | None = None
        if alert.requested_by_id is not None:
            requested_by = "you" if alert.requested_by_id == org_id else "other"
        return cls(
            id=alert.id,
            client_id=client.id,
            client_reference=client.reference,
            found_at=alert.found_at,
            strength=alert.strength,
            status=codes.AlertStatus(alert.status),
            contact_requested_by=requested_by,
            requested_at=alert.requested_at,
            answered_at=alert.answered_at,
            other_organisation=OrganisationRef.build(other) if other is not None else None,
        )


class AlertList(Schema):
    items: list[AlertOut]
    count: int = Field(description="All matching alerts, on every page.")
    page: int
    page_size: int
