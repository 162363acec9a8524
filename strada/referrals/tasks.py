"""Background tasks of duplicate detection. They receive ids, never personal data."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.db import transaction
from django_tasks import task

from strada.clients.identity import unseal
from strada.clients.models import Client
from strada.orgs.models import Organisation
from strada.referrals import duplicates


@task()
def link_clients(org_id: str, client_ids: list[str]) -> int:
    """Keep the linkage tokens of these clients of the organisation (after a big import); return
    the number of alerts raised."""
    org = Organisation.objects.get(id=org_id)
    with transaction.atomic():
        clients = list(
            Client.objects.filter(organisation=org, id__in=client_ids).select_related(
                "organisation"
            )
        )
        people = [(client.id, unseal(client), client.birth_year) for client in clients]
        return len(duplicates.refresh(org, people))


CHUNK = 2000


def link_after_commit(org_id: object, client_ids: Sequence[object]) -> None:
    """Once the current transaction commits, queue ``link_clients`` for these clients, in chunks."""
    ids = [str(client_id) for client_id in client_ids]
    for start in range(0, len(ids), CHUNK):
        transaction.on_commit(
            partial(link_clients.enqueue, str(org_id), ids[start : start + CHUNK])
        )
