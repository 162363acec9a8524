"""The statistics plane over the JSON API: the catalogue and rounds for everyone but partners, the
submissions each caller may see, and only accepted or published observations, suppressed as null."""

from __future__ import annotations

import pytest

from strada.stats.models import SubmissionStatus
from strada.stats.tests.network_data import CODE, figures

__all__ = ["figures"]  # the fixture


URL = "/api/v1/figures"


def get(http, path, **params):
    response = http.get(f"{URL}{path}", params)
    return response.status_code, response.json()


def test_it_lists_the_catalogue_and_the_rounds(network, figures, login):
    http = login(network.chiara)
    status, body = get(http, "/catalogue")
    assert status == 200
    assert CODE in [item["code"] for item in body["items"]]
    assert set(body) == {"items", "count", "page", "page_size"}
    item = next(item for item in body["items"] if item["code"] == CODE)
    assert item["disaggregations"] == ["sex", "route", "age_group|sex"]
    assert item["manual"]
    status, body = get(http, "/rounds")
    assert status == 200
    assert [item["label"] for item in body["items"]][:2] == ["2025", "2024"]


def test_it_pages_the_lists(network, figures, login):
    status, body = get(login(network.dana), "/rounds", page=2, page_size=1)
    assert status == 200
    assert body["count"] == 2
    assert body["page"] == 2
    assert body["page_size"] == 1
    assert [item["label"] for item in body["items"]] == ["2024"]
    assert get(login(network.dana), "/rounds", page_size=1000)[0] == 422


def test_it_shows_members_their_own_submissions_only(network, figures, login):
    status, body = get(login(network.boris), "/submissions")
    assert status == 200
    assert [(s["organisation"], s["status"]) for s in body["items"]] == [("nl", "draft")]


def test_it_shows_the_secretariat_submissions_that_left_the_member(network, figures, login):
    status, body = get(login(network.dana), "/submissions")
    assert status == 200
    assert {(s["organisation"], s["round"]) for s in body["items"]} == {
        ("bg", "2025"),
        ("bg", "2024"),
    }
    status, body = get(login(network.dana), "/submissions", status="published")
    assert [s["round"] for s in body["items"]] == ["2024"]


@pytest.mark.parametrize("who", ["anna", "chiara"])
def test_it_refuses_submissions_to_roles_without_them(network, figures, login, who):
    assert get(login(getattr(network, who)), "/submissions")[0] == 403


@pytest.mark.parametrize("who", ["chiara", "dana", "boris"])
def test_it_never_gives_another_members_unsuppressed_figures(network, figures, login, who):
    http = login(getattr(network, who))
    status, body = get(http, "/observations", page_size=100)
    assert status == 200
    assert body["count"] == 9  # BG's 2024 (3 cells) and 2025 (6 cells)
    assert {item["organisation"] for item in body["items"]} == {"bg"}
    assert "MD>NL" not in str(body)
    status, body = get(http, "/observations", organisation="nl")
    assert (status, body["count"]) == (200, 0)


def test_it_gives_a_suppressed_cell_as_null_with_its_flag(network, figures, login):
    status, body = get(
        login(network.chiara),
        "/observations",
        indicator=CODE,
        round=str(figures.r2025.id),
        organisation="bg",
    )
    assert status == 200
    cells = {item["cell"]: item for item in body["items"]}
    assert cells["sex=male"]["value"] is None
    assert cells["sex=male"]["flag"] == "suppressed"
    assert float(cells["sex=female"]["value"]) == 31
    assert cells["sex=female"]["flag"] == "ok"
    assert cells["age_group=adult|sex=female"]["dimensions"] == {
        "age_group": "adult",
        "sex": "female",
    }
    assert cells[""]["round"] == "2025"
    assert cells[""]["country"] == "BG"


def test_it_gives_accepted_figures_only(network, figures, login):
    figures.nl_draft.status = SubmissionStatus.SUBMITTED
    figures.nl_draft.save(update_fields=["status"])
    assert get(login(network.dana), "/observations", organisation="nl")[1]["count"] == 0
    figures.nl_draft.status = SubmissionStatus.PUBLISHED
    figures.nl_draft.save(update_fields=["status"])
    assert get(login(network.dana), "/observations", organisation="nl")[1]["count"] == 3


@pytest.mark.parametrize("path", ["/catalogue", "/rounds", "/submissions", "/observations"])
def test_it_refuses_partners(network, figures, login, path):
    assert get(login(network.pat), path)[0] == 403


def test_it_asks_anonymous_callers_to_authenticate(figures, client):
    assert client.get(f"{URL}/observations").status_code == 401


def test_it_rejects_a_malformed_round(network, figures, login):
    assert get(login(network.dana), "/observations", round="not-a-uuid")[0] == 422


def test_it_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/catalogue", "/rounds", "/submissions", "/observations"):
        assert f"{URL}{path}" in paths
