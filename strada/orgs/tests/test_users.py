"""The organisation admin's pages: the people of the own organisation (Olga, org admin at NL)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from strada.accounts.models import PersonalAccessToken, User
from strada.audit.models import AuditEvent
from strada.conftest import PASSWORD, make_user


@pytest.fixture
def bea(network):
    """The organisation admin of BG: the outsider for NL's people."""
    return make_user(network.bg, "bea", "org_admin")


def _urls(person):
    return [
        reverse("orgs:user", args=[person.id]),
        reverse("orgs:user_deactivate", args=[person.id]),
        reverse("orgs:user_reactivate", args=[person.id]),
        reverse("orgs:user_password", args=[person.id]),
    ]


def test_it_lists_the_own_organisations_users_only(network, login):
    response = login(network.olga).get(reverse("orgs:users"))
    assert response.status_code == 200
    assert _listed(response) == ["anna", "boris", "olga", "sam"]
    assert "chiara" not in response.content.decode()


def _listed(response):
    return [person.username for person in response.context["page"].object_list]


def test_it_searches_users_by_user_name_and_name(network, login):
    network.boris.first_name = "Borislav"
    network.boris.save(update_fields=["first_name"])
    client = login(network.olga)
    assert _listed(client.get(reverse("orgs:users"), {"q": "borisl"})) == ["boris"]
    assert _listed(client.get(reverse("orgs:users"), {"q": "ANN"})) == ["anna"]
    assert _listed(client.get(reverse("orgs:users"), {"q": "chiara"})) == []
    assert _listed(client.get(reverse("orgs:users"), {"q": "x" * 1000})) == []


def test_it_shows_whether_a_user_has_a_second_factor(network, login):
    Authenticator.objects.create(user=network.anna, type=Authenticator.Type.TOTP, data={})
    page = login(network.olga).get(reverse("orgs:users")).content.decode()
    anna_row = re.search(r"<tr>\s*<td><a [^>]*>anna</a>.*?</tr>", page, re.S).group(0)
    boris_row = re.search(r"<tr>\s*<td><a [^>]*>boris</a>.*?</tr>", page, re.S).group(0)
    assert 'tag-on">yes' in anna_row
    assert 'tag-on">yes' not in boris_row


def test_it_lists_users_with_a_constant_number_of_queries(
    network, login, django_assert_num_queries
):
    client = login(network.olga)
    client.get(reverse("orgs:users"))  # warm the session
    for n in range(20):
        make_user(network.nl, f"extra{n}", "caseworker")
    with django_assert_num_queries(5):
        response = client.get(reverse("orgs:users"))
    assert response.status_code == 200


def test_it_paginates_the_user_list(network, login, settings):
    settings.STRADA_PAGE_SIZE = 2
    client = login(network.olga)
    first = client.get(reverse("orgs:users")).content.decode()
    assert "Page 1 of 2" in first
    assert client.get(reverse("orgs:users"), {"page": "99"}).status_code == 200
    assert client.get(reverse("orgs:users"), {"page": "x"}).status_code == 200


def test_it_answers_403_to_the_wrong_role(network, login):
    for person in [network.anna, network.sam, network.boris, network.nick, network.dana]:
        client = login(person)
        assert client.get(reverse("orgs:users")).status_code == 403
        assert client.get(reverse("orgs:user_create")).status_code == 403
        for url in _urls(network.anna):
            assert client.get(url).status_code == 403
            assert client.post(url, {"role": "supervisor"}).status_code == 403
    network.anna.refresh_from_db()
    assert network.anna.role == "caseworker"


def test_it_answers_404_to_an_outsider(network, login, bea):
    client = login(bea)
    for url in _urls(network.anna):
        assert client.get(url).status_code == 404
        assert client.post(url, {"role": "supervisor", "password": ""}).status_code == 404
    network.anna.refresh_from_db()
    assert network.anna.role == "caseworker"
    assert network.anna.is_active
    assert network.anna.check_password(PASSWORD)


def test_it_answers_404_to_a_missing_user(network, login):
    client = login(network.olga)
    assert client.get("/org/users/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/org/users/not-a-uuid/").status_code == 404


def test_it_creates_a_user_with_a_typed_password(network, login):
    response = login(network.olga).post(
        reverse("orgs:user_create"),
        {
            "username": "nina.nl",
            "first_name": "Nina",
            "last_name": "de Vries",
            "email": "nina@example.org",
            "role": "supervisor",
            "language": "uk",
            "password": "a-typed-password-of-length",
        },
    )
    assert response.status_code == 302
    nina = User.objects.get(username="nina.nl")
    assert nina.organisation == network.nl
    assert nina.role == "supervisor"
    assert nina.language == "uk"
    assert nina.check_password("a-typed-password-of-length")
    event = AuditEvent.objects.filter(action="user.create").latest("seq")
    assert event.object_id == str(nina.id)
    assert event.actor_username == "olga"


def test_it_shows_a_generated_password_once(network, login):
    client = login(network.olga)
    response = client.post(
        reverse("orgs:user_create"),
        {"username": "nina.nl", "role": "caseworker", "language": "", "password": ""},
    )
    assert response.status_code == 200
    password = re.search(r'data-testid="password">([^<]+)<', response.content.decode()).group(1)
    nina = User.objects.get(username="nina.nl")
    assert nina.check_password(password)
    assert password not in client.get(reverse("orgs:user", args=[nina.id])).content.decode()
    assert password not in client.get(reverse("orgs:users")).content.decode()
    assert all(password not in str(row) for row in AuditEvent.objects.values_list())


def test_it_refuses_a_role_the_organisation_does_not_have(network, login):
    client = login(network.olga)
    for role in ["analyst", "network_admin", "partner", "nonsense", ""]:
        response = client.post(
            reverse("orgs:user_create"), {"username": "nina", "role": role, "password": ""}
        )
        assert response.status_code == 200
        assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="nina").exists()


def test_it_refuses_a_taken_user_name_whatever_its_case(network, login):
    response = login(network.olga).post(
        reverse("orgs:user_create"), {"username": "Anna", "role": "caseworker", "password": ""}
    )
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="anna").count() == 1


def test_it_refuses_a_weak_or_oversized_input(network, login):
    client = login(network.olga)
    weak = client.post(
        reverse("orgs:user_create"),
        {"username": "nina", "role": "caseworker", "password": "12345"},
    )
    assert "password" in weak.context["form"].errors
    huge = client.post(
        reverse("orgs:user_create"),
        {"username": "n" * 500, "first_name": "x" * 5000, "role": "caseworker", "password": ""},
    )
    assert huge.status_code == 200
    assert "username" in huge.context["form"].errors
    odd = client.post(
        reverse("orgs:user_create"),
        {"username": "nina nl/..", "role": ["caseworker", "x"], "email": "nope"},
    )
    assert odd.status_code == 200
    assert User.objects.count() == len(network.people())


def test_it_changes_a_role_and_that_ends_the_sessions(network, login):
    anna_client = login(network.anna)
    assert anna_client.get(reverse("web:home")).status_code == 200
    token_row = PersonalAccessToken.objects.create(
        user=network.anna,
        name="script",
        token_hash="x" * 64,
        hint="abcd",
        expires_at="2999-01-01T00:00:00Z",
    )
    response = login(network.olga).post(
        reverse("orgs:user", args=[network.anna.id]), {"role": "supervisor"}
    )
    assert response.status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.role == "supervisor"
    ended = anna_client.get(reverse("web:home"))
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("account_login"))
    token_row.refresh_from_db()
    assert token_row.revoked_at is not None
    event = AuditEvent.objects.filter(action="user.role_change").latest("seq")
    assert event.object_id == str(network.anna.id)
    assert event.fields == ["role"]


def test_it_refuses_an_unknown_role_change_and_changes_nothing(network, login):
    client = login(network.olga)
    before = AuditEvent.objects.count()
    for role in ["analyst", "network_admin", "root", "x" * 1000]:
        response = client.post(reverse("orgs:user", args=[network.anna.id]), {"role": role})
        assert response.status_code == 200
        assert "role" in response.context["form"].errors
    network.anna.refresh_from_db()
    assert network.anna.role == "caseworker"
    assert AuditEvent.objects.count() == before


def test_it_refuses_to_change_the_admins_own_role(network, login):
    response = login(network.olga).post(
        reverse("orgs:user", args=[network.olga.id]), {"role": "caseworker"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    network.olga.refresh_from_db()
    assert network.olga.role == "org_admin"


def test_it_asks_before_deactivating_and_deactivation_ends_the_session(network, login):
    anna_client = login(network.anna)
    assert anna_client.get(reverse("web:home")).status_code == 200
    olga = login(network.olga)
    url = reverse("orgs:user_deactivate", args=[network.anna.id])
    confirm = olga.get(url)
    assert confirm.status_code == 200
    assert "Deactivate anna?" in confirm.content.decode()
    network.anna.refresh_from_db()
    assert network.anna.is_active
    assert olga.post(url).status_code == 302
    network.anna.refresh_from_db()
    assert not network.anna.is_active
    ended = anna_client.get(reverse("web:home"))
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(
        action="user.deactivate", object_id=str(network.anna.id)
    ).exists()


def test_it_reactivates_a_user(network, login):
    olga = login(network.olga)
    olga.post(reverse("orgs:user_deactivate", args=[network.anna.id]))
    assert olga.post(reverse("orgs:user_reactivate", args=[network.anna.id])).status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.is_active
    assert AuditEvent.objects.filter(action="user.activate").count() == 1


def test_it_refuses_to_deactivate_the_admin_herself(network, login):
    olga = login(network.olga)
    response = olga.post(reverse("orgs:user_deactivate", args=[network.olga.id]), follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    network.olga.refresh_from_db()
    assert network.olga.is_active


def test_it_sets_a_typed_password_and_that_ends_the_sessions(network, login):
    anna_client = login(network.anna)
    anna_client.get(reverse("web:home"))
    response = login(network.olga).post(
        reverse("orgs:user_password", args=[network.anna.id]),
        {"password": "another-long-password-9"},
    )
    assert response.status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.check_password("another-long-password-9")
    assert anna_client.get(reverse("web:home")).status_code == 302
    event = AuditEvent.objects.filter(action="user.set_password").latest("seq")
    assert event.fields == ["password"]


def test_it_shows_a_generated_new_password_once(network, login):
    response = login(network.olga).post(
        reverse("orgs:user_password", args=[network.anna.id]), {"password": ""}
    )
    password = re.search(r'data-testid="password">([^<]+)<', response.content.decode()).group(1)
    network.anna.refresh_from_db()
    assert network.anna.check_password(password)


def test_it_refuses_a_weak_new_password_and_keeps_the_old_one(network, login):
    response = login(network.olga).post(
        reverse("orgs:user_password", args=[network.anna.id]), {"password": "password"}
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    network.anna.refresh_from_db()
    assert network.anna.check_password(PASSWORD)


def test_it_keeps_the_network_admin_role_out_of_an_org_admins_reach(network, login):
    secretariat_admin = make_user(network.lsi, "sara", "org_admin")
    client = login(secretariat_admin)
    made = client.post(
        reverse("orgs:user_create"), {"username": "eve", "role": "network_admin", "password": ""}
    )
    assert "role" in made.context["form"].errors
    assert (
        client.post(reverse("orgs:user", args=[network.nick.id]), {"role": "analyst"}).status_code
        == 403
    )
    assert client.post(reverse("orgs:user_deactivate", args=[network.nick.id])).status_code == 403
    assert (
        client.post(
            reverse("orgs:user_password", args=[network.nick.id]), {"password": ""}
        ).status_code
        == 403
    )
    network.nick.refresh_from_db()
    assert network.nick.role == "network_admin"
    assert network.nick.is_active
    assert network.nick.check_password(PASSWORD)
