"""Pages of the organisation admin (the own organisation's people) and of the network admin
(organisations, and everyone's organisation and role). Thin: forms validate, ``access`` reads,
``actions`` write."""

from __future__ import annotations

import copy
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from strada.accounts.models import User
from strada.orgs import actions
from strada.orgs.access import (
    access_network_user,
    access_org_user,
    access_organisation,
    network_organisations,
    network_users,
    org_users,
)
from strada.orgs.forms import (
    NetworkRoleForm,
    NetworkUserCreateForm,
    NetworkUserFilterForm,
    OrganisationEditForm,
    OrganisationForm,
    RoleForm,
    SetPasswordForm,
    UserCreateForm,
    UserFilterForm,
)
from strada.orgs.models import Organisation
from strada.orgs.policy import requires
from strada.web.forms import add_errors


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page:
    return Paginator(rows, settings.STRADA_PAGE_SIZE).get_page(request.GET.get("page"))


def _search(people: QuerySet[User], query: str) -> QuerySet[User]:
    query = query.strip()
    if not query:
        return people
    return people.filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    )


def _create_user(
    request: HttpRequest, form: UserCreateForm, organisation: Organisation, back: str
) -> HttpResponse | None:
    """Create the person from a valid form. A password the admin did not type is made here and
    shown once, in this response only: it is never stored in clear or put in a URL or session."""
    data = form.cleaned_data
    password = data["password"] or actions.generate_password()
    try:
        person = actions.do_create_user(
            request.user,
            organisation=organisation,
            username=data["username"],
            role=data["role"],
            password=password,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            language=data["language"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return None
    messages.success(request, _("User %(name)s created.") % {"name": person.username})
    if data["password"]:
        return redirect(back)
    return render(
        request, "orgs/password_shown.html", {"person": person, "password": password, "back": back}
    )


def _set_active(
    request: HttpRequest, person: User, active: bool, back: str, cancel: str
) -> HttpResponse:
    """GET asks for confirmation; POST deactivates (or reactivates) and ends every session."""
    if request.method == "POST":
        if person.is_active == active:
            messages.info(request, _("Nothing was changed."))
            return redirect(back)
        try:
            actions.do_set_active(request.user, person, active)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if active:
                messages.success(request, _("%(name)s can sign in again.") % {"name": person})
            else:
                messages.success(
                    request,
                    _("%(name)s was deactivated: their sessions and tokens have ended.")
                    % {"name": person},
                )
        return redirect(back)
    return render(
        request,
        "orgs/user_set_active.html",
        {"person": person, "name": person.username, "active": active, "cancel": cancel},
    )


# The organisation admin: the people of the own organisation.


@requires("org.users.manage")
def users(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    people = org_users(request.user)
    if form.is_valid():
        people = _search(people, form.cleaned_data["q"])
    elif form.is_bound:
        people = people.none()
    return render(
        request,
        "orgs/users.html",
        {
            "form": form,
            "page": _page(request, people.order_by("username")),
            "filtered": bool(request.GET.get("q")),
        },
    )


@requires("org.users.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    organisation = cast(User, request.user).organisation
    if organisation is None:
        raise Http404
    form = UserCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        response = _create_user(request, form, organisation, reverse("orgs:users"))
        if response is not None:
            return response
    return render(request, "orgs/user_create.html", {"form": form, "back": reverse("orgs:users")})


@requires("org.users.manage")
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    """A person of the own organisation; POST changes their role (which ends their sessions)."""
    person = access_org_user(request.user, user_id)
    form = RoleForm(
        request.POST or None, organisation=person.organisation, initial={"role": person.role}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["role"] == person.role:
            messages.info(request, _("Nothing was changed."))
            return redirect("orgs:user", user_id=person.id)
        try:
            actions.do_change_role(request.user, person, form.cleaned_data["role"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Role changed: their sessions have ended."))
            return redirect("orgs:user", user_id=person.id)
    return render(request, "orgs/user_detail.html", {"person": person, "form": form})


@requires("org.users.manage")
def user_deactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    person = access_org_user(request.user, user_id)
    back = reverse("orgs:user", args=[person.id])
    return _set_active(request, person, False, back, back)


@requires("org.users.manage")
def user_reactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    person = access_org_user(request.user, user_id)
    back = reverse("orgs:user", args=[person.id])
    return _set_active(request, person, True, back, back)


@requires("org.users.manage")
def user_password(request: HttpRequest, user_id: str) -> HttpResponse:
    """Set a new password for a person; a made password is shown once, in this response only."""
    person = access_org_user(request.user, user_id)
    back = reverse("orgs:user", args=[person.id])
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["password"]
        password = typed or actions.generate_password()
        try:
            actions.do_set_password(request.user, person, password)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("New password set: their sessions have ended."))
            if typed:
                return redirect(back)
            return render(
                request,
                "orgs/password_shown.html",
                {"person": person, "password": password, "back": back},
            )
    return render(request, "orgs/user_password.html", {"person": person, "form": form})


# The network admin: organisations.


@requires("network.orgs.manage")
def organisations(request: HttpRequest) -> HttpResponse:
    rows = network_organisations(request.user).order_by("kind", "code")
    return render(request, "orgs/organisations.html", {"page": _page(request, rows)})


@requires("network.orgs.manage")
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            org = actions.do_create_organisation(request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Organisation %(name)s created.") % {"name": org.name})
            return redirect("orgs:organisations")
    return render(request, "orgs/organisation_form.html", {"form": form, "org": None})


@requires("network.orgs.manage")
def organisation_edit(request: HttpRequest, org_id: str) -> HttpResponse:
    org = access_organisation(request.user, org_id)
    # The form works on a copy: validation must not change the row the action compares against.
    form = OrganisationEditForm(request.POST or None, instance=copy.copy(org))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            changed = actions.do_update_organisation(request.user, org, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("orgs:organisations")
    return render(request, "orgs/organisation_form.html", {"form": form, "org": org})


def _set_org_active(request: HttpRequest, org_id: str, active: bool) -> HttpResponse:
    org = access_organisation(request.user, org_id)
    if request.method == "POST":
        if org.active == active:
            messages.info(request, _("Nothing was changed."))
            return redirect("orgs:organisations")
        try:
            actions.do_update_organisation(request.user, org, active=active)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if active:
                messages.success(request, _("%(name)s is active again.") % {"name": org.name})
            else:
                messages.success(
                    request,
                    _("%(name)s was deactivated: its people can no longer work in Strada.")
                    % {"name": org.name},
                )
        return redirect("orgs:organisations")
    return render(
        request,
        "orgs/organisation_set_active.html",
        {"org": org, "name": org.name, "active": active},
    )


@requires("network.orgs.manage")
def organisation_deactivate(request: HttpRequest, org_id: str) -> HttpResponse:
    return _set_org_active(request, org_id, False)


@requires("network.orgs.manage")
def organisation_reactivate(request: HttpRequest, org_id: str) -> HttpResponse:
    return _set_org_active(request, org_id, True)


# The network admin: everyone's organisation and role.


@requires("network.users.manage")
def network_user_list(request: HttpRequest) -> HttpResponse:
    form = NetworkUserFilterForm(request.GET or None)
    people = network_users(request.user)
    if form.is_valid():
        data = form.cleaned_data
        people = _search(people, data["q"])
        if data["organisation"]:
            people = people.filter(organisation=data["organisation"])
        if data["role"]:
            people = people.filter(role=data["role"])
    elif form.is_bound:
        people = people.none()
    return render(
        request,
        "orgs/network_users.html",
        {
            "form": form,
            "page": _page(request, people.order_by("organisation__code", "username")),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )


@requires("network.users.manage")
def network_user_create(request: HttpRequest) -> HttpResponse:
    form = NetworkUserCreateForm(request.POST or None)
    back = reverse("orgs:network_users")
    if request.method == "POST" and form.is_valid():
        response = _create_user(request, form, form.cleaned_data["organisation"], back)
        if response is not None:
            return response
    return render(request, "orgs/user_create.html", {"form": form, "back": back})


@requires("network.users.manage")
def network_user(request: HttpRequest, user_id: str) -> HttpResponse:
    """A person of any organisation; POST moves them to another organisation and/or role."""
    person = access_network_user(request.user, user_id)
    form = NetworkRoleForm(
        request.POST or None,
        initial={"organisation": person.organisation_id, "role": person.role},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["role"] == person.role and data["organisation"].id == person.organisation_id:
            messages.info(request, _("Nothing was changed."))
            return redirect("orgs:network_user", user_id=person.id)
        try:
            actions.do_change_role(request.user, person, data["role"], data["organisation"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Organisation and role changed: their sessions have ended.")
            )
            return redirect("orgs:network_user", user_id=person.id)
    return render(request, "orgs/network_user.html", {"person": person, "form": form})


@requires("network.users.manage")
def network_user_deactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    person = access_network_user(request.user, user_id)
    back = reverse("orgs:network_user", args=[person.id])
    return _set_active(request, person, False, back, back)


@requires("network.users.manage")
def network_user_reactivate(request: HttpRequest, user_id: str) -> HttpResponse:
    person = access_network_user(request.user, user_id)
    back = reverse("orgs:network_user", args=[person.id])
    return _set_active(request, person, True, back, back)
