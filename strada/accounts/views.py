"""The signed-in person's own settings: language, second factor, password and API tokens."""

from __future__ import annotations

from typing import cast

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from strada.accounts import actions
from strada.accounts.access import access_own_token, own_tokens
from strada.accounts.forms import LanguageForm, TokenForm
from strada.accounts.models import User
from strada.accounts.reauth import TOKEN, require_recent_authentication
from strada.orgs.policy import requires
from strada.web.forms import add_errors


@requires("account.settings")
def settings_page(request: HttpRequest) -> HttpResponse:
    """POST sets the language; the page also says which second factors are set up."""
    actor = cast(User, request.user)
    form = LanguageForm(request.POST or None, initial={"language": actor.language})
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_set_language(actor, form.cleaned_data["language"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Language saved."))
            return redirect("accounts:settings")
    types = list(Authenticator.objects.filter(user=actor).values_list("type", flat=True))
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "has_totp": Authenticator.Type.TOTP in types,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
            "webauthn_keys": types.count(Authenticator.Type.WEBAUTHN),
        },
    )


@requires("account.tokens")
def tokens(request: HttpRequest) -> HttpResponse:
    rows = own_tokens(request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": rows})


@requires("account.tokens")
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a token; it is shown once, in this response only, and never stored in clear.

    A token reads through the API what the person may read, without ever re-authenticating, so
    making one needs the same recent confirmation as an export.
    """
    require_recent_authentication(request, TOKEN)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.do_create_token(
                cast(User, request.user), form.cleaned_data["name"], form.cleaned_data["days"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
    return render(request, "accounts/token_create.html", {"form": form})


@requires("account.tokens")
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    """GET asks for confirmation; POST revokes the token at once."""
    token = access_own_token(request.user, token_id)
    if request.method == "POST":
        if actions.do_revoke_token(request.user, token):
            messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        else:
            messages.info(request, _("This token was already revoked."))
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
