from __future__ import annotations

from django.urls import reverse

from strada.audit.models import AuditEvent
from strada.clients.access import search_clients
from strada.clients.identity import unseal
from strada.clients.models import Client
from strada.conftest import register


def test_it_registers_a_client_with_a_cyrillic_name_through_the_form(network, login):
    client = login(network.anna)
    response = client.post(
        reverse("clients:register"),
        {
            "registered_on": "2026-03-01",
            "first_name": "Олена",
            "second_name": "Коваленко",
            "gender": "Feminine",
            "citizenship": ["UA"],
            "consents": ["services", "statistics"],
            "consent_form": "written",
            "consent_wording_version": "2026-1",
            "consent_language": "uk",
        },
    )
    stored = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[stored.id])
    assert stored.reference == "NL-2026-00001"
    identity = unseal(stored)
    assert identity.first_name == "Олена"
    assert identity.first_name_latin == "Olena"
    assert stored.consents.count() == 2


def test_it_registers_an_anonymous_client(network, login):
    response = login(network.anna).post(
        reverse("clients:register"),
        {
            "registered_on": "2026-03-01",
            "gender": "NonSpecifiedUnknown",
            "consent_form": "oral",
            "consent_wording_version": "2026-1",
        },
    )
    assert response.status_code == 302
    assert Client.objects.get().has_name is False


def test_it_finds_a_cyrillic_name_by_its_latin_spelling(network):
    olena = register(network.anna, first_name="Олена", second_name="Коваленко")
    register(network.anna, first_name="Maria", second_name="Popescu")
    assert list(search_clients(network.anna, "olena")) == [olena]
    assert list(search_clients(network.anna, "Olena Kovalenko")) == [olena]
    assert list(search_clients(network.anna, olena.reference)) == [olena]
    assert list(search_clients(network.anna, "Olena Popescu")) == []


def test_it_never_finds_another_organisations_client(network):
    register(network.anna, first_name="Olena")
    assert list(search_clients(network.chiara, "olena")) == []


def test_it_audits_every_read_of_an_identity(network, login):
    olena = register(network.anna, first_name="Олена")
    before = AuditEvent.objects.filter(action="client.identity.read").count()
    response = login(network.anna).get(reverse("clients:detail", args=[olena.id]))
    assert response.status_code == 200
    assert "Олена" in response.content.decode()
    event = AuditEvent.objects.filter(action="client.identity.read").latest("seq")
    assert AuditEvent.objects.filter(action="client.identity.read").count() == before + 1
    assert event.object_id == str(olena.id)
    assert "first_name" in event.fields


def test_it_answers_404_to_an_outsider_and_403_to_the_wrong_role(network, login):
    olena = register(network.anna, first_name="Олена")
    url = reverse("clients:detail", args=[olena.id])
    assert login(network.chiara).get(url).status_code == 404
    assert login(network.dana).get(url).status_code == 403
    boris_view = login(network.boris).get(url)
    assert boris_view.status_code == 200
    assert "Олена" not in boris_view.content.decode()


def test_it_finds_a_name_by_each_of_its_passport_spellings(network):
    olha = register(network.anna, first_name="Ольга", second_name="Ковальчук")
    dmytro = register(network.anna, first_name="Дмитро", second_name="Щербак")
    for query, expected in [
        ("Olha", olha),
        ("Olga Kovalchuk", olha),
        ("Ol'ga", olha),
        ("ОЛЬГА", olha),
        ("Dmytro", dmytro),
        ("Dmitro Shcherbak", dmytro),
    ]:
        assert list(search_clients(network.anna, query)) == [expected], query


def test_it_spells_the_latin_name_as_the_clients_passport_would(network):
    ukrainian = register(network.anna, first_name="Дмитро", coded={"citizenship": ["UA"]})
    belarusian = register(network.anna, first_name="Юрий", coded={"citizenship": ["BY"]})
    assert unseal(ukrainian).first_name_latin == "Dmytro"
    assert unseal(belarusian).first_name_latin == "Yuriy"


def test_it_needs_every_word_of_the_query_to_match(network):
    register(network.anna, first_name="Maria", second_name="Popescu")
    register(network.anna, first_name="Maria", second_name="Ionescu")
    assert search_clients(network.anna, "maria").count() == 2
    assert search_clients(network.anna, "maria ionescu").count() == 1
    assert search_clients(network.anna, "popescu ionescu").count() == 0


def test_it_round_trips_every_code_of_the_client_lists_through_the_form(network, login):
    from strada.clients import codes

    http = login(network.anna)
    client = register(network.anna, first_name="Ana")
    lists = {
        "gender": codes.Gender,
        "marital_status": codes.MaritalStatus,
        "highest_level_of_education": codes.HighestLevelOfEducation,
        "age_band": codes.AgeBand,
    }
    for name, choices in lists.items():
        for value in choices.values:
            data = {"first_name": "Ana", "gender": "Feminine", name: value}
            response = http.post(f"/clients/{client.id}/edit/", data)
            assert response.status_code == 302, (name, value)
            client.refresh_from_db()
            assert getattr(client, name) == value
