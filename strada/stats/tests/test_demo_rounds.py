"""The demo's reporting rounds: three years, every state, safe to run again."""

from __future__ import annotations

import datetime as dt

from strada.conftest import make_org, make_user, register
from strada.stats.demo import build_rounds
from strada.stats.models import ReportingRound, Submission


def test_it_opens_three_rounds_with_submissions_in_every_state(network):
    for code in ("pl", "cz", "md", "ua"):
        make_user(make_org(code, "member", code.upper()), f"dm.{code}", "data_manager")
    make_user(network.bg, "bianca", "data_manager")
    for n in range(3):
        register(network.anna, first_name=f"Demo{n}")
    summary = build_rounds(dt.date(2026, 5, 1), seed=7)
    assert summary["rounds_opened"] == 3
    rounds = list(ReportingRound.objects.order_by("year"))
    assert [(r.year, r.status) for r in rounds] == [
        (2023, "closed"),
        (2024, "closed"),
        (2025, "open"),
    ]
    states = set(Submission.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "returned", "accepted", "published"}
    assert set(Submission.objects.filter(round=rounds[0]).values_list("status", flat=True)) == {
        "published"
    }
    newest = Submission.objects.filter(round=rounds[2])
    assert newest.count() == 5  # six organisations, one has not started
    assert all(s.narrative for s in newest)
    before = Submission.objects.count()
    again = build_rounds(dt.date(2026, 5, 1), seed=7)
    assert again["rounds_opened"] == 0
    assert again["submissions_created"] == 0
    assert Submission.objects.count() == before
