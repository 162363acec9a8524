"""The network admin's pages: organisations, and everyone's organisation and role (Nick)."""

from __future__ import annotations

from django.urls import reverse

from strada.accounts.models import User
from strada.audit.models import AuditEvent
from strada.conftest import make_user
from strada.orgs.keys import org_key
from strada.orgs.models import Organisation

NEW_ORG = {
    "code": "md",
    "name": "La Strada Moldova",
    "kind": "member",
    "org_type": "NGO",
    "country": "MD",
    "city": "Chișinău",
    "website": "lastrada.md",
}


def _org_urls(org):
    return [
        reverse("orgs:organisation", args=[org.id]),
        reverse("orgs:organisation_deactivate", args=[org.id]),
        reverse("orgs:organisation_reactivate", args=[org.id]),
    ]


def _user_urls(person):
    return [
        reverse("orgs:network_user", args=[person.id]),
        reverse("orgs:network_user_deactivate", args=[person.id]),
        reverse("orgs:network_user_reactivate", args=[person.id]),
    ]


def _listed(response):
    return [row.username for row in response.context["page"].object_list]


def test_it_lists_the_organisations_with_their_active_users(network, login):
    response = login(network.nick).get(reverse("orgs:organisations"))
    assert response.status_code == 200
    counts = {org.code: org.user_count for org in response.context["page"].object_list}
    assert counts == {"lsi": 2, "nl": 4, "bg": 2, "polaris": 1}


def test_it_lists_organisations_with_a_constant_number_of_queries(
    network, login, django_assert_num_queries
):
    client = login(network.nick)
    client.get(reverse("orgs:organisations"))
    for code in ["aa", "bb", "cc"]:
        org = Organisation.objects.create(
            code=code, name=code, kind="member", country="PL", reference_prefix=code.upper()
        )
        make_user(org, f"user.{code}", "caseworker")
    with django_assert_num_queries(5):
        assert client.get(reverse("orgs:organisations")).status_code == 200


def test_it_answers_403_to_the_wrong_role(network, login):
    for person in [network.olga, network.dana, network.anna, network.pat]:
        client = login(person)
        for url in [
            reverse("orgs:organisations"),
            reverse("orgs:organisation_create"),
            reverse("orgs:network_users"),
            reverse("orgs:network_user_create"),
            *_org_urls(network.nl),
            *_user_urls(network.anna),
        ]:
            assert client.get(url).status_code == 403
            assert client.post(url, {"role": "supervisor", "name": "x"}).status_code == 403
    network.nl.refresh_from_db()
    assert network.nl.active
    assert network.nl.name == "La Strada NL"


def test_it_answers_404_for_a_missing_organisation_or_user(network, login):
    client = login(network.nick)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/org/organisations/{missing}/").status_code == 404
    assert client.post(f"/org/organisations/{missing}/deactivate/").status_code == 404
    assert client.get(f"/org/network/users/{missing}/").status_code == 404
    assert client.get("/org/organisations/nl/").status_code == 404


def test_it_creates_an_organisation_with_its_own_key(network, login):
    response = login(network.nick).post(reverse("orgs:organisation_create"), NEW_ORG)
    assert response.status_code == 302
    md = Organisation.objects.get(code="md")
    assert md.reference_prefix == "MD"
    assert md.website == "https://lastrada.md"
    assert len(org_key(md)) == 32
    event = AuditEvent.objects.filter(action="org.create").latest("seq")
    assert event.object_id == str(md.id)
    assert event.actor_username == "nick"


def test_it_refuses_a_bad_organisation_and_creates_nothing(network, login):
    client = login(network.nick)
    for changes in [
        {"code": "nl"},
        {"code": "NL!"},
        {"code": "x" * 100},
        {"kind": "empire"},
        {"country": "XX"},
        {"name": ""},
        {"email": "not-an-address"},
    ]:
        response = client.post(reverse("orgs:organisation_create"), {**NEW_ORG, **changes})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Organisation.objects.filter(name="La Strada Moldova").exists()


def test_it_edits_an_organisation(network, login):
    client = login(network.nick)
    url = reverse("orgs:organisation", args=[network.nl.id])
    page = client.get(url)
    assert page.context["form"]["name"].value() == "La Strada NL"
    values = {
        "code": "nl",
        "name": "La Strada Nederland",
        "org_type": "NGO",
        "country": "NL",
        "city": "Amsterdam",
        "reference_prefix": "NL",
    }
    assert client.post(url, values).status_code == 302
    network.nl.refresh_from_db()
    assert network.nl.name == "La Strada Nederland"
    assert network.nl.kind == "member"
    event = AuditEvent.objects.filter(action="org.update").latest("seq")
    assert event.fields == ["city", "name"]
    # Another organisation's code is taken: a form error, nothing saved.
    taken = client.post(url, {**values, "code": "bg", "name": "Renamed"})
    assert "code" in taken.context["form"].errors
    network.nl.refresh_from_db()
    assert network.nl.code == "nl"


def test_it_asks_before_deactivating_an_organisation_whose_people_then_stop(network, login):
    anna = login(network.anna)
    assert anna.get(reverse("web:home")).status_code == 200
    nick = login(network.nick)
    url = reverse("orgs:organisation_deactivate", args=[network.nl.id])
    assert nick.get(url).status_code == 200
    network.nl.refresh_from_db()
    assert network.nl.active
    assert nick.post(url).status_code == 302
    network.nl.refresh_from_db()
    assert not network.nl.active
    assert anna.get(reverse("web:home")).status_code == 403
    assert (
        nick.post(reverse("orgs:organisation_reactivate", args=[network.nl.id])).status_code == 302
    )
    assert anna.get(reverse("web:home")).status_code == 200


def test_it_refuses_to_deactivate_the_own_organisation(network, login):
    response = login(network.nick).post(
        reverse("orgs:organisation_deactivate", args=[network.lsi.id]), follow=True
    )
    assert "You cannot deactivate your own organisation." in response.content.decode()
    network.lsi.refresh_from_db()
    assert network.lsi.active


def test_it_lists_and_filters_the_people_of_the_network(network, login):
    client = login(network.nick)
    everyone = client.get(reverse("orgs:network_users"))
    assert len(_listed(everyone)) == len(network.people())
    by_org = client.get(reverse("orgs:network_users"), {"organisation": network.bg.id})
    assert _listed(by_org) == ["bogdan", "chiara"]
    by_role = client.get(reverse("orgs:network_users"), {"role": "caseworker"})
    assert _listed(by_role) == ["chiara", "anna"]
    both = client.get(reverse("orgs:network_users"), {"role": "caseworker", "q": "chi"})
    assert _listed(both) == ["chiara"]
    for bad in [{"organisation": "nope"}, {"role": "king"}, {"organisation": "1" * 500}]:
        response = client.get(reverse("orgs:network_users"), bad)
        assert response.status_code == 200
        assert _listed(response) == []


def test_it_lists_the_network_with_a_constant_number_of_queries(
    network, login, django_assert_num_queries
):
    client = login(network.nick)
    client.get(reverse("orgs:network_users"))
    for n in range(10):
        make_user(network.bg, f"more{n}", "caseworker")
    with django_assert_num_queries(6):
        assert client.get(reverse("orgs:network_users")).status_code == 200


def test_it_moves_a_person_to_another_organisation_and_role_ending_the_sessions(network, login):
    anna = login(network.anna)
    anna.get(reverse("web:home"))
    response = login(network.nick).post(
        reverse("orgs:network_user", args=[network.anna.id]),
        {"organisation": network.bg.id, "role": "supervisor"},
    )
    assert response.status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.organisation == network.bg
    assert network.anna.role == "supervisor"
    assert anna.get(reverse("web:home")).status_code == 302
    event = AuditEvent.objects.filter(action="user.role_change").latest("seq")
    assert event.fields == ["organisation", "role"]
    assert event.org_id == network.bg.id


def test_it_refuses_a_role_the_target_organisation_does_not_have(network, login):
    client = login(network.nick)
    for values in [
        {"organisation": network.lsi.id, "role": "caseworker"},
        {"organisation": network.polaris.id, "role": "supervisor"},
        {"organisation": network.nl.id, "role": "analyst"},
        {"organisation": "nope", "role": "caseworker"},
        {"organisation": network.nl.id, "role": "emperor"},
    ]:
        response = client.post(reverse("orgs:network_user", args=[network.anna.id]), values)
        assert response.status_code == 200
        assert response.context["form"].errors
    network.anna.refresh_from_db()
    assert network.anna.organisation == network.nl
    assert network.anna.role == "caseworker"


def test_it_refuses_to_change_the_network_admins_own_role(network, login):
    response = login(network.nick).post(
        reverse("orgs:network_user", args=[network.nick.id]),
        {"organisation": network.lsi.id, "role": "analyst"},
    )
    assert response.status_code == 200
    network.nick.refresh_from_db()
    assert network.nick.role == "network_admin"


def test_it_creates_a_person_in_any_organisation(network, login):
    client = login(network.nick)
    response = client.post(
        reverse("orgs:network_user_create"),
        {"organisation": network.polaris.id, "username": "ivy", "role": "org_admin"},
    )
    assert response.status_code == 200  # the made password is shown once
    ivy = User.objects.get(username="ivy")
    assert ivy.organisation == network.polaris
    wrong = client.post(
        reverse("orgs:network_user_create"),
        {"organisation": network.polaris.id, "username": "joe", "role": "caseworker"},
    )
    assert "role" in wrong.context["form"].errors
    assert not User.objects.filter(username="joe").exists()


def test_it_deactivates_a_person_of_any_organisation_ending_the_session(network, login):
    chiara = login(network.chiara)
    chiara.get(reverse("web:home"))
    nick = login(network.nick)
    url = reverse("orgs:network_user_deactivate", args=[network.chiara.id])
    assert nick.get(url).status_code == 200
    assert nick.post(url).status_code == 302
    network.chiara.refresh_from_db()
    assert not network.chiara.is_active
    assert chiara.get(reverse("web:home")).status_code == 302
