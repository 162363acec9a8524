"""The network view: only accepted figures, suppressed cells as "suppressed", sums as "at least",
downloads, the fact sheet, official context figures, permissions and query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strada.audit.models import AuditEvent
from strada.conftest import make_org
from strada.stats.models import ContextFigure, SubmissionStatus
from strada.stats.network_export import RefusedFetch, refuse_fetch
from strada.stats.tests.network_data import CODE, figures, make_round, make_submission

__all__ = ["figures"]  # the fixture


URL = "/figures/network/"


def dashboard(http, figures, **params):
    query = {"indicator": CODE, "round": str(figures.r2025.id), "dimension": "sex", **params}
    return http.get(URL, query)


def download(http, figures, table, fmt, **params):
    query = {"indicator": CODE, "round": str(figures.r2025.id), "dimension": "sex", **params}
    return http.get(f"{URL}{table}.{fmt}", query)


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("who", ["chiara", "dana", "boris", "nick"])
def test_it_never_shows_another_members_draft(network, figures, login, who):
    http = login(getattr(network, who))
    page = dashboard(http, figures).content.decode()
    assert "Moldova" not in page  # NL's draft route
    assert ">43<" not in page
    assert ">34<" not in page
    assert 'data-status="exact">40<' in page  # BG's accepted total
    assert 'data-status="exact">31<' in page
    members = page.split('data-testid="table-members"')[1].split("</table>")[0]
    assert "La Strada BG" in members
    assert "La Strada NL" not in members
    for table in ("trends", "breakdown", "routes", "members"):
        for row in csv_rows(download(http, figures, table, "csv"))[1:]:
            assert not {"3", "43", "34", "nl", "MD"} & set(row)
    trends = csv_rows(download(http, figures, "trends", "csv"))
    assert trends[1:] == [[CODE, "2024", "25", "exact", "1", "0"], [CODE, "2025", "40", "exact", "1", "0"]]  # fmt: skip


def test_it_shows_only_accepted_and_published_figures(network, figures, login):
    figures.nl_draft.status = SubmissionStatus.SUBMITTED
    figures.nl_draft.save(update_fields=["status"])
    page = dashboard(login(network.dana), figures).content.decode()
    assert "Moldova" not in page
    figures.nl_draft.status = SubmissionStatus.ACCEPTED
    figures.nl_draft.save(update_fields=["status"])
    page = dashboard(login(network.dana), figures).content.decode()
    assert "Moldova" in page
    assert 'data-status="exact">43<' in page


def test_it_shows_a_suppressed_cell_as_suppressed_never_0(network, figures, login):
    http = login(network.chiara)
    page = dashboard(http, figures).content.decode()
    breakdown = page.split('data-testid="table-breakdown"')[1].split("</table>")[0]
    assert 'data-status="suppressed">suppressed<' in breakdown  # sex=male
    routes = page.split('data-testid="table-routes"')[1].split("</table>")[0]
    assert "Bulgaria → Germany" in routes
    assert 'data-status="suppressed"' in routes
    rows = {row[3]: row for row in csv_rows(download(http, figures, "breakdown", "csv"))[1:]}
    assert rows["male"][5:7] == ["", "suppressed"]
    assert rows["female"][5:7] == ["31", "exact"]


def test_it_counts_a_suppressed_total_as_unknown_in_the_sum(network, figures, login):
    ro = make_org("ro", "member", "RO")
    make_submission(
        ro, figures.r2025, SubmissionStatus.ACCEPTED, {"": None, "sex=female": 8}, figures.indicator,
        dt.date(2026, 3, 1),
    )  # fmt: skip
    http = login(network.dana)
    page = dashboard(http, figures).content.decode()
    assert 'data-status="at least">at least 40<' in page
    trends = csv_rows(download(http, figures, "trends", "csv"))
    assert trends[2] == [CODE, "2025", "40", "at least", "2", "1"]
    members = {row[2]: row for row in csv_rows(download(http, figures, "members", "csv"))[1:]}
    assert members["ro"][5:] == ["", "suppressed"]
    assert members["bg"][5:] == ["40", "exact"]


def test_it_shows_completeness_and_timeliness(network, figures, login):
    http = login(network.chiara)
    rows = {row[0]: row for row in csv_rows(download(http, figures, "completeness", "csv"))}
    assert rows["organisation"][2:] == ["2024", "2025"]
    assert rows["bg"][2:] == ["on time", "late"]
    assert rows["nl"][2:] == ["not submitted", "not submitted"]  # a draft is not submitted
    assert "lsi" not in rows
    assert "polaris" not in rows


def test_it_downloads_every_table_as_xlsx(network, figures, login):
    http = login(network.dana)
    for table in ("trends", "breakdown", "routes", "members", "completeness"):
        response = download(http, figures, table, "xlsx")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet.max_row >= 2
    sheet = openpyxl.load_workbook(
        io.BytesIO(download(http, figures, "breakdown", "xlsx").content)
    ).worksheets[0]
    values = {row[3]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["female"][5] == 31
    assert values["male"][5] is None
    assert values["male"][6] == "suppressed"


def test_it_escapes_formulas_in_downloads(network, figures, login):
    evil = make_org("evil", "member", "AT")
    evil.name = "=HYPERLINK(1)"
    evil.save(update_fields=["name"])
    make_submission(
        evil, figures.r2025, SubmissionStatus.ACCEPTED, {"": 9}, figures.indicator,
        dt.date(2026, 3, 1),
    )  # fmt: skip
    http = login(network.dana)
    members = {row[2]: row for row in csv_rows(download(http, figures, "members", "csv"))[1:]}
    assert members["evil"][3] == "'=HYPERLINK(1)"
    sheet = openpyxl.load_workbook(
        io.BytesIO(download(http, figures, "members", "xlsx").content)
    ).worksheets[0]
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in names


def test_it_answers_404_for_an_unknown_table_or_format(network, figures, login):
    http = login(network.dana)
    assert http.get(f"{URL}secrets.csv").status_code == 404
    assert http.get(f"{URL}trends.json").status_code == 404


def test_it_makes_the_country_fact_sheet_as_pdf_in_two_languages(network, figures, login):
    http = login(network.chiara)
    for language in ("en", "uk"):
        response = http.get(f"{URL}countries/bg/factsheet.pdf", {"language": language})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert http.get(f"{URL}countries/bg/factsheet.pdf", {"language": "xx"}).status_code == 404
    assert http.get(f"{URL}countries/zz/factsheet.pdf").status_code == 404


def test_it_lets_the_fact_sheet_fetch_nothing():
    with pytest.raises(RefusedFetch):
        refuse_fetch("https://example.org/font.woff")
    with pytest.raises(RefusedFetch):
        refuse_fetch("file:///etc/passwd")


def test_it_shows_official_figures_beside_the_members(network, figures, login):
    ContextFigure.objects.create(
        source="Eurostat", dataset="crim_thb_vctz", country="BG", year=2025,
        indicator_code=CODE, label="Registered victims", value=55,
    )  # fmt: skip
    ContextFigure.objects.create(
        source="UNODC", country="NL", year=2025, label="Victims detected NL", value=999
    )
    page = login(network.chiara).get(f"{URL}countries/bg/").content.decode()
    table = page.split('data-testid="country-table"')[1].split("</table>")[0]
    assert 'data-status="exact">40<' in table
    assert "official: 55" in table
    assert "Eurostat" in table
    assert "Victims detected NL" not in page  # NL's figure is not on BG's page
    assert ">999<" not in page
    assert "Moldova" not in page


def context_file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("figures.csv", text.encode("utf-8"), content_type="text/csv")


GOOD = (
    "source,dataset,country,year,indicator_code,label,cell,value\n"
    f"Eurostat,crim_thb_vctz,BG,2024,{CODE},Registered victims,,51\n"
    "Eurostat,crim_thb_vctz,BG,2024,,Registered victims,sex=female|age_group=adult,40\n"
    "UNODC,GLOTIP,NL,2023,,Victims detected,,:\n"
)
BAD = (
    "source,dataset,country,year,indicator_code,label,cell,value\n"
    "Eurostat,,XX,2024,,Victims,,5\n"
    "Eurostat,,BG,24,NOPE,Victims,,five\n"
    "Eurostat,,BG,2024,,=cmd|' /C calc'!A0,,5\n"
    "Eurostat,,BG,2024,,Victims,sex:female,5\n"
    f"Eurostat,,BG,2024,{CODE},Victims,,7\n"
)


def test_it_checks_an_upload_without_loading_it(network, figures, login):
    http = login(network.dana)
    response = http.post(f"{URL}context/", {"file": context_file(GOOD), "mode": "check"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is right: 3 figures can be loaded." in page
    assert ContextFigure.objects.count() == 0


def test_it_lists_the_problems_per_row(network, figures, login):
    http = login(network.dana)
    page = http.post(f"{URL}context/", {"file": context_file(BAD), "mode": "check"})
    errors = page.content.decode().split('data-testid="context-errors"')[1].split("</table>")[0]
    for row, column in ((2, "country"), (3, "year"), (3, "indicator_code"), (3, "value"),
                        (4, "label"), (5, "cell")):  # fmt: skip
        assert f"<tr><td>{row}</td><td>{column}</td>" in errors
    assert "<tr><td>6</td>" not in errors
    response = http.post(f"{URL}context/", {"file": context_file(BAD), "mode": "load"})
    assert "nothing was loaded" in response.content.decode()
    assert ContextFigure.objects.count() == 0


def test_it_loads_official_figures_and_replaces_them_when_loaded_again(network, figures, login):
    http = login(network.dana)
    response = http.post(f"{URL}context/", {"file": context_file(GOOD), "mode": "load"})
    assert response.status_code == 302
    assert ContextFigure.objects.count() == 3
    nl = ContextFigure.objects.get(country="NL")
    assert nl.value is None
    assert nl.year == 2023
    cell = ContextFigure.objects.get(cell__startswith="age_group")
    assert cell.cell == "age_group=adult|sex=female"
    assert (
        AuditEvent.objects.filter(action="stats.context.load", actor_id=network.dana.id).count()
        == 1
    )
    http.post(
        f"{URL}context/",
        {"file": context_file(GOOD.replace(",51\n", ",52\n")), "mode": "load"},
    )
    assert ContextFigure.objects.count() == 3
    assert ContextFigure.objects.get(indicator_code=CODE).value == 52


def test_it_reads_an_xlsx_upload(network, figures, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in GOOD.strip().split("\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("figures.xlsx", buffer.getvalue())
    page = login(network.dana).post(f"{URL}context/", {"file": upload, "mode": "check"})
    assert "The file is right: 3 figures can be loaded." in page.content.decode()


@pytest.mark.parametrize(
    "path", ["", "trends.csv", "members.xlsx", "countries/bg/", "countries/bg/factsheet.pdf"]
)
def test_it_refuses_partners(network, figures, login, path):
    assert login(network.pat).get(f"{URL}{path}").status_code == 403


@pytest.mark.parametrize("who", ["chiara", "boris", "nick", "pat"])
def test_it_keeps_the_context_upload_for_analysts(network, figures, login, who):
    http = login(getattr(network, who))
    assert http.get(f"{URL}context/").status_code == 403
    response = http.post(f"{URL}context/", {"file": context_file(GOOD), "mode": "load"})
    assert response.status_code == 403
    assert ContextFigure.objects.count() == 0


def test_it_sends_anonymous_visitors_to_sign_in(figures, client):
    assert client.get(URL).status_code == 302


def _queries(http, url, params):
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url, params).status_code == 200
    return len(queries)


def test_it_reads_the_network_pages_with_a_constant_number_of_queries(network, figures, login):
    http = login(network.dana)
    params = {"indicator": CODE, "round": str(figures.r2025.id), "dimension": "sex"}
    http.get(URL, params)  # the session's first request does its own one-off reads
    before = {
        path: _queries(http, f"{URL}{path}", params)
        for path in ("", "countries/bg/", "members.csv", "completeness.xlsx")
    }
    for year in (2021, 2022, 2023):
        reporting_round = make_round(year)
        for code in ("at", "cz", "de"):
            org = make_org(f"{code}{year}", "member", code.upper())
            make_submission(
                org, reporting_round, SubmissionStatus.ACCEPTED,
                {"": 10, "sex=female": 6, "sex=male": None}, figures.indicator,
                dt.date(year + 1, 2, 1),
            )  # fmt: skip
    after = {path: _queries(http, f"{URL}{path}", params) for path in before}
    assert after == before
    assert before[""] <= 14


def test_it_renders_the_fact_sheet_in_the_language_asked_for(network, figures, login, monkeypatch):
    from strada.stats import network_export

    rendered = []
    monkeypatch.setattr(network_export, "to_pdf", lambda html: rendered.append(html) or b"%PDF")
    http = login(network.chiara)
    http.get(f"{URL}countries/bg/factsheet.pdf", {"language": "uk"})
    http.get(f"{URL}countries/bg/factsheet.pdf", {"language": "en"})
    assert '<html lang="uk">' in rendered[0]
    assert '<html lang="en">' in rendered[1]
