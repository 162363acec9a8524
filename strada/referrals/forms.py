"""Forms of the referral pages. Forms check the shape of the input; ``actions`` decide and write.

The referral form names its recipient in one select: ``org:<id>`` for an organisation of the
network, ``entry:<id>`` for a directory entry outside it. The package's fields are checkboxes,
none ticked by default: what travels is chosen one field at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strada.clients.models import Consent
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.referrals import actions, codes, package

ORG = "org:"
ENTRY = "entry:"

FIELD_GROUPS: list[tuple[Any, dict[str, Any]]] = [
    (_("Identity (encrypted in the package)"), package.IDENTITY_FIELDS),
    (_("About the client (coded)"), package.CODED_FIELDS),
    (_("From the client's cases"), package.CASE_FIELDS),
]


def _checkbox_choices() -> list[tuple[Any, list[tuple[str, Any]]]]:
    return [
        (group, [(name, label) for name, label in fields.items()]) for group, fields in FIELD_GROUPS
    ]


def consented_keys(consents: Iterable[Consent]) -> set[str]:
    """The recipient choices the client's active referral consents cover (``org:<id>``...)."""
    keys = set()
    for consent in consents:
        if consent.recipient_id:
            keys.add(f"{ORG}{consent.recipient_id}")
        if consent.recipient_entry_id:
            keys.add(f"{ENTRY}{consent.recipient_entry_id}")
    return keys


class ReferralForm(forms.Form):
    """Sending a referral, or an update back (then the recipient is fixed and not in the form)."""

    recipient = forms.ChoiceField(
        label=_("Refer to"),
        help_text=_(
            "An organisation of the network, or an entry of the directory outside the network."
        ),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *codes.Reason.choices])
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=codes.Urgency.choices, initial=codes.Urgency.ROUTINE
    )
    package_fields = forms.MultipleChoiceField(
        label=_("Fields that travel in the package"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "check"}),
        help_text=_(
            "Tick only what the receiver needs. Nothing else of the record is sent; empty fields "
            "are left out."
        ),
    )
    message = forms.CharField(
        label=_("Details of the referral"),
        required=False,
        max_length=package.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Needs, arrangements, logistics. Travels in the package, encrypted, when filled in."
        ),
    )
    # Always in the form so that a forged reason reaches the server's check (and is refused there
    # for a caseworker); the page shows it to supervisors only.
    override_reason = forms.CharField(
        label=_("Reason for referring without the client's consent"),
        required=False,
        max_length=actions.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Supervisors only, and only when the client cannot consent and the referral cannot "
            "wait (for instance a medical emergency). Leave empty when the client has consented. "
            "The reason is recorded in the audit log and shown to the receiver."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        consented: set[str],
        fixed_recipient: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.fields["package_fields"]
        assert isinstance(chosen, forms.MultipleChoiceField)
        chosen.choices = _checkbox_choices()
        if fixed_recipient:
            del self.fields["recipient"]
            return
        self._organisations = {
            f"{ORG}{org.id}": org for org in actions.recipients_for(organisation)
        }
        self._entries = {
            f"{ENTRY}{entry.id}": entry
            for entry in Entry.objects.filter(active=True)
            .only("id", "name", "country", "city", "active")
            .order_by("country", "name")
        }
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = _recipient_choices(self._organisations, self._entries, consented)

    def clean_recipient(self) -> Organisation | Entry:
        key = self.cleaned_data["recipient"]
        if key in self._organisations:
            return self._organisations[key]
        return self._entries[key]

    def chosen_fields(self) -> list[str]:
        """The ticked fields, and the message when one was written."""
        chosen = list(self.cleaned_data.get("package_fields") or [])
        if (self.cleaned_data.get("message") or "").strip():
            chosen.append(package.MESSAGE)
        return chosen

    def recipient_parts(self) -> tuple[Organisation | None, Entry | None]:
        chosen = self.cleaned_data.get("recipient")
        if isinstance(chosen, Organisation):
            return chosen, None
        if isinstance(chosen, Entry):
            return None, chosen
        return None, None


def _recipient_choices(
    organisations: dict[str, Organisation], entries: dict[str, Entry], consented: set[str]
) -> list[Any]:
    def shown(key: str, name: str, place: str) -> str:
        label = f"{name} ({place})" if place else name
        if key in consented:
            label = str(_("%(recipient)s · client consented") % {"recipient": label})
        return label

    choices: list[Any] = [("", "—")]
    network = [
        (key, shown(key, org.name, str(org.country.name))) for key, org in organisations.items()
    ]
    if network:
        choices.append((_("Organisations of the network"), network))
    by_country: dict[str, list[tuple[str, str]]] = {}
    for key, entry in entries.items():
        by_country.setdefault(str(entry.country.name), []).append(
            (key, shown(key, entry.name, entry.city))
        )
    for country, group in by_country.items():
        choices.append((_("Directory: %(country)s") % {"country": country}, group))
    return choices


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the referral declined?"),
        max_length=actions.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The sending organisation reads this. Say what would help it find another way; "
            "the reason is stored encrypted."
        ),
    )


class ConfirmForm(forms.Form):
    """An empty form: accepting, revoking or completing is confirmed by posting it."""


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *codes.Status.choices], required=False
    )
