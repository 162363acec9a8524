"""``{% client_referrals client %}``: the referrals of one client on the client's page.

The client page belongs to the clients app; this tag lets it show the client's referrals without
the clients app knowing about them. Only the case roles of the client's own organisation see them
(through ``referrals.access``), each row naming the other organisation and never its record.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from strada.orgs.policy import can
from strada.referrals import access

register = template.Library()


@register.inclusion_tag("referrals/_client_referrals.html", takes_context=True)
def client_referrals(context: Any, client: Any) -> dict[str, Any]:
    user = context["request"].user
    if not can(user, "referral.view") or client.organisation_id != user.organisation_id:
        return {"shown": False}
    org_id = user.organisation_id
    referrals = (
        access.visible_referrals(user)
        .filter(
            Q(sender_id=org_id, source_client_id=client.id)
            | Q(recipient_id=org_id, receiver_client_id=client.id)
        )
        .select_related("sender", "recipient", "recipient_entry")
        .defer("package_enc", "sender_wrapped_key", "recipient_wrapped_key", "decline_reason_enc")
    )
    rows = []
    for referral in referrals:
        sent = referral.sender_id == org_id
        if not sent:
            other = referral.sender.name
        elif referral.recipient is not None:
            other = referral.recipient.name
        else:
            other = referral.recipient_entry.name if referral.recipient_entry else "—"
        rows.append({"referral": referral, "sent": sent, "other": other})
    return {
        "shown": True,
        "client": client,
        "rows": rows,
        "may_send": can(user, "referral.send"),
    }
