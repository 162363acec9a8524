from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from strada.audit.models import AuditEvent
from strada.conftest import register


def _queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_it_lists_a_page_with_a_constant_number_of_queries(network, login):
    http = login(network.anna)
    http.get("/")  # the session's first request also stores its start time
    for n in range(3):
        register(network.anna, first_name=f"Ana{n}")
    few = _queries(http, "/clients/")
    for n in range(40):
        register(network.anna, first_name=f"Ion{n}")
    many = _queries(http, "/clients/")
    assert many == few
    # A one-word search adds three index look-ups: reference, name word, identifiers.
    assert _queries(http, "/clients/?q=ion5&gender=Feminine") == few + 3


def test_it_audits_the_names_shown_on_a_list_page(network, login):
    for n in range(3):
        register(network.anna, first_name=f"Ana{n}")
    before = AuditEvent.objects.filter(action="client.identity.read", reason="list").count()
    login(network.anna).get("/clients/")
    after = AuditEvent.objects.filter(action="client.identity.read", reason="list").count()
    assert after - before == 3


def test_it_shows_no_names_and_writes_no_identity_reads_for_a_data_manager(network, login):
    register(network.anna, first_name="Ana", second_name="Zamfir")
    response = login(network.boris).get("/clients/")
    assert "Zamfir" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="client.identity.read").exists()


def test_it_filters_by_gender_citizenship_year_and_consent(network, login):
    register(network.anna, first_name="Ana", coded={"citizenship": ["RO", "MD"]})
    register(network.anna, first_name="Ion", coded={"gender": "Masculine", "citizenship": ["UA"]},
             consents=["services"])  # fmt: skip
    http = login(network.anna)

    def count(query: str) -> int:
        return len(http.get("/clients/?" + query).context["rows"])

    assert count("citizenship_country=MD") == 1
    assert count("citizenship_country=UA&gender=Masculine") == 1
    assert count("gender=Masculine&citizenship_country=RO") == 0
    assert count("year=2026") == 2
    assert count("year=2020") == 0
    assert count("consent=statistics") == 1


def test_it_paginates_25_a_page(network, login):
    for n in range(30):
        register(network.anna, first_name=f"Ana{n}")
    http = login(network.anna)
    first = http.get("/clients/")
    second = http.get("/clients/?page=2")
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_it_says_so_when_nothing_matches(network, login):
    register(network.anna, first_name="Ana")
    response = login(network.anna).get("/clients/?q=nobody")
    assert "No client matches this search" in response.content.decode()
