"""Checked reads of import jobs.

Security contract: a job is reachable only by people of its own organisation allowed
``records.import``; a job of another organisation and a missing one both raise Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from strada.clients.access import _as_uuid
from strada.orgs.policy import can
from strada.sharing.models import ImportJob


def visible_jobs(user: Any) -> QuerySet[ImportJob]:
    """The import jobs of the user's organisation, for roles allowed ``records.import``."""
    if not can(user, "records.import"):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=user.organisation_id)


def access_job(user: Any, job_id: Any) -> ImportJob:
    """The job with this id if the user may see it; Http404 otherwise (missing or forbidden)."""
    job = visible_jobs(user).select_related("organisation").filter(id=_as_uuid(job_id)).first()
    if job is None:
        raise Http404
    return job
