from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strada.audit.models import AuditEvent
from strada.clients.access import search_clients
from strada.clients.models import Client
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


def test_it_keeps_the_query_count_of_a_filtered_page_whether_counted_in_full_or_capped(
    network, login, monkeypatch
):
    from strada.clients import views

    http = login(network.anna)
    http.get("/")
    for n in range(3):
        register(network.anna, first_name=f"Ana{n}", coded={"citizenship": ["UA"]})
    url = "/clients/?gender=Feminine&citizenship_country=UA&consent=services"
    counted = _queries(http, url)
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    assert "More than 2 clients" in http.get(url).content.decode()
    assert _queries(http, url) == counted


def test_it_counts_a_search_up_to_the_cap_and_still_pages_past_it(
    network, login, monkeypatch, settings
):
    from strada.clients import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    settings.STRADA_PAGE_SIZE = 2
    for n in range(5):
        register(network.anna, first_name=f"Ana{n}", second_name="Zamfir")
    register(network.anna, first_name="Ion")
    http = login(network.anna)

    first = http.get("/clients/?q=zamfir")
    body = first.content.decode()
    assert "More than 3 clients" in body
    assert "Page 1<" in body
    assert "Page 1 of" not in body
    assert "Next" in body
    last = http.get("/clients/?q=zamfir&page=3")
    assert len(last.context["rows"]) == 1
    assert "Next" not in last.content.decode()
    shown = [c.id for page in (1, 2, 3) for c, _ in http.get(f"/clients/?q=zamfir&page={page}").context["rows"]]  # fmt: skip
    assert len(set(shown)) == 5
    # Past the last page: the last page that was counted, as Django's paginator does.
    assert http.get("/clients/?q=zamfir&page=9").context["page"].number == 2
    # The whole list is counted exactly.
    whole = http.get("/clients/").content.decode()
    assert "6 clients" in whole
    assert "Page 1 of 3" in whole


def test_it_lists_the_same_clients_whether_it_looks_them_up_by_id_or_along_the_list(
    network, login, monkeypatch
):
    from strada.clients import access

    for _ in range(4):
        register(network.anna, first_name="Ana", second_name="Zamfir")
    register(network.anna, first_name="Ion", second_name="Zamfir", coded={"gender": "Masculine"})
    register(network.chiara, first_name="Ana", second_name="Zamfir")
    http = login(network.anna)
    urls = ["/clients/?q=zamfir", "/clients/?q=zamfir&gender=Masculine", "/clients/?q=ana"]

    def listed() -> list[list[str]]:
        return [[c.reference for c, _ in http.get(url).context["rows"]] for url in urls]

    by_id = listed()
    monkeypatch.setattr(access, "FEW_MATCHES", 0)
    assert listed() == by_id
    assert [len(refs) for refs in by_id] == [5, 1, 4]


def test_it_never_lists_another_organisations_client_even_by_its_id(network):
    from strada.clients.access import _among

    theirs = register(network.chiara, first_name="Ana")
    ours = register(network.anna, first_name="Ana")
    assert list(_among(network.anna, Client.objects.all(), {theirs.id, ours.id})) == [ours]
    assert list(_among(network.dana, Client.objects.all(), {ours.id})) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_it_looks_a_few_matches_up_by_primary_key_on_sqlite(network):
    """Without statistics SQLite would walk the organisation's clients to test the ids."""
    for n in range(3):
        register(network.anna, first_name="Ana", second_name=f"Zamfir{n}")
    sql, params = search_clients(network.anna, "ana")[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "clients_client USING INDEX sqlite_autoindex_clients_client_1 (id=?)" in plan, plan
    assert "organisation_id=?" not in plan, plan


def test_it_filters_by_an_active_consent_only(network, login):
    from strada.clients.actions import do_withdraw_consent

    ana = register(network.anna, first_name="Ana")
    register(network.anna, first_name="Ion", consents=["services"])
    http = login(network.anna)
    assert len(http.get("/clients/?consent=statistics").context["rows"]) == 1
    do_withdraw_consent(network.anna, ana.consents.get(purpose="statistics"))
    assert len(http.get("/clients/?consent=statistics").context["rows"]) == 0
    assert len(http.get("/clients/?consent=services").context["rows"]) == 2


def test_it_renders_the_kept_country_select_as_the_plain_one():
    from django import forms
    from django.utils import translation

    from strada.clients.forms import CachedSelect, country_choices

    attrs = {"id": "id_citizenship_country"}
    for language in ("en", "uk"):
        with translation.override(language):
            choices = country_choices()
            plain = forms.Select(choices=choices)
            kept = CachedSelect(choices=choices)
            for value in ("UA", "", None, "XX", "<script>"):
                expected = plain.render("citizenship_country", value, attrs)
                assert kept.render("citizenship_country", value, attrs) == expected
                assert kept.render("citizenship_country", value, attrs) == expected  # kept
            assert 'value="UA" selected' in kept.render("citizenship_country", "UA", attrs)
    with translation.override("uk"):
        ukrainian = CachedSelect(choices=country_choices()).render("c", "UA", attrs)
    with translation.override("en"):
        english = CachedSelect(choices=country_choices()).render("c", "UA", attrs)
    assert "Україна" in ukrainian
    assert "Ukraine" in english


def test_it_filters_the_same_by_the_citizenship_and_consent_indexes_or_along_the_list(
    network, login, monkeypatch
):
    """A rare citizenship or consent is found through its own index (few matches), a common one
    along the list: both ways list the same clients, and never another organisation's."""
    from strada.clients import access
    from strada.clients.actions import do_withdraw_consent

    register(network.anna, first_name="Ana", coded={"citizenship": ["FR", "UA"]})
    withdrawn = register(network.anna, first_name="Eva", coded={"citizenship": ["FR"]})
    do_withdraw_consent(network.anna, withdrawn.consents.get(purpose="statistics"))
    register(network.anna, first_name="Ion", coded={"citizenship": ["UA"]}, consents=["services"])
    register(network.chiara, first_name="Ana", coded={"citizenship": ["FR"]})
    http = login(network.anna)
    urls = [
        "/clients/?citizenship_country=FR",
        "/clients/?citizenship_country=UA&consent=statistics",
        "/clients/?consent=statistics",
        "/clients/?q=ana&citizenship_country=FR",
        "/clients/?q=ion&consent=statistics",
        "/clients/?citizenship_country=DE",
    ]

    def listed() -> list[list[str]]:
        return [[c.reference for c, _ in http.get(url).context["rows"]] for url in urls]

    indexed = listed()
    monkeypatch.setattr(access, "FEW_MATCHES", 0)
    assert listed() == indexed
    assert [len(refs) for refs in indexed] == [2, 1, 1, 1, 0, 0]


def test_it_keeps_the_citizenship_index_in_step_with_edits(network, login):
    from strada.clients.actions import do_edit_client
    from strada.clients.identity import Identity
    from strada.clients.models import SearchToken

    client = register(network.anna, first_name="Ana", coded={"citizenship": ["FR"]})
    http = login(network.anna)

    def found(country: str) -> int:
        return len(http.get(f"/clients/?citizenship_country={country}").context["rows"])

    do_edit_client(network.anna, client, identity=Identity(first_name="Anna"))
    assert found("FR") == 1  # an identity edit leaves the citizenship tokens alone
    assert len(http.get("/clients/?q=anna").context["rows"]) == 1
    do_edit_client(network.anna, client, coded={"citizenship": ["DE", "NL"]})
    assert (found("FR"), found("DE"), found("NL")) == (0, 1, 1)
    assert SearchToken.objects.filter(client=client, kind="cit").count() == 2
    do_edit_client(network.anna, client, coded={"citizenship": []})
    assert found("DE") == 0
    assert not SearchToken.objects.filter(client=client, kind="cit").exists()


def test_every_consent_names_its_clients_organisation(network):
    from strada.clients.actions import ConsentInput, do_record_consent

    client = register(network.chiara, first_name="Ana")
    do_record_consent(
        network.chiara,
        client,
        ConsentInput(
            purpose="statistics",
            given_on=client.registered_on,
            wording_version="2026-2",
            language="bg",
        ),
    )
    assert client.consents.count() == 3
    assert set(client.consents.values_list("organisation_id", flat=True)) == {
        network.chiara.organisation_id
    }


def test_a_citizenship_token_is_no_identifier_search_hit(network, login):
    """The whole query is also looked up as an identifier: it must never meet a citizenship."""
    register(network.anna, first_name="Ana", coded={"citizenship": ["FR"]})
    assert len(login(network.anna).get("/clients/?q=FR").context["rows"]) == 0


def test_its_pages_follow_the_lists_order_when_read_by_ids_first(network, login, settings):
    """A page reads its ids in the list's order, then the rows: together the pages are the list."""
    from strada.clients.actions import Registration, do_register_clients
    from strada.clients.identity import Identity

    settings.STRADA_PAGE_SIZE = 4
    do_register_clients(
        network.anna,
        [
            Registration(
                identity=Identity(first_name=f"Ana{n}"),
                coded={"gender": "Feminine"},
                registered_on=dt.date(2026, 1, 1) + dt.timedelta(days=n % 4),
            )
            for n in range(10)
        ],
    )
    http = login(network.anna)
    shown = [
        client.reference
        for page in (1, 2, 3)
        for client, _identity in http.get(f"/clients/?page={page}").context["rows"]
    ]
    expected = list(
        Client.objects.filter(organisation=network.anna.organisation)
        .order_by("-registered_on", "-reference")
        .values_list("reference", flat=True)
    )
    assert shown == expected
    assert len(shown) == 10
