"""A third member for referral tests: MD, with Maria (caseworker) and Mihai (supervisor)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from strada.accounts.models import User
from strada.clients.actions import ConsentInput, do_record_consent
from strada.conftest import make_org, make_user
from strada.orgs.models import Organisation


@dataclass
class Moldova:
    org: Organisation
    maria: User
    mihai: User


@pytest.fixture
def md(network: Any) -> Moldova:
    org = make_org("md", "member", "MD")
    return Moldova(
        org=org,
        maria=make_user(org, "maria", "caseworker"),
        mihai=make_user(org, "mihai", "supervisor"),
    )


def consent_to(actor: Any, client: Any, recipient: Any = None, entry: Any = None) -> Any:
    """Record the client's consent to be referred to ``recipient`` (or a directory ``entry``)."""
    return do_record_consent(
        actor,
        client,
        ConsentInput(
            purpose="referral",
            given_on=dt.date(2026, 3, 1),
            wording_version="2026-1",
            language="en",
            recipient=recipient,
            recipient_entry=entry,
        ),
    )
