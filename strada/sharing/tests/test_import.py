"""Importing spreadsheets: encrypted identities, search tokens, cases and audit, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from strada.audit.log import verify
from strada.audit.models import AuditEvent
from strada.cases.models import Case, PerpetratorRole, SupportPlan, TraffickingEvent
from strada.clients.access import read_identity, search_clients
from strada.clients.models import Client
from strada.lib import crypto
from strada.orgs.keys import org_key
from strada.sharing import actions
from strada.sharing.models import ImportJob
from strada.sharing.tests.helpers import BASE, check, csv_bytes, import_file

OLENA = {
    **BASE,
    "strada_Reference": "OLD-1",
    "prs_FirstName": "Олена",
    "prs_SecondName": "Шевченко",
    "prs_Birthdate": "1999-04-02",
    "prs_MobilePhone": "+380 67 123 4567",
    "prs_Citizenship": "UA",
    "prs_PrimaryLanguage": "uk",
    "strada_CaseNumber": "1",
    "strada_CaseOpenedOn": "2026-03-02",
    "vic_TraffickingStatus": "ActualVictimOfTrafficking",
    "vic_TypeOfExploitation": "ForcedLabour;SexualExploitation",
    "vic_ForcedLabourIndustry": "F_Construction",
    "strada_IdentificationActor": "LabourInspectorate",
    "hte_RecruitmentCountry": "UA",
    "hte_RecruitmentCity": "Lviv",
    "hte_RecruitmentDate": "2025-10-01",
    "hte_ExploitationCountry": "NL",
    "per_RoleInProcess": "RecruiterOrIntermediary;Exploiter",
    "spl_PlannedEndDate": "2026-12-31",
}


def test_it_imports_clients_with_encryption_search_tokens_cases_and_audit(network):
    second_case = {**OLENA, "strada_CaseNumber": "2", "strada_CaseOpenedOn": "2026-04-01",
                   "vic_TypeOfExploitation": "ForcedBegging", "vic_ForcedLabourIndustry": "",
                   "hte_RecruitmentCountry": "", "hte_RecruitmentCity": "",
                   "hte_RecruitmentDate": "", "hte_ExploitationCountry": "",
                   "per_RoleInProcess": "", "spl_PlannedEndDate": ""}  # fmt: skip
    anonymous = {**BASE, "prs_Gender": "Masculine", "prs_Citizenship": "MD;RO"}
    job = import_file(network.boris, csv_bytes([OLENA, second_case, anonymous]))

    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert (job.rows_imported, job.clients_count, job.cases_count) == (3, 2, 2)
    assert job.file_enc is None
    olena = Client.objects.get(organisation=network.nl, has_name=True)
    assert olena.reference.startswith("NL-2026-")
    assert olena.first_name_enc is not None
    assert b"\xd0\x9e" not in bytes(olena.first_name_enc)
    identity = read_identity(network.anna, olena)
    assert (identity.first_name, identity.first_name_latin) == ("Олена", "Olena")
    assert identity.mobile_phone == "+380 67 123 4567"
    assert olena.birth_year == 1999
    assert olena.citizenship == ["UA"]
    assert list(search_clients(network.anna, "Olena Shevchenko")) == [olena]
    cases = list(Case.objects.filter(client=olena).order_by("number"))
    assert [c.number for c in cases] == [1, 2]
    assert cases[0].type_of_exploitation == ["ForcedLabour", "SexualExploitation"]
    assert cases[0].owner is None
    route = list(TraffickingEvent.objects.filter(case=cases[0]).order_by("sequence"))
    assert [(e.type, e.country.code, e.city) for e in route] == [
        ("Recruitment", "UA", "Lviv"), ("Exploitation", "NL", ""),
    ]  # fmt: skip
    assert PerpetratorRole.objects.get(case=cases[0]).role_in_process == [
        "RecruiterOrIntermediary", "Exploiter",
    ]  # fmt: skip
    assert str(SupportPlan.objects.get(case=cases[0]).planned_end_date) == "2026-12-31"
    events = AuditEvent.objects.filter(org_id=network.nl.id, actor_id=network.boris.id)
    actions_seen = list(events.values_list("action", flat=True))
    # One event per client and one per case (its parts named in it), then the job's own events.
    assert sorted(actions_seen) == sorted(
        ["client.register"] * 2 + ["case.open"] * 2 + ["records.import", "records.import.upload"]
    )
    assert set(events.filter(action="client.register").values_list("reason", flat=True)) == {
        "import"
    }
    assert set(events.filter(action="case.open").values_list("reason", flat=True)) == {"import"}
    first = events.get(action="case.open", object_id=str(cases[0].id))
    assert first.fields == sorted(
        ["number", "opened_on", "trafficking_status", "type_of_exploitation",
         "forced_labour_industry", "identification_actor", "events", "perpetrators", "plan"]
    )  # fmt: skip
    second = events.get(action="case.open", object_id=str(cases[1].id))
    assert second.fields == sorted(
        ["number", "opened_on", "trafficking_status", "type_of_exploitation",
         "identification_actor"]
    )  # fmt: skip
    registered = events.get(action="client.register", object_id=str(olena.id))
    assert {"first_name", "second_name", "birth_date", "gender", "citizenship"} <= set(
        registered.fields
    )
    assert verify().ok
    for event in events:
        assert "Олена" not in str(event.fields) + event.reason


def test_it_keeps_nothing_when_the_check_finds_an_error(network):
    bad = {**BASE, "prs_Gender": "Female"}
    job = check(network.boris, csv_bytes([OLENA, bad]))
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [
        {"row": 3, "column": "prs_Gender",
         "message": "Unknown code “Female” (see the code list of prs_Gender)."},
    ]  # fmt: skip
    assert job.file_enc is None
    with pytest.raises(Exception, match="checked file without errors"):
        actions.do_start_import(network.boris, job)
    assert not Client.objects.filter(organisation=network.nl).exists()


def test_it_rolls_everything_back_when_the_write_fails(network, monkeypatch):
    job = check(network.boris, csv_bytes([OLENA, {**OLENA, "strada_Reference": "OLD-2"}]))
    actions.do_start_import(network.boris, job)

    real_insert = actions.insert_rows

    def broken(model, rows, **kwargs):
        if model is PerpetratorRole:  # after the clients, cases and events were written
            raise RuntimeError("disk full")
        return real_insert(model, rows, **kwargs)

    monkeypatch.setattr(actions, "insert_rows", broken)
    job = actions.run_import(job.id)
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was imported" in job.message
    assert not Client.objects.filter(organisation=network.nl).exists()
    assert not Case.objects.filter(organisation=network.nl).exists()


def _queue_unchecked(user, data: bytes) -> ImportJob:
    """A job marked for import without a dry run that passed it (as a bug or a tamperer would)."""
    job = actions.do_upload(user, data)
    ImportJob.objects.filter(id=job.id).update(
        status=ImportJob.Status.IMPORT_QUEUED, started_by=user
    )
    return job


def test_the_write_validates_a_file_no_dry_run_passed(network):
    too_long = {**OLENA, "hte_RecruitmentCity": "x" * 150}  # the model allows 100 characters
    job = actions.run_import(_queue_unchecked(network.boris, csv_bytes([too_long])).id)
    assert job.status == ImportJob.Status.FAILED
    assert "The file changed between the check and the import" in job.message
    assert not Client.objects.filter(organisation=network.nl).exists()
    assert not AuditEvent.objects.filter(action="client.register").exists()


def test_the_write_validates_when_the_file_differs_from_the_checked_one(network):
    job = check(network.boris, csv_bytes([OLENA]))
    assert job.status == ImportJob.Status.READY
    assert job.checked_sha256
    actions.do_start_import(network.boris, job)
    other = csv_bytes([{**OLENA, "prs_Birthdate": "", "strada_BirthYear": "1850"}])
    job.file_enc = crypto.encrypt(org_key(network.nl), other, actions._aad(job))
    job.save(update_fields=["file_enc"])
    job = actions.run_import(job.id)
    assert job.status == ImportJob.Status.FAILED
    assert "The file changed between the check and the import" in job.message
    assert not Client.objects.filter(organisation=network.nl).exists()


def test_an_unchecked_valid_file_is_validated_and_imported(network):
    job = actions.run_import(_queue_unchecked(network.boris, csv_bytes([OLENA])).id)
    assert job.status == ImportJob.Status.DONE, job.message
    assert Client.objects.filter(organisation=network.nl).count() == 1


def test_it_refuses_people_without_the_import_right(network):
    for person in (network.anna, network.sam, network.olga, network.dana):
        with pytest.raises(PermissionDenied):
            actions.do_upload(person, csv_bytes([OLENA]))


def test_it_shows_a_dry_run_preview_without_names(network, login):
    http = login(network.boris)
    response = http.post("/records/import/", {"file": _upload(csv_bytes([OLENA]))}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ready to import" in body
    assert "ActualVictimOfTrafficking" in body
    assert "Олена" not in body
    assert "+380" not in body
    job = ImportJob.objects.get()
    response = http.post(f"/records/jobs/{job.id}/import/", follow=True)
    assert "Imported 1 clients and 1 cases" in response.content.decode()
    assert Client.objects.filter(organisation=network.nl).count() == 1


def test_it_answers_404_to_outsiders_and_403_to_other_roles(network, login):
    job = check(network.boris, csv_bytes([OLENA]))
    for person in (network.chiara, network.bogdan):
        for path in (f"/records/jobs/{job.id}/", f"/records/jobs/{job.id}/progress/"):
            assert login(person).get(path).status_code in (403, 404)
    assert login(network.anna).get(f"/records/jobs/{job.id}/").status_code == 403
    assert login(network.anna).get("/records/").status_code == 403
    response = login(network.sam).get("/records/")
    assert response.status_code == 200
    assert b"upload-form" not in response.content
    assert login(network.sam).post(f"/records/jobs/{job.id}/import/").status_code == 403


def test_it_runs_a_large_file_as_a_background_task(network, login, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django_tasks.signals import task_enqueued

    calls = []

    def spy(sender, task_result, **kwargs):
        calls.append((task_result.task.name, task_result.args, task_result.kwargs))

    task_enqueued.connect(spy)
    monkeypatch.setattr(actions, "INLINE_BYTES", 10)
    http = login(network.boris)
    http.post("/records/import/", {"file": _upload(csv_bytes([OLENA] * 1))})
    job = ImportJob.objects.get()
    assert calls == [("check_import", [str(job.id)], {})]  # the id, never personal data
    assert job.background
    assert job.status == ImportJob.Status.READY
    http.post(f"/records/jobs/{job.id}/import/")
    task_enqueued.disconnect(spy)
    assert calls[-1] == ("run_import", [str(job.id)], {})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    progress = http.get(f"/records/jobs/{job.id}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 204
    assert progress["HX-Refresh"] == "true"


def test_it_polls_a_progress_fragment_while_the_job_runs(network, login):
    job = actions.do_upload(network.boris, csv_bytes([OLENA]))
    response = login(network.boris).get(f"/records/jobs/{job.id}/progress/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in body
    assert "Waiting to be checked" in body


def test_it_discards_an_upload_and_erases_the_file(network, login):
    job = check(network.boris, csv_bytes([OLENA]))
    login(network.boris).post(f"/records/jobs/{job.id}/discard/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED
    assert job.file_enc is None


def _upload(data: bytes, name: str = "records.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_it_shows_each_bad_row_on_the_job_page(network, login):
    data = csv_bytes([{**BASE, "prs_Gender": "Female"}, {**BASE, "strada_RegisteredOn": "x"}])
    response = login(network.boris).post("/records/import/", {"file": _upload(data)}, follow=True)
    body = response.content.decode()
    assert "Errors found" in body
    assert "Nothing was imported" in body
    assert "Unknown code “Female”" in body
    assert "YYYY-MM-DD" in body
    assert "import-all" not in body


@pytest.mark.parametrize(
    "values",
    [
        {"type": "Recruitment", "city": "Lviv", "date": "2025-10-01", "sequence": 0},
        {"type": "Recruitment", "city": "", "date": None},
        {"type": "Holiday", "city": "Lviv"},
        {"type": "Exploitation", "city": "x" * 101, "date": "2025-13-01"},
        {"type": "Exploitation", "sequence": -1},
        {"type": "", "date": "yesterday"},
    ],
)
def test_a_route_event_is_checked_as_its_model_would_check_it(values):
    """The dry run checks route events field by field; it must find what full_clean finds."""
    from django.core.exceptions import ValidationError

    from strada.cases.models import TraffickingEvent
    from strada.sharing.actions import _checked_event

    def problems(check) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
        try:
            check()
        except ValidationError as error:
            return {name: [e.message for e in errors] for name, errors in error.error_dict.items()}
        return {}

    expected = problems(
        lambda: TraffickingEvent(**values).full_clean(
            exclude=["case", "country"], validate_unique=False, validate_constraints=False
        )
    )
    assert problems(lambda: _checked_event(values)) == expected
