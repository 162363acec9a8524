"""The encrypted export of a referral to a directory entry outside the network.

GET shows what will leave Strada (the entry and its contact details, the names of the package
fields) and the files already made; POST makes a new file and its password. Both need a recent
confirmation of the password or second factor (strada/accounts/reauth.py), asked for once the
referral is found, so that an outsider still gets the same 404: opening the page asks for it, and
the POST that follows within the window goes straight through. A POST sent after the window closed
is kept by allauth and answered, with the file and its password, once the person has confirmed.

The password must be shown once and the file downloaded, from one POST. The answer to the POST is
a page that shows the password and carries the file itself as a ``data:`` link (``download`` names
it ``referral-<short id>.pdf``). We chose this over a one-time link to a copy kept server-side:
nothing of the package is kept anywhere after the response (no cache entry to expire or to leak,
no token in a URL or an access log), it works with any number of server processes (the cache is
per process), and the file is already AES-256 encrypted. The page is ``no-store``: reloading it
would send the form again and make a new file with a new password, recorded like the first.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables

from strada.accounts.reauth import EXPORT, require_recent_authentication
from strada.orgs.policy import requires
from strada.referrals import codes, export, package

PAGE_SIZE = 25


@requires("referral.export")
@sensitive_variables("pdf", "password")
def referral_export(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = export.external_referral(request.user, referral_id)
    require_recent_authentication(request, EXPORT)
    if request.method == "POST":
        try:
            pdf, password = export.do_export_external(request.user, referral)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:export", referral_id=referral.id)
        response = render(
            request,
            "referrals/export_done.html",
            {
                "referral": referral,
                "entry": referral.recipient_entry,
                "password": password,
                "file_url": "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii"),
                "file_name": export.file_name(referral),
            },
        )
        response["Cache-Control"] = "no-store, private"
        return response
    entry = referral.recipient_entry
    assert entry is not None  # an external referral names its entry
    page = Paginator(export.exports_of(referral), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/export.html",
        {
            "referral": referral,
            "reference": export.short_id(referral),
            "entry": entry,
            "people": list(entry.people.all()),
            "fields": _labels(referral.package_fields),
            "may_export": referral.status == codes.Status.SENT and entry.active,
            "page": page,
            "files": [(made, _labels(made.fields)) for made in page.object_list],
        },
    )


def _labels(names: list[str]) -> list[str]:
    return [package.label(name) for name in package.FIELDS if name in names]
