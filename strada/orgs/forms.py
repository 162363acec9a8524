"""Forms of the organisation and network admin pages. Forms validate input; actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from strada.accounts.models import User
from strada.orgs.actions import ORG_FIELDS
from strada.orgs.models import ROLES_BY_KIND, Organisation, Role


def role_choices(kind: str | None = None, *, network: bool = False) -> list[tuple[str, Any]]:
    """Roles in the order of ``Role``: those of an organisation kind (None: all of them). Only the
    network admin's pages offer the network admin role."""
    allowed = frozenset(Role) if kind is None else ROLES_BY_KIND.get(kind, frozenset())
    return [
        (role.value, role.label)
        for role in Role
        if role in allowed and (network or role != Role.NETWORK_ADMIN)
    ]


def language_choices() -> list[tuple[str, Any]]:
    return [("", _("Follow the browser")), *settings.LANGUAGES]


def set_choices(form: forms.BaseForm, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=150,
        help_text=_("Part of a user name or a name."),
    )


class NetworkUserFilterForm(UserFilterForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.all(),
        empty_label=_("Any"),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", [("", _("Any")), *Role.choices])


_PASSWORD_HELP = _("Leave empty to have a strong password made and shown once.")


class _PasswordField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Initial password"),
            required=False,
            strip=False,
            max_length=128,
            help_text=_PASSWORD_HELP,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            **kwargs,
        )


class UserCreateForm(forms.Form):
    """A new person in one organisation (the organisation admin's form)."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only, e.g. anna.nl."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("Language"), required=False)
    password = _PasswordField()

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network = organisation is None
        set_choices(
            self,
            "role",
            role_choices(organisation.kind if organisation else None, network=network),
        )
        set_choices(self, "language", language_choices())

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        # allauth signs in by user name without regard to case: "Anna" and "anna" would clash.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username


class NetworkUserCreateForm(UserCreateForm):
    """A new person in any organisation (the network admin's form)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(active=True)
    )
    field_order = ["organisation", "username"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisation=None, **kwargs)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", role_choices(organisation.kind if organisation else ""))


class NetworkRoleForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(active=True)
    )
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_("The role must exist in an organisation of this kind."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "role", role_choices(network=True))


class SetPasswordForm(forms.Form):
    password = _PasswordField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("New password")


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ORG_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference_prefix"].required = False
        self.fields["reference_prefix"].help_text = _(
            "Prefix of client reference codes, e.g. 'NL'. Leave empty to use the code."
        )


class OrganisationEditForm(OrganisationForm):
    class Meta:
        model = Organisation
        fields = [name for name in ORG_FIELDS if name != "kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference_prefix"].required = True
