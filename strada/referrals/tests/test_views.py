"""Referral pages through HTTP: NL refers a client to MD; each side sees the status and its own
client only; the receiver's pages carry the package fields and nothing else of NL's record."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from strada.audit.models import AuditEvent
from strada.clients.models import Client
from strada.conftest import every_value_in_the_database, register
from strada.directory.models import Entry
from strada.referrals import actions
from strada.referrals.actions import ReferralInput
from strada.referrals.models import Notification, Referral
from strada.referrals.tests.conftest import consent_to

PHONE = "+31 6 1111 2222"
ID_NUMBER = "NLX-4471-ID"
MESSAGE = "Wants reintegration support near Chisinau"
SEND = {
    "purpose": "MigrationOrChangeOfLocation",
    "urgency": "urgent",
    "package_fields": ["first_name", "second_name", "birth_date", "gender"],
    "message": MESSAGE,
}


def _new(client):
    return reverse("referrals:new", args=[client.id])


def _page(referral, name="referral"):
    return reverse(f"referrals:{name}", args=[referral.id])


def _text(response) -> str:
    return response.content.decode("utf-8")


@pytest.fixture
def olena(network):
    return register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        birth_date=dt.date(1994, 5, 17),
        mobile_phone=PHONE,
        identity_number=ID_NUMBER,
        coded={"citizenship": ["MD"]},
    )


@pytest.fixture
def sent(network, md, olena):
    """A referral NL → MD with the client's consent, waiting for MD's answer."""
    consent_to(network.anna, olena, md.org)
    return actions.do_send_referral(
        network.anna,
        olena,
        ReferralInput(
            purpose="MigrationOrChangeOfLocation",
            fields=["first_name", "second_name", "gender", "message"],
            recipient=md.org,
            message=MESSAGE,
        ),
    )


@pytest.fixture
def entry(network):
    return Entry.objects.create(name="Shelter Iasi", kind="shelter", country="RO", city="Iasi")


# The whole path through the pages ---------------------------------------------------------------


def test_it_refers_a_client_from_nl_to_md_and_both_see_the_status(network, md, olena, login):
    anna, maria = login(network.anna), login(md.maria)
    # NL records the client's consent to be referred to MD, on the client's page.
    response = anna.post(
        reverse("clients:consent_add", args=[olena.id]),
        {
            "purpose": "referral",
            "recipient": str(md.org.id),
            "given_on": "2026-03-01",
            "form": "written",
            "wording_version": "2026-1",
            "language": "en",
        },
    )
    assert response.status_code == 302
    form_page = _text(anna.get(_new(olena)))
    assert "La Strada MD (Moldova) · client consented" in form_page
    assert (
        "checked" not in form_page.split('data-testid="package-fields"')[1].split("</fieldset>")[0]
    )

    response = anna.post(_new(olena), {"recipient": f"org:{md.org.id}", **SEND})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _page(referral)
    assert referral.package_fields == sorted(
        ["first_name", "second_name", "birth_date", "gender", "message"]
    )
    assert referral.consent is not None

    # MD's inbox lists it; its pages show the package and nothing else of NL's record.
    inbox = maria.get(reverse("referrals:inbox"))
    assert referral in [row.referral for row in inbox.context["rows"]]
    assert "La Strada NL" in _text(inbox)
    detail = maria.get(_page(referral))
    body = _text(detail)
    for shown in ("Олена", "Коваленко", "1994-05-17", "Female", MESSAGE):
        assert shown in body
    md_pages = [inbox, detail, maria.get(reverse("referrals:list"))]
    accepted = maria.post(_page(referral, "accept"), follow=True)
    md_pages.append(accepted)
    md_pages.append(maria.get(_page(referral)))
    for page in md_pages:
        text = _text(page)
        for secret in (PHONE, ID_NUMBER, olena.reference, str(olena.id)):
            assert secret not in text

    # Acceptance built MD's own client from the package, linked from MD's side only.
    md_client = Client.objects.get(organisation=md.org)
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.receiver_client == md_client
    assert md_client.reference in _text(accepted)
    assert reverse("clients:detail", args=[md_client.id]) in _text(md_pages[-1])
    assert maria.get(reverse("clients:detail", args=[md_client.id])).status_code == 200

    # NL sees "accepted", never MD's record.
    nl_page = anna.get(_page(referral))
    text = _text(nl_page)
    assert 'data-testid="status">Accepted<' in text
    assert md_client.reference not in text
    assert str(md_client.id) not in text
    assert anna.get(reverse("clients:detail", args=[md_client.id])).status_code == 404
    assert 'data-testid="status">Accepted<' in _text(maria.get(_page(referral)))
    sent_list = anna.get(reverse("referrals:list"), {"box": "sent"})
    assert [row.reference for row in sent_list.context["rows"]] == [olena.reference]
    assert md_client.reference not in _text(sent_list)
    received_list = maria.get(reverse("referrals:list"), {"box": "received"})
    assert [row.reference for row in received_list.context["rows"]] == [md_client.reference]


def test_it_shows_only_the_package_fields_to_the_receiver(network, md, sent, login):
    body = _text(login(md.maria).get(_page(sent)))
    assert "Олена" in body
    assert "Коваленко" in body
    for secret in (PHONE, ID_NUMBER, "1994", sent.source_client.reference):
        assert secret not in body


def test_it_audits_each_reading_of_the_package(network, md, sent, login):
    login(md.maria).get(_page(sent))
    event = AuditEvent.objects.filter(action="referral.package.read", org_id=md.org.id).get()
    assert event.object_id == str(sent.id)


def test_it_tells_the_caseworker_which_recipients_the_client_consented_to(
    network, md, olena, login
):
    page = _text(login(network.anna).get(_new(olena)))
    assert "has not consented to be referred anywhere yet" in page
    assert "client consented" not in page
    consent_to(network.anna, olena, md.org)
    page = _text(login(network.anna).get(_new(olena)))
    assert "La Strada MD (Moldova) · client consented" in page
    assert "La Strada BG (Bulgaria)<" in page


# Consent, enforced by the server -------------------------------------------------------------------


def test_it_refuses_a_referral_without_consent_and_keeps_what_was_typed(network, md, olena, login):
    response = login(network.anna).post(_new(olena), {"recipient": f"org:{md.org.id}", **SEND})
    assert response.status_code == 200
    assert "has not consented to be referred to this recipient" in _text(response)
    assert response.context["form"].errors["recipient"]
    assert MESSAGE in _text(response)
    assert 'value="first_name" class="check" id="id_package_fields_0_0" checked' in _text(response)
    assert Referral.objects.count() == 0
    assert not Notification.objects.exists()


def test_it_refuses_a_caseworkers_forged_override(network, md, olena, login):
    response = login(network.anna).post(
        _new(olena),
        {"recipient": f"org:{md.org.id}", **SEND, "override_reason": "I say so"},
    )
    assert response.status_code == 403
    assert Referral.objects.count() == 0


def test_it_lets_a_supervisor_refer_without_consent_with_a_reason(network, md, olena, login):
    sam = login(network.sam)
    assert "Reason for referring without the client" in _text(sam.get(_new(olena)))
    assert "Reason for referring without the client" not in _text(
        login(network.anna).get(_new(olena))
    )
    response = sam.post(
        _new(olena),
        {"recipient": f"org:{md.org.id}", **SEND, "override_reason": "Medical emergency"},
        follow=True,
    )
    referral = Referral.objects.get()
    assert referral.consent is None
    assert "without the client&#x27;s consent" in _text(response)
    basis = _text(login(md.maria).get(_page(referral)))
    assert "by a supervisor: Medical emergency" in basis
    assert AuditEvent.objects.filter(action="referral.send_without_consent").count() == 1


def test_it_seals_the_override_reason_and_shows_it_to_both_sides(network, md, olena, login):
    """The reason is free text that may name the client's circumstances: no column and no audit
    event holds it, while both organisations' case workers read it on the referral's page."""
    reason = "Husband threatens her in Tiraspol; she lost her phone"
    sam = login(network.sam)
    sam.post(
        _new(olena),
        {"recipient": f"org:{md.org.id}", **SEND, "override_reason": reason},
        follow=True,
    )
    referral = Referral.objects.get()
    stored = every_value_in_the_database()
    for word in ("Husband", "Tiraspol", "lost her phone"):
        assert word.encode() not in stored
    events = AuditEvent.objects.filter(action="referral.send_without_consent")
    assert [event.reason for event in events] == ["override"]
    assert not AuditEvent.objects.filter(reason__contains="Tiraspol").exists()
    for reader in (sam, login(network.anna), login(md.maria), login(md.mihai)):
        page = _text(reader.get(_page(referral)))
        assert f"by a supervisor: {reason}" in page
    for outsider in (network.chiara, network.boris, network.dana):
        response = login(outsider).get(_page(referral))
        assert response.status_code in (403, 404)
        assert "Tiraspol" not in _text(response)


def test_it_asks_for_the_referral_words_with_their_own_context(
    network, md, sent, login, monkeypatch
):
    """ "To" and "From" name organisations on the referral pages and dates in the audit log's filter;
    "Sent" is a box, a status and a date: the referral pages ask for them with a context, so that a
    language translates each apart (here with stand-in translations of the contexts)."""
    catalog = trans_real.translation("ro")._catalog._catalogs[0]
    for context, word in (
        ("referral direction", "To"),
        ("referral direction", "From"),
        ("referral direction", "Sent"),
        ("referral direction", "Received"),
        ("referral status", "Sent"),
    ):
        monkeypatch.setitem(
            catalog, f"{context}{trans_real.CONTEXT_SEPARATOR}{word}", f"[{context}: {word}]"
        )
    for person in (network.anna, network.olga):
        person.language = "ro"
        person.save(update_fields=["language"])
    anna = login(network.anna)
    listed = _text(anna.get("/referrals/?box=sent"))
    for shown in ("direction: Sent", "direction: Received", "direction: To", "status: Sent"):
        assert f"[referral {shown}]" in listed
    detail = _text(anna.get(_page(sent)))
    for shown in ("direction: From", "direction: To", "status: Sent"):
        assert f"[referral {shown}]" in detail
    with translation.override("ro"):
        until = translation.gettext("To")
    assert until != "To"
    audit = _text(login(network.olga).get("/audit/"))
    assert until in audit
    assert "[referral" not in audit


# Revoke, decline, complete -------------------------------------------------------------------------


def test_it_lets_the_sender_revoke_a_pending_referral(network, md, sent, login):
    anna = login(network.anna)
    confirm = anna.get(_page(sent, "revoke"))
    assert confirm.status_code == 200
    assert Referral.objects.get().status == "sent"
    response = anna.post(_page(sent, "revoke"), follow=True)
    assert "Referral revoked" in _text(response)
    assert Referral.objects.get().status == "revoked"
    # The receiver no longer reads the package and can no longer accept.
    maria = login(md.maria)
    body = _text(maria.get(_page(sent)))
    assert "Олена" not in body
    assert MESSAGE not in body
    assert "can no longer be read here" in body
    response = maria.post(_page(sent, "accept"), follow=True)
    assert "not possible on this referral now" in _text(response)
    assert not Client.objects.filter(organisation=md.org).exists()
    assert Notification.objects.filter(organisation=md.org, kind="referral_revoked").exists()


def test_it_lets_the_receiver_decline_with_a_reason(network, md, sent, login):
    maria = login(md.maria)
    response = maria.post(_page(sent, "decline"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Referral.objects.get().status == "sent"
    response = maria.post(_page(sent, "decline"), {"reason": "No shelter place until May"})
    assert response.status_code == 302
    assert Referral.objects.get().status == "declined"
    anna_page = _text(login(network.anna).get(_page(sent)))
    assert "No shelter place until May" in anna_page
    assert 'data-testid="status">Declined<' in anna_page
    maria_page = _text(maria.get(_page(sent)))
    assert "No shelter place until May" in maria_page
    assert "Олена" not in maria_page
    assert MESSAGE not in maria_page


def test_it_lets_the_receiver_complete_an_accepted_referral(network, md, sent, login):
    maria = login(md.maria)
    maria.post(_page(sent, "accept"))
    assert maria.get(_page(sent, "complete")).status_code == 200
    response = maria.post(_page(sent, "complete"), follow=True)
    assert "marked as completed" in _text(response)
    assert Referral.objects.get().status == "completed"
    assert 'data-testid="status">Completed<' in _text(login(network.anna).get(_page(sent)))


def test_it_completes_an_external_referral_from_the_senders_side(network, olena, entry, login):
    consent_to(network.anna, olena, None, entry=entry)
    anna = login(network.anna)
    form_page = _text(anna.get(_new(olena)))
    assert "Shelter Iasi (Iasi) · client consented" in form_page
    response = anna.post(_new(olena), {"recipient": f"entry:{entry.id}", **SEND})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.recipient_entry == entry
    page = _text(anna.get(_page(referral)))
    assert _page(referral, "export") in page
    assert _page(referral, "complete") in page
    anna.post(_page(referral, "complete"))
    assert Referral.objects.get().status == "completed"


def test_it_answers_get_on_state_changing_urls_with_a_confirmation(network, md, sent, login):
    maria, anna = login(md.maria), login(network.anna)
    for http, name in ((maria, "accept"), (maria, "decline"), (anna, "revoke")):
        response = http.get(_page(sent, name))
        assert response.status_code == 200, name
        assert 'method="post"' in _text(response)
    # Complete is not possible yet: the page says so and changes nothing.
    response = maria.get(_page(sent, "complete"), follow=True)
    assert "not possible on this referral now" in _text(response)
    assert Referral.objects.get().status == "sent"
    assert not Client.objects.filter(organisation=md.org).exists()


def test_it_keeps_each_side_to_its_own_buttons(network, md, sent, login):
    anna = login(network.anna)
    response = anna.post(_page(sent, "accept"), follow=True)
    assert "not possible on this referral now" in _text(response)
    anna.post(_page(sent, "decline"), {"reason": "mine"})
    assert Referral.objects.get().status == "sent"
    maria = login(md.maria)
    maria.post(_page(sent, "revoke"))
    assert Referral.objects.get().status == "sent"
    page = _text(maria.get(_page(sent)))
    assert _page(sent, "revoke") not in page
    assert _page(sent, "accept") in page


# Updates sent back ---------------------------------------------------------------------------------


def test_it_sends_an_update_back_that_joins_the_original_client(network, md, sent, olena, login):
    maria = login(md.maria)
    maria.post(_page(sent, "accept"))
    md_client = Client.objects.get(organisation=md.org)
    reply_url = _page(sent, "reply")
    page = _text(maria.get(reply_url))
    assert "has not consented to be referred to La Strada NL" in page
    response = maria.post(
        reply_url, {**SEND, "package_fields": ["gender"], "message": "Settled in"}
    )
    assert response.status_code == 200
    assert Referral.objects.count() == 1
    consent_to(md.maria, md_client, network.nl)
    assert "consented on" in _text(maria.get(reply_url))
    response = maria.post(
        reply_url, {**SEND, "package_fields": ["gender"], "message": "Settled in"}
    )
    assert response.status_code == 302
    update = Referral.objects.get(in_reply_to=sent)
    assert update.sender == md.org
    assert update.recipient == network.nl
    anna = login(network.anna)
    page = _text(anna.get(_page(update)))
    assert "Settled in" in page
    assert md_client.reference not in page
    response = anna.post(_page(update, "accept"), follow=True)
    assert f"linked to your client {olena.reference}" in _text(response)
    update.refresh_from_db()
    assert update.receiver_client == olena
    assert Client.objects.filter(organisation=network.nl).count() == 1


def test_it_offers_no_update_before_acceptance(network, md, sent, login):
    response = login(md.maria).get(_page(sent, "reply"), follow=True)
    assert "not possible on this referral now" in _text(response)
    response = login(network.anna).get(_page(sent, "reply"), follow=True)
    assert "not possible on this referral now" in _text(response)


# Bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"package_fields": ["first_name", "password_hash"]}, "package_fields"),
        ({"recipient": f"org:{uuid.UUID(int=7)}"}, "recipient"),
        ({"recipient": "nonsense"}, "recipient"),
        ({"purpose": "Holiday"}, "purpose"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"message": "x" * 5000}, "message"),
        ({"package_fields": [], "message": ""}, "package_fields"),
    ],
)
def test_it_explains_bad_input_and_sends_nothing(network, md, olena, login, change, field):
    consent_to(network.anna, olena, md.org)
    data = {"recipient": f"org:{md.org.id}", **SEND, **change}
    response = login(network.anna).post(_new(olena), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert "Nothing was sent yet" in _text(response)
    assert Referral.objects.count() == 0


def test_it_refuses_the_own_organisation_and_the_secretariat_as_recipient(
    network, md, olena, login
):
    for org in (network.nl, network.lsi, network.polaris):
        response = login(network.anna).post(_new(olena), {"recipient": f"org:{org.id}", **SEND})
        assert response.context["form"].errors.get("recipient")
    assert Referral.objects.count() == 0


def test_it_answers_404_for_another_organisations_client_or_referral(network, md, sent, login):
    bg_client = register(network.chiara, first_name="Bistra")
    anna = login(network.anna)
    assert anna.get(_new(bg_client)).status_code == 404
    assert anna.post(_new(bg_client), {"recipient": f"org:{md.org.id}", **SEND}).status_code == 404
    assert anna.get(f"/referrals/{uuid.uuid4()}/").status_code == 404
    chiara = login(network.chiara)
    missing = chiara.get(f"/referrals/{uuid.uuid4()}/")
    forbidden = chiara.get(_page(sent))
    assert missing.status_code == forbidden.status_code == 404


# Nobody else -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chiara", "bogdan", "dana", "nick", "pat", "boris", "olga"])
def test_it_shows_no_referral_to_anyone_else(network, md, sent, login, who):
    person = getattr(network, who)
    http = login(person)
    own_lists = [
        reverse("referrals:list"),
        reverse("referrals:list") + "?box=sent",
        reverse("referrals:inbox"),
        reverse("referrals:notifications"),
    ]
    paths = [
        *own_lists,
        _new(sent.source_client),
        *(_page(sent, name) for name in ("referral", "accept", "decline", "revoke", "complete")),
        _page(sent, "reply"),
    ]
    case_role = person.role in ("caseworker", "supervisor")
    for path in paths:
        for response in (http.get(path), http.post(path, {"reason": "x", **SEND})):
            if case_role and path in own_lists:
                assert response.status_code == 200, (path, who)  # their own, empty
            else:
                assert response.status_code in (403, 404, 405), (path, who)
            body = _text(response)
            for secret in ("Олена", "Коваленко", MESSAGE, sent.source_client.reference):
                assert secret not in body, (path, who)
    assert Referral.objects.get().status == "sent"
    assert not AuditEvent.objects.filter(action="referral.package.read").exists()


def test_it_shows_the_client_page_section_to_case_roles_only(network, md, sent, login):
    client_page = reverse("clients:detail", args=[sent.source_client_id])
    page = _text(login(network.anna).get(client_page))
    assert "Refer this client" in page
    assert _page(sent) in page
    assert "La Strada MD" in page
    page = _text(login(network.boris).get(client_page))
    assert "Refer this client" not in page
    assert _page(sent) not in page


# Lists and notifications ----------------------------------------------------------------------------


def test_it_filters_the_lists_and_puts_the_urgent_first_in_the_inbox(network, md, olena, login):
    consent_to(network.anna, olena, md.org)
    for urgency in ("routine", "emergency", "urgent"):
        actions.do_send_referral(
            network.anna,
            olena,
            ReferralInput(purpose="Other", fields=["gender"], recipient=md.org, urgency=urgency),
        )
    inbox = login(md.maria).get(reverse("referrals:inbox"))
    assert [row.referral.urgency for row in inbox.context["rows"]] == [
        "emergency",
        "urgent",
        "routine",
    ]
    actions.do_revoke_referral(network.anna, Referral.objects.get(urgency="routine"))
    anna = login(network.anna)
    assert len(anna.get(reverse("referrals:list"), {"box": "sent"}).context["rows"]) == 3
    revoked = anna.get(reverse("referrals:list"), {"box": "sent", "status": "revoked"})
    assert [row.referral.urgency for row in revoked.context["rows"]] == ["routine"]
    assert anna.get(reverse("referrals:list")).context["rows"] == []
    assert "not received any referral yet" in _text(anna.get(reverse("referrals:list")))
    bad = anna.get(reverse("referrals:list"), {"box": "../etc", "status": "nope", "page": "x"})
    assert bad.status_code == 200


def test_it_lists_with_a_constant_number_of_queries(
    network, md, olena, login, django_assert_num_queries
):
    consent_to(network.anna, olena, md.org)
    data = ReferralInput(purpose="Other", fields=["gender"], recipient=md.org)
    actions.do_send_referral(network.anna, olena, data)
    http = login(md.maria)
    http.get(reverse("referrals:list"))
    with django_assert_num_queries(7):
        http.get(reverse("referrals:list"))
    for _n in range(5):
        actions.do_send_referral(network.anna, olena, data)
    with django_assert_num_queries(7):
        assert len(http.get(reverse("referrals:list")).context["rows"]) == 6
    with django_assert_num_queries(6):  # no count of the waiting ones: they are the page
        assert len(http.get(reverse("referrals:inbox")).context["rows"]) == 6
    sender = login(network.anna)
    sender.get(reverse("referrals:list"))
    with django_assert_num_queries(7):
        assert len(sender.get(reverse("referrals:list"), {"box": "sent"}).context["rows"]) == 6


def test_it_counts_unread_notifications_until_they_are_seen(network, md, olena, sent, login):
    maria = login(md.maria)
    home = _text(maria.get(reverse("referrals:list")))
    assert 'data-testid="unread" title="Unread notifications">1<' in home
    page = maria.get(reverse("referrals:notifications"))
    assert _page(sent) in _text(page)
    assert "A referral was received" in _text(page)
    assert [new for _item, new in page.context["rows"]] == [True]
    assert 'data-testid="unread"' not in _text(maria.get(reverse("referrals:list")))
    assert [
        new for _item, new in maria.get(reverse("referrals:notifications")).context["rows"]
    ] == [False]
    # The sender hears of the answer; the secretariat and other roles get no badge at all.
    actions.do_accept_referral(md.maria, sent)
    assert 'data-testid="unread"' in _text(login(network.anna).get(reverse("referrals:list")))
    for person in (network.dana, network.boris, network.olga):
        assert "Notifications" not in _text(login(person).get("/"))
