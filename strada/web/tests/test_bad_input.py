"""Bad input gets a clear answer and changes nothing: forms, security tokens, oversized requests."""

from __future__ import annotations

import re

from django.test import Client as HttpClient

from strada.clients.models import Client

REGISTER = "/clients/register/"
VALID = {
    "registered_on": "2026-03-01",
    "first_name": "Ana",
    "gender": "Feminine",
    "consent_form": "written",
    "consent_wording_version": "2026-1",
    "consent_language": "ro",
}


def _csrf_client(user):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return http


def _token(http: HttpClient) -> str:
    page = http.get(REGISTER).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_it_refuses_a_form_without_its_security_token(network):
    response = _csrf_client(network.anna).post(REGISTER, VALID)
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert Client.objects.count() == 0


def test_it_refuses_a_security_token_from_another_session(network):
    stolen = _token(_csrf_client(network.sam))
    response = _csrf_client(network.anna).post(REGISTER, {**VALID, "csrfmiddlewaretoken": stolen})
    assert response.status_code == 403
    assert Client.objects.count() == 0


def test_it_accepts_the_form_with_its_own_token(network):
    http = _csrf_client(network.anna)
    response = http.post(REGISTER, {**VALID, "csrfmiddlewaretoken": _token(http)})
    assert response.status_code == 302
    assert Client.objects.count() == 1


def test_it_explains_each_bad_field_and_saves_nothing(network, login):
    bad = {
        **VALID,
        "first_name": "A" * 5000,
        "gender": "Alien",
        "birth_year": "nineteen",
        "birth_date": "2999-01-01",
        "citizenship": ["XX"],
        "mobile_phone": "call me maybe",
        "email": "not-an-email",
        "number_of_children": "-3",
        "primary_language": "klingon",
        "registered_on": "yesterday",
    }
    response = login(network.anna).post(REGISTER, bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved yet" in body
    for field in ["first_name", "gender", "birth_year", "birth_date", "citizenship",
                  "mobile_phone", "email", "number_of_children", "primary_language",
                  "registered_on"]:  # fmt: skip
        assert response.context["form"].errors.get(field), field
    assert Client.objects.count() == 0


def test_it_refuses_a_birth_year_that_contradicts_the_birth_date(network, login):
    response = login(network.anna).post(
        REGISTER, {**VALID, "birth_date": "1990-05-05", "birth_year": "1991"}
    )
    assert response.context["form"].errors["birth_year"]
    assert Client.objects.count() == 0


def test_it_refuses_a_referral_consent_to_an_organisation_outside_the_network(network, login):
    from strada.conftest import register

    client = register(network.anna, first_name="Ana")
    response = login(network.anna).post(
        f"/clients/{client.id}/consents/add/",
        {
            "purpose": "referral",
            "recipient": str(network.polaris.id),
            "given_on": "2026-03-02",
            "form": "written",
            "wording_version": "2026-1",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["recipient"]
    assert client.consents.filter(purpose="referral").count() == 0


def test_it_answers_an_oversized_request_with_400_not_500(network, login):
    response = login(network.anna).post(REGISTER, {**VALID, "aliases": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 400
    assert Client.objects.count() == 0


def test_it_answers_too_many_fields_with_400(network, login):
    fields = {f"f{n}": "x" for n in range(1200)}
    response = login(network.anna).post(REGISTER, {**VALID, **fields})
    assert response.status_code == 400
    assert Client.objects.count() == 0


def test_it_ignores_a_page_number_that_is_not_a_number(network, login):
    response = login(network.anna).get("/clients/?page=abc&year=notayear")
    assert response.status_code == 200
