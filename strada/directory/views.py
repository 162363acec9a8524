"""Pages of the contact directory. Thin: forms validate, ``access`` reads, ``actions`` write.

Everyone signed in reads (``directory.view``) and exports, after confirming their password or second
factor again (``require_recent_authentication``); the keepers (``directory.manage``) add, change and
deactivate the entries they keep.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from strada.accounts.reauth import EXPORT, require_recent_authentication
from strada.directory import actions, export, vcard
from strada.directory.access import (
    access_entry,
    access_entry_for_edit,
    access_person,
    keeps_everything,
    may_edit_entry,
    search_entries,
)
from strada.directory.forms import ContactPersonForm, EntryFilterForm, EntryForm
from strada.directory.models import Entry
from strada.orgs.policy import requires
from strada.web.forms import add_errors


def _filtered(request: HttpRequest) -> tuple[EntryFilterForm, QuerySet[Entry]]:
    form = EntryFilterForm(request.GET or None)
    entries = search_entries(request.user)
    if form.is_valid():
        entries = search_entries(request.user, **form.filters())
    elif form.is_bound:
        entries = entries.none()
    return form, entries


@requires("directory.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, settings.STRADA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "export_query": query.urlencode(),
        },
    )


@requires("directory.view")
def entry_detail(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = access_entry(request.user, entry_id)
    return render(
        request,
        "directory/detail.html",
        {
            "entry": entry,
            "people": entry.people.all(),
            "may_edit": may_edit_entry(request.user, entry),
        },
    )


@requires("directory.manage")
def entry_create(request: HttpRequest) -> HttpResponse:
    may_choose_owner = keeps_everything(request.user)
    form = EntryForm(
        request.POST or None,
        may_choose_owner=may_choose_owner,
        initial={"last_verified": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.do_create_entry(request.user, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Entry %(name)s added.") % {"name": entry.name})
            return redirect("directory:detail", entry_id=entry.id)
    return render(request, "directory/form.html", {"form": form, "entry": None})


@requires("directory.manage")
def entry_edit(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = access_entry_for_edit(request.user, entry_id)
    form = EntryForm(
        request.POST or None,
        may_choose_owner=keeps_everything(request.user),
        initial=EntryForm.initial_from(entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_entry(request.user, entry, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("directory:detail", entry_id=entry.id)
    return render(request, "directory/form.html", {"form": form, "entry": entry})


@requires("directory.manage")
@require_POST
def entry_verified(request: HttpRequest, entry_id: str) -> HttpResponse:
    """Someone checked the details today: one click, no form."""
    entry = access_entry_for_edit(request.user, entry_id)
    actions.do_update_entry(request.user, entry, last_verified=timezone.localdate())
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:detail", entry_id=entry.id)


def _set_active(request: HttpRequest, entry_id: str, active: bool) -> HttpResponse:
    entry = access_entry_for_edit(request.user, entry_id)
    if request.method == "POST":
        if actions.do_set_entry_active(request.user, entry, active):
            if active:
                messages.success(request, _("%(name)s is listed again.") % {"name": entry.name})
            else:
                messages.success(
                    request,
                    _("%(name)s was deactivated: it is no longer listed.") % {"name": entry.name},
                )
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("directory:detail", entry_id=entry.id)
    return render(
        request, "directory/set_active.html", {"entry": entry, "name": entry.name, "active": active}
    )


@requires("directory.manage")
def entry_deactivate(request: HttpRequest, entry_id: str) -> HttpResponse:
    return _set_active(request, entry_id, False)


@requires("directory.manage")
def entry_reactivate(request: HttpRequest, entry_id: str) -> HttpResponse:
    return _set_active(request, entry_id, True)


@requires("directory.manage")
def person_add(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = access_entry_for_edit(request.user, entry_id)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_contact_person(request.user, entry, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Contact person added."))
            return redirect("directory:detail", entry_id=entry.id)
    return render(
        request, "directory/person_form.html", {"form": form, "entry": entry, "person": None}
    )


@requires("directory.manage")
def person_edit(request: HttpRequest, entry_id: str, person_id: str) -> HttpResponse:
    entry = access_entry_for_edit(request.user, entry_id)
    person = access_person(request.user, entry, person_id)
    form = ContactPersonForm(request.POST or None, initial=ContactPersonForm.initial_from(person))
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_contact_person(request.user, person, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("directory:detail", entry_id=entry.id)
    return render(
        request, "directory/person_form.html", {"form": form, "entry": entry, "person": person}
    )


@requires("directory.manage")
def person_remove(request: HttpRequest, entry_id: str, person_id: str) -> HttpResponse:
    entry = access_entry_for_edit(request.user, entry_id)
    person = access_person(request.user, entry, person_id)
    if request.method == "POST":
        actions.do_remove_contact_person(request.user, person)
        messages.success(request, _("Contact person removed."))
        return redirect("directory:detail", entry_id=entry.id)
    return render(request, "directory/person_remove.html", {"entry": entry, "person": person})


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export_rows(request: HttpRequest) -> list[Entry]:
    _form, entries = _filtered(request)
    return list(entries.prefetch_related("people"))


@requires("directory.view")
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (with a byte-order mark, so that spreadsheets read UTF-8)."""
    require_recent_authentication(request, EXPORT)
    rows = _export_rows(request)
    actions.do_record_export(request.user, "csv", len(rows))
    filename = f"strada-directory-{timezone.localdate().isoformat()}.csv"
    return _download("\ufeff" + export.to_csv(rows), "text/csv", filename)


@requires("directory.view")
def export_vcf(request: HttpRequest) -> HttpResponse:
    """The filtered list as vCards: each entry and its contact persons."""
    require_recent_authentication(request, EXPORT)
    rows = _export_rows(request)
    actions.do_record_export(request.user, "vcard", len(rows))
    filename = f"strada-directory-{timezone.localdate().isoformat()}.vcf"
    return _download(vcard.cards(rows), "text/vcard", filename)


@requires("directory.view")
def entry_vcf(request: HttpRequest, entry_id: str) -> HttpResponse:
    entry = access_entry(request.user, entry_id)
    require_recent_authentication(request, EXPORT)
    actions.do_record_export(request.user, "vcard", 1, entry=entry)
    return _download(vcard.cards([entry]), "text/vcard", f"{entry.id}.vcf")
