"""Background tasks of the spreadsheet import. They receive a job id, never personal data.

The worker (``strada db_worker``) runs them; tests run them at once with django-tasks' immediate
backend. Each task loads its job and checks its state and the rights of the person behind it.
"""

from __future__ import annotations

from django_tasks import task

from strada.sharing import actions


@task()
def check_import(job_id: str) -> None:
    actions.check_job(job_id)


@task()
def run_import(job_id: str) -> None:
    actions.run_import(job_id)
