"""Pages of the spreadsheet import and export (``/records/``). Thin: ``actions`` and ``export``
do the work, ``access`` finds the jobs; a large file goes to a background task by its job id.

Exporting needs a recent confirmation of the password or second factor (strada/accounts/reauth.py):
``/records/`` shows the export form only within that window, else a link to ``/records/export/``,
which asks for the confirmation and then shows the same page with the form. A form sent after the
window closed is kept by allauth and answered once the person has confirmed again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strada.accounts.reauth import EXPORT, recently_authenticated, require_recent_authentication
from strada.orgs.policy import can, requires
from strada.sharing import actions, htcds, tasks
from strada.sharing.access import access_job, visible_jobs
from strada.sharing.export import do_export
from strada.sharing.forms import ExportForm, UploadForm
from strada.sharing.models import ImportJob

RECENT_JOBS = 10


@requires("records.export")
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, UploadForm(), ExportForm())


def _index(request: HttpRequest, upload: UploadForm, export: ExportForm) -> HttpResponse:
    jobs = list(visible_jobs(request.user).select_related("created_by")[:RECENT_JOBS])
    return render(
        request,
        "sharing/index.html",
        {
            "upload_form": upload,
            "export_form": export,
            "jobs": jobs,
            "can_import": can(request.user, "records.import"),
            "can_export_identities": can(request.user, "records.export_identities"),
            "export_confirmed": recently_authenticated(request),
            "columns": htcds.COLUMNS,
        },
    )


@requires("records.import")
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, ExportForm())
    job = actions.do_upload(request.user, form.cleaned_data["file"].read())
    if job.background:
        tasks.check_import.enqueue(str(job.id))
    else:
        actions.check_job(job.id)
    return redirect("sharing:job", job_id=job.id)


@requires("records.import")
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access_job(request.user, job_id)
    return render(request, "sharing/job.html", _job_context(job))


def _job_context(job: ImportJob) -> dict[str, object]:
    shown = [
        index
        for index, _name in enumerate(htcds.CODED_HEADER)
        if any(row[index] for row in job.preview)
    ]
    return {
        "job": job,
        "preview_header": [htcds.CODED_HEADER[i] for i in shown],
        "preview_rows": [[row[i] for i in shown] for row in job.preview],
        "more_errors": max(0, job.error_count - len(job.errors)),
    }


@requires("records.import")
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The small fragment the job page polls every two seconds while the job runs."""
    job = access_job(request.user, job_id)
    if not job.is_running:
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return redirect("sharing:job", job_id=job.id)
    return render(request, "sharing/_progress.html", {"job": job})


@requires("records.import")
@require_POST
def job_run(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access_job(request.user, job_id)
    try:
        actions.do_start_import(request.user, job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:job", job_id=job.id)
    if job.background:
        tasks.run_import.enqueue(str(job.id))
    else:
        job = actions.run_import(job.id)
        if job.status == ImportJob.Status.DONE:
            messages.success(
                request,
                _("Imported %(clients)d clients and %(cases)d cases.")
                % {"clients": job.clients_count, "cases": job.cases_count},
            )
    return redirect("sharing:job", job_id=job.id)


@requires("records.import")
@require_POST
def job_discard(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access_job(request.user, job_id)
    try:
        actions.do_discard(request.user, job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:job", job_id=job.id)
    messages.info(request, _("The uploaded file was discarded."))
    return redirect("sharing:index")


@requires("records.export")
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """GET: the page with the export form, once the person has confirmed who they are; POST: the
    file."""
    require_recent_authentication(request, EXPORT)
    if request.method != "POST":
        return _index(request, UploadForm(), ExportForm())
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _index(request, UploadForm(), form)
    with_identities = form.cleaned_data["identities"]
    if with_identities and not can(request.user, "records.export_identities"):
        form.add_error(None, _("Your role may not export identities."))
        return _index(request, UploadForm(), form)
    content, name, content_type = do_export(
        request.user, form.cleaned_data["format"], with_identities
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
