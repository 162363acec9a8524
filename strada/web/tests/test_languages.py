"""Every shipped language is complete, current, and chosen by the user or the browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "strada" / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def _catalogue(code: str):  # type: ignore[no-untyped-def]
    with open(LOCALE / code / "LC_MESSAGES" / "django.po", "rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", SHIPPED)
def test_it_translates_every_message(code):
    catalogue = _catalogue(code)
    missing = [
        m.id
        for m in catalogue
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert len(catalogue) > 300
    assert missing == []
    assert fuzzy == []


@pytest.mark.parametrize("code", SHIPPED)
def test_it_ships_a_compiled_catalogue_that_matches_its_source(code):
    """The .mo file (committed, so that no one needs gettext to run Strada) is the .po compiled."""
    with open(LOCALE / code / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = {(m.context, _key(m.id)): _key(m.string) for m in read_mo(handle) if m.id}
    source = {
        (m.context, _key(m.id)): _key(m.string) for m in _catalogue(code) if m.id and not m.fuzzy
    }
    assert compiled == source
    with translation.override(code):
        assert translation.gettext("Sign in to Strada") != "Sign in to Strada"


@pytest.mark.parametrize("code", SHIPPED)
def test_it_shows_the_sign_in_page_in_the_browsers_language(db, code):
    with translation.override(code):
        expected = translation.gettext("Sign in to Strada")
    response = HttpClient().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=code)
    body = response.content.decode()
    assert expected in body
    assert f'lang="{code}"' in body


def test_it_prefers_the_language_the_user_chose(network, login):
    network.anna.language = "uk"
    network.anna.save(update_fields=["language"])
    response = login(network.anna).get("/clients/", HTTP_ACCEPT_LANGUAGE="ro")
    with translation.override("uk"):
        expected = translation.gettext("Register a client")
    assert expected in response.content.decode()


def test_it_has_no_message_missing_from_the_catalogues(tmp_path):
    """makemessages over a copy of the code finds no message the catalogues lack."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is needed in CI to check the catalogues")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "strada"
    shutil.copytree(
        Path(settings.BASE_DIR) / "strada",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "tests"),
    )
    environment = {**os.environ, "STRADA_DEBUG": "1", "PYTHONPATH": str(settings.BASE_DIR)}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", SHIPPED[0], "--no-obsolete", "--settings=strada.settings"],
        cwd=copy, env=environment, check=True, capture_output=True,
    )  # fmt: skip
    with open(copy / "locale" / SHIPPED[0] / "LC_MESSAGES" / "django.po", "rb") as handle:
        fresh = {_message(m) for m in read_po(handle) if m.id}
    known = {_message(m) for m in _catalogue(SHIPPED[0]) if m.id}
    assert sorted(fresh - known) == []


def _message(message):  # type: ignore[no-untyped-def]
    """A message as gettext finds it: its context (pgettext) and its singular text."""
    return (message.context or "", message.id if isinstance(message.id, str) else message.id[0])
