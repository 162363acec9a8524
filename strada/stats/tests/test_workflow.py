"""National submissions from round to publication: the member prepares, corrects and submits, the
secretariat reviews; permissions, disclosure control at submission, the consent rule, the CSV
upload and the audit trail.

Most tests replace the computation by fixed figures (``computed``) so that each step is checked on
known numbers; the consent rule is checked with the real computation over real records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strada.audit.models import AuditEvent
from strada.conftest import make_org, make_user, register
from strada.stats import actions
from strada.stats.models import (
    Flag,
    Indicator,
    NetworkSetting,
    Observation,
    ReportingRound,
    Source,
    Submission,
    SubmissionStatus,
)

D = dt.date
FIGURES = {
    ("VICTIMS", ""): Decimal(12),
    ("VICTIMS", "sex=female"): Decimal(9),
    ("VICTIMS", "sex=male"): Decimal(3),
    ("SERVED", ""): Decimal(40),
}


@pytest.fixture
def bianca(network):
    """The data manager of BG."""
    return make_user(network.bg, "bianca", "data_manager")


@pytest.fixture
def catalogue(db):
    """A small catalogue of its own (whatever the default one holds is set aside)."""
    Indicator.objects.update(active=False)
    return {
        "VICTIMS": Indicator.objects.create(
            code="VICTIMS", version=1, name="Registered victims", definition="Persons registered.",
            unit="person", disaggregations=["sex"], computation="victims",
            validation={"min": 0}, position=1,
        ),
        "SERVED": Indicator.objects.create(
            code="SERVED", version=1, name="Clients served", definition="Clients with a service.",
            unit="person", computation="served", position=2,
        ),
        "HOTLINE": Indicator.objects.create(
            code="HOTLINE", version=1, name="Hotline contacts", definition="Calls and messages.",
            unit="contact", position=3,
        ),
        "MINORS": Indicator.objects.create(
            code="MINORS", version=1, name="Minor victims", definition="Persons under 18.",
            unit="person", validation={"not_above": "VICTIMS"}, position=4,
        ),
    }  # fmt: skip


@pytest.fixture
def round_(network, catalogue):
    return actions.do_open_round(
        network.nick, year=2026, half=None, opens_on=D(2026, 1, 1), deadline=D(2099, 1, 31)
    )


@pytest.fixture
def computed(monkeypatch):
    """The computation replaced by fixed figures; ``computed.values`` may be changed by a test."""
    result = SimpleNamespace(values=dict(FIGURES), included_clients=12, excluded_without_consent=2)
    monkeypatch.setattr(actions.compute, "compute_figures", lambda org, rnd: result)
    return result


@pytest.fixture
def draft(network, round_, computed):
    """NL's draft, computed, with the manual figures filled in."""
    submission = actions.do_prepare_submission(network.boris, round_)
    actions.do_set_figure(network.boris, submission, indicator_code="HOTLINE", cell="", value="250")
    actions.do_set_figure(network.boris, submission, indicator_code="MINORS", cell="", value="2")
    return submission


@pytest.fixture
def submitted(network, draft):
    return actions.do_submit(network.boris, draft)


def _values(submission: Submission) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    return {
        (o.indicator.code, o.cell): (o.value, o.flag)
        for o in Observation.objects.filter(submission=submission).select_related("indicator")
    }


def _body(response) -> str:
    return response.content.decode()


# --- Rounds and the catalogue -----------------------------------------------------------------


def test_it_opens_a_round_with_the_active_indicators(network, login, catalogue):
    http = login(network.nick)
    response = http.post(
        "/figures/rounds/open/",
        {"year": "2025", "half": "2", "opens_on": "2026-01-05", "deadline": "2026-03-31"},
    )
    assert response.status_code == 302
    opened = ReportingRound.objects.get(year=2025, half=2)
    assert set(opened.indicators.values_list("code", flat=True)) == set(catalogue)
    assert "2025 H2" in _body(http.get("/figures/"))
    again = http.post(
        "/figures/rounds/open/",
        {"year": "2025", "half": "2", "opens_on": "2026-01-05", "deadline": "2026-03-31"},
    )
    assert "already a round for this period" in _body(again)


def test_it_refuses_a_deadline_before_the_opening(network, login, catalogue):
    response = login(network.nick).post(
        "/figures/rounds/open/",
        {"year": "2025", "opens_on": "2026-03-05", "deadline": "2026-01-31"},
    )
    assert response.status_code == 200
    assert not ReportingRound.objects.exists()


def test_it_keeps_the_old_version_in_old_rounds(network, login, round_, catalogue):
    http = login(network.nick)
    page = _body(http.get("/figures/catalogue/add/"))
    assert "Counting unit" in page
    response = http.post(
        "/figures/catalogue/VICTIMS/revise/",
        {
            "name": "Registered victims",
            "definition": "Persons registered, new definition.",
            "unit": "person",
            "disaggregations": "sex",
        },
    )
    assert response.status_code == 302
    versions = Indicator.objects.filter(code="VICTIMS").order_by("version")
    assert [(i.version, i.active) for i in versions] == [(1, False), (2, True)]
    assert round_.indicators.get(code="VICTIMS").version == 1
    newer = actions.do_open_round(
        network.nick, year=2027, half=None, opens_on=D(2027, 1, 1), deadline=D(2027, 3, 1)
    )
    assert newer.indicators.get(code="VICTIMS").version == 2


def test_it_closes_a_round(network, login, round_, computed):
    http = login(network.nick)
    assert http.post(f"/figures/rounds/{round_.id}/close/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == "closed"
    with pytest.raises(ValidationError):
        actions.do_prepare_submission(network.boris, round_)


@pytest.mark.parametrize("who", ["dana", "boris", "anna", "olga"])
def test_it_lets_only_the_network_admin_manage_rounds_and_the_catalogue(network, login, who,
                                                                        round_):  # fmt: skip
    http = login(getattr(network, who))
    assert http.get("/figures/rounds/open/").status_code == 403
    assert http.post(f"/figures/rounds/{round_.id}/close/").status_code == 403
    assert http.get("/figures/catalogue/add/").status_code == 403
    assert http.get("/figures/catalogue/").status_code == 200


def test_it_keeps_partners_out(network, login, round_):
    http = login(network.pat)
    for path in ("/figures/", "/figures/catalogue/", f"/figures/rounds/{round_.id}/review/"):
        assert http.get(path).status_code == 403


# --- Preparing a submission (the member) ------------------------------------------------------


def test_it_computes_a_draft_and_shows_who_was_left_out(network, login, round_, computed):
    http = login(network.boris)
    assert "Compute our figures" in _body(http.get("/figures/"))
    response = http.post(f"/figures/rounds/{round_.id}/prepare/")
    submission = Submission.objects.get(organisation=network.nl)
    assert response["Location"] == f"/figures/submissions/{submission.id}/"
    assert submission.status == SubmissionStatus.DRAFT
    assert _values(submission)[("VICTIMS", "sex=male")] == (Decimal(3), Flag.OK)
    page = _body(http.get(response["Location"]))
    assert "2 clients without consent to statistics" in page
    assert submission.excluded_without_consent == 2


def test_it_leaves_out_clients_without_consent_in_the_real_computation(network, login,
                                                                       bianca):  # fmt: skip
    from strada.stats.catalogue import ensure_catalogue

    ensure_catalogue()
    rnd = actions.do_open_round(
        network.nick, year=2026, half=None, opens_on=D(2026, 1, 1), deadline=D(2099, 1, 31)
    )
    for n in range(3):
        register(network.chiara, first_name=f"Consenting{n}")
    register(network.chiara, first_name="Refusing", consents=["services"])
    submission = actions.do_prepare_submission(bianca, rnd)
    assert submission.excluded_without_consent == 1
    page = _body(login(bianca).get(f"/figures/submissions/{submission.id}/"))
    assert "1 client without consent to statistics" in page


def test_it_keeps_manual_figures_when_recomputing(network, draft, computed):
    actions.do_set_figure(network.boris, draft, indicator_code="SERVED", cell="", value="41",
                          comment="Two clients merged after a duplicate check")  # fmt: skip
    computed.values[("VICTIMS", "")] = Decimal(13)
    actions.do_prepare_submission(network.boris, draft.round)
    values = _values(draft)
    assert values[("VICTIMS", "")] == (Decimal(13), Flag.OK)
    assert values[("SERVED", "")] == (Decimal(41), Flag.OK)
    assert values[("HOTLINE", "")] == (Decimal(250), Flag.OK)
    served = Observation.objects.get(submission=draft, indicator__code="SERVED")
    assert served.source == Source.MANUAL


def test_it_needs_a_comment_to_change_a_computed_figure(network, login, draft):
    http = login(network.boris)
    response = http.post(
        f"/figures/submissions/{draft.id}/figure/",
        {"indicator": "SERVED", "cell": "", "value": "39", "comment": ""},
    )
    assert "Say why you change a computed figure" in _body(response)
    assert _values(draft)[("SERVED", "")] == (Decimal(40), Flag.OK)
    response = http.post(
        f"/figures/submissions/{draft.id}/figure/",
        {"indicator": "SERVED", "cell": "", "value": "39", "comment": "One client counted twice"},
    )
    assert response.status_code == 302
    assert _values(draft)[("SERVED", "")] == (Decimal(39), Flag.OK)


def test_it_refuses_figures_the_indicator_cannot_hold(network, draft):
    with pytest.raises(ValidationError):
        actions.do_set_figure(network.boris, draft, indicator_code="HOTLINE", cell="sex=female",
                              value="3")  # fmt: skip
    with pytest.raises(ValidationError):
        actions.do_set_figure(network.boris, draft, indicator_code="HOTLINE", cell="", value="-3")
    with pytest.raises(ValidationError):
        actions.do_set_figure(network.boris, draft, indicator_code="NOPE", cell="", value="3")


def test_it_saves_the_narrative(network, login, draft):
    http = login(network.boris)
    response = http.post(
        f"/figures/submissions/{draft.id}/narrative/",
        {"narrative": "More recruitment through job ads on social media."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "More recruitment through job ads on social media."


def test_it_blocks_submission_while_validation_errors_remain(network, login, draft):
    actions.do_set_figure(network.boris, draft, indicator_code="MINORS", cell="", value="20")
    actions.do_set_figure(network.boris, draft, indicator_code="VICTIMS", cell="sex=male",
                          value="30", comment="Checked by hand")  # fmt: skip
    messages = [p.message for p in actions.validate(draft) if p.is_error]
    assert any("larger than the total of VICTIMS" in m for m in messages)
    assert any("more than the total" in m for m in messages)
    http = login(network.boris)
    assert "problems must be fixed" in _body(http.get(f"/figures/submissions/{draft.id}/"))
    http.post(f"/figures/submissions/{draft.id}/submit/")
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT
    # Fixed: submitted.
    actions.do_set_figure(network.boris, draft, indicator_code="MINORS", cell="", value="2")
    actions.do_set_figure(network.boris, draft, indicator_code="VICTIMS", cell="sex=male",
                          value="3", comment="Back to the records")  # fmt: skip
    assert http.post(f"/figures/submissions/{draft.id}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED
    assert draft.submitted_by == network.boris


def test_it_suppresses_small_counts_at_submission(network, submitted):
    threshold = NetworkSetting.objects.get(id=1).suppression_threshold
    assert threshold == 5
    values = _values(submitted)
    for (code, cell), (value, flag) in values.items():
        assert value is None or not (1 <= value <= threshold), (code, cell, value)
        if flag == Flag.SUPPRESSED:
            assert value is None
    assert values[("VICTIMS", "sex=male")] == (None, Flag.SUPPRESSED)
    # The complement of a suppressed cell in a one-way table is suppressed as well.
    assert values[("VICTIMS", "sex=female")] == (None, Flag.SUPPRESSED)
    assert values[("MINORS", "")] == (None, Flag.SUPPRESSED)
    assert values[("HOTLINE", "")] == (Decimal(250), Flag.OK)


def test_it_uses_the_network_threshold(network, draft):
    NetworkSetting.objects.create(id=1, suppression_threshold=2)
    actions.do_submit(network.boris, draft)
    values = _values(draft)
    assert values[("VICTIMS", "sex=male")] == (Decimal(3), Flag.OK)
    assert values[("MINORS", "")] == (None, Flag.SUPPRESSED)


def test_it_marks_indicators_without_figures_as_missing(network, round_, computed):
    submission = actions.do_prepare_submission(network.boris, round_)
    actions.do_submit(network.boris, submission)
    assert _values(submission)[("HOTLINE", "")] == (None, Flag.MISSING)


# --- Permissions ------------------------------------------------------------------------------


def _member_pages(submission: Submission) -> list[str]:
    base = f"/figures/submissions/{submission.id}/"
    return [base, base + "figure/", base + "narrative/", base + "upload/",
            base + "figures.csv", base + "submit/"]  # fmt: skip


def test_it_hides_a_submission_from_another_member(network, login, draft, bianca):
    http = login(bianca)
    for path in [*_member_pages(draft), f"/figures/review/{draft.id}/"]:
        assert http.get(path).status_code in (403, 404), path
    for path in _member_pages(draft)[:4]:
        assert http.get(path).status_code == 404, path
    assert http.post(f"/figures/submissions/{draft.id}/figure/",
                     {"indicator": "HOTLINE", "value": "1"}).status_code == 404  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.do_set_figure(bianca, draft, indicator_code="HOTLINE", cell="", value="1")


def test_it_refuses_caseworkers_and_supervisors_submission_pages(network, login, draft):
    for person in (network.anna, network.chiara):
        http = login(person)
        for path in _member_pages(draft):
            assert http.get(path).status_code == 403, path
        assert http.post(f"/figures/rounds/{draft.round_id}/prepare/").status_code == 403
    # A supervisor of NL reads its own submission but does not edit it.
    http = login(network.sam)
    assert http.get(_member_pages(draft)[0]).status_code == 200
    assert http.get(_member_pages(draft)[1]).status_code == 403


def test_it_shows_drafts_to_nobody_at_the_secretariat(network, login, draft):
    http = login(network.dana)
    assert http.get(f"/figures/review/{draft.id}/").status_code == 404
    assert http.get(f"/figures/submissions/{draft.id}/").status_code == 403
    page = _body(http.get(f"/figures/rounds/{draft.round_id}/review/"))
    assert "Not submitted" in page


def test_it_lets_the_analyst_review_but_not_edit(network, login, submitted):
    http = login(network.dana)
    page = _body(http.get(f"/figures/review/{submitted.id}/"))
    assert "Suppressed" in page
    assert "250" in page
    for path in _member_pages(submitted):
        assert http.get(path).status_code == 403, path
    assert http.post(f"/figures/submissions/{submitted.id}/figure/",
                     {"indicator": "HOTLINE", "value": "1"}).status_code == 403  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.do_set_figure(network.dana, submitted, indicator_code="HOTLINE", cell="", value=1)


def test_it_refuses_review_to_member_roles(network, login, submitted):
    for person in (network.boris, network.olga, network.anna):
        http = login(person)
        assert http.get(f"/figures/review/{submitted.id}/").status_code == 403
        assert http.post(f"/figures/review/{submitted.id}/accept/").status_code == 403
    with pytest.raises(PermissionDenied):
        actions.do_accept(network.boris, submitted)


def test_it_keeps_returned_figures_from_the_secretariat(network, login, submitted, computed):
    actions.do_return(network.dana, submitted, "Please check the hotline figure.")
    actions.do_prepare_submission(network.boris, submitted.round)  # unsuppressed again
    page = _body(login(network.dana).get(f"/figures/review/{submitted.id}/"))
    assert "Returned to the member" in page
    assert 'data-testid="value"' not in page
    own = _body(login(network.boris).get(f"/figures/submissions/{submitted.id}/"))
    assert "Please check the hotline figure." in own


# --- Review -----------------------------------------------------------------------------------


def test_it_accepts_and_freezes_the_figures(network, login, submitted):
    http = login(network.dana)
    response = http.post(f"/figures/review/{submitted.id}/accept/", {"comment": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.ACCEPTED
    assert submitted.reviewed_by == network.dana
    boris = login(network.boris)
    assert boris.get(f"/figures/submissions/{submitted.id}/figure/").status_code == 404
    assert boris.post(f"/figures/submissions/{submitted.id}/figure/",
                      {"indicator": "HOTLINE", "value": "1"}).status_code == 404  # fmt: skip
    with pytest.raises(ValidationError):
        actions.do_set_figure(network.boris, submitted, indicator_code="HOTLINE", cell="",
                              value="1")  # fmt: skip
    with pytest.raises(ValidationError):
        actions.do_prepare_submission(network.boris, submitted.round)
    assert _values(submitted)[("HOTLINE", "")] == (Decimal(250), Flag.OK)


def test_it_returns_only_with_a_comment(network, login, submitted):
    http = login(network.dana)
    response = http.post(f"/figures/review/{submitted.id}/return/", {"comment": "  "})
    assert response.status_code == 400
    assert "Say what the member should change." in _body(response)
    response = http.post(f"/figures/review/{submitted.id}/return/",
                         {"comment": "The hotline figure looks like last year's."})  # fmt: skip
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.RETURNED
    assert submitted.is_editable


def test_it_reopens_accepted_figures_only_with_a_reason(network, login, submitted):
    actions.do_accept(network.dana, submitted)
    http = login(network.nick)
    response = http.post(f"/figures/review/{submitted.id}/reopen/", {"comment": ""})
    assert response.status_code == 400
    assert "needs a written reason" in _body(response)
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.ACCEPTED
    http.post(f"/figures/review/{submitted.id}/reopen/", {"comment": "Late police figures"})
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.RETURNED
    assert submitted.review_comment == "Late police figures"


def test_it_publishes_accepted_submissions(network, login, submitted):
    http = login(network.dana)
    http.post(f"/figures/review/{submitted.id}/publish/")
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED  # not accepted yet: refused
    actions.do_accept(network.dana, submitted)
    response = http.post(f"/figures/rounds/{submitted.round_id}/publish/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.PUBLISHED


def test_it_lists_the_round_with_timeliness_and_completeness(network, login, submitted, bianca,
                                                             django_assert_max_num_queries):  # fmt: skip
    for code in ("cz", "pl", "md"):
        make_org(code, "member", code.upper())
    # BG submits its computed figures only: HOTLINE and MINORS are missing.
    actions.do_submit(bianca, actions.do_prepare_submission(bianca, submitted.round))
    Submission.objects.filter(id=submitted.id).update(submitted_at="2099-02-15T10:00:00Z")
    http = login(network.dana)
    with django_assert_max_num_queries(12):
        response = http.get(f"/figures/rounds/{submitted.round_id}/review/")
    rows = {row["organisation"].code: row for row in response.context["rows"]}
    assert set(rows) == {"nl", "bg", "cz", "pl", "md"}
    assert rows["nl"]["on_time"] is False
    assert rows["nl"]["completeness"] == 100  # suppressed counts as reported
    assert rows["bg"]["completeness"] == 50
    assert rows["bg"]["on_time"] is True
    assert rows["cz"]["submission"] is None


# --- Uploading figures by hand ----------------------------------------------------------------


def _upload(http, submission, text: str):
    return http.post(
        f"/figures/submissions/{submission.id}/upload/",
        {"file": SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")},
    )


def test_it_uploads_figures_by_hand_with_errors_per_row(network, login, round_, bianca):
    http = login(bianca)
    http.post(f"/figures/rounds/{round_.id}/prepare/", {"mode": "manual"})
    submission = Submission.objects.get(organisation=network.bg)
    assert not submission.observations.exists()
    bad = (
        "indicator,cell,value,comment\n"
        "VICTIMS,,14,\n"
        "NOPE,,3,\n"
        "HOTLINE,,=1+2,\n"
        "HOTLINE,sex=female,3,\n"
        "MINORS,,-1,\n"
        "VICTIMS,,15,\n"
        "SERVED,,1.234,\n"
    )
    response = _upload(http, submission, bad)
    errors = dict(response.context["result"].errors)
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "NOPE" in errors[3]
    assert "number" in errors[4]
    assert "not broken down by sex" in errors[5]
    assert "negative" in errors[6]
    assert "twice" in errors[7]
    assert "two decimals" in errors[8]
    assert "Line 3:" in _body(response)
    assert not submission.observations.exists()
    good = (
        "\ufeffindicator,cell,value,comment\n"
        "VICTIMS,,14,\n"
        "VICTIMS,sex=female,10,\n"
        "VICTIMS,sex=male,4,\n"
        "HOTLINE,,300,'=from the call log\n"
        "MINORS,,,\n"
    )
    response = _upload(http, submission, good)
    assert response.status_code == 302
    values = _values(submission)
    assert values[("VICTIMS", "sex=female")] == (Decimal(10), Flag.OK)
    assert ("MINORS", "") not in values
    hotline = Observation.objects.get(submission=submission, indicator__code="HOTLINE")
    assert (hotline.source, hotline.comment) == (Source.MANUAL, "=from the call log")


def test_it_escapes_the_downloaded_figures(network, login, draft):
    actions.do_set_figure(network.boris, draft, indicator_code="HOTLINE", cell="", value="250",
                          comment="=HYPERLINK(1)")  # fmt: skip
    body = _body(login(network.boris).get(f"/figures/submissions/{draft.id}/figures.csv"))
    assert body.splitlines()[0] == "indicator,cell,value,comment"
    assert "HOTLINE,,250,'=HYPERLINK(1)" in body


def test_it_refuses_a_file_without_the_columns(network, login, draft):
    response = _upload(login(network.boris), draft, "a,b\n1,2\n")
    assert "must name the columns" in _body(response)


# --- The audit trail --------------------------------------------------------------------------


def test_it_audits_every_step(network, submitted):
    actions.do_return(network.dana, submitted, "Check the hotline figure " + "x" * 300)
    actions.do_prepare_submission(network.boris, submitted.round)
    actions.do_submit(network.boris, submitted)
    actions.do_accept(network.dana, submitted)
    actions.do_reopen(network.nick, submitted, "Police figures came late")
    actions.do_submit(network.boris, submitted)
    actions.do_accept(network.dana, submitted)
    actions.do_publish(network.dana, submitted)
    events = list(
        AuditEvent.objects.filter(object_type="submission", object_id=str(submitted.id))
        .order_by("seq")
        .values_list("action", "actor_username", "reason")
    )
    steps = [action for action, _who, _why in events]
    assert steps == [
        "submission.compute", "submission.figure.set", "submission.figure.set",
        "submission.submit", "submission.return", "submission.compute", "submission.submit",
        "submission.accept", "submission.reopen", "submission.submit", "submission.accept",
        "submission.publish",
    ]  # fmt: skip
    returned = next(e for e in events if e[0] == "submission.return")
    assert returned[1] == "dana"
    assert len(returned[2]) == 200
    assert ("submission.reopen", "nick", "Police figures came late") in events
    assert all(
        e.org_id == network.nl.id for e in AuditEvent.objects.filter(object_type="submission")
    )


def test_it_writes_the_figures_and_the_event_together(network, draft, monkeypatch):
    def broken(entry):
        raise RuntimeError("audit down")

    monkeypatch.setattr(actions, "record", broken)
    with pytest.raises(RuntimeError):
        actions.do_submit(network.boris, draft)
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT
    assert _values(draft)[("VICTIMS", "sex=male")] == (Decimal(3), Flag.OK)


def test_it_lists_rounds_with_a_constant_number_of_queries(network, login, draft):
    http = login(network.boris)
    http.get("/figures/")  # the first request of a session does more (session, last seen)
    with CaptureQueriesContext(connection) as one:
        http.get("/figures/")
    actions.do_open_round(network.nick, year=2025, half=None, opens_on=D(2025, 1, 1),
                          deadline=D(2025, 3, 1))  # fmt: skip
    with CaptureQueriesContext(connection) as two:
        http.get("/figures/")
    assert len(two) == len(one)
