"""The demo's directory: fictional entries for every country, safe to re-run."""

from __future__ import annotations

from collections import Counter

from strada.directory.demo import build_directory
from strada.directory.models import ContactPerson, Entry

COUNTRIES = ["BY", "MD", "UA", "MK", "BG", "PL", "CZ", "NL", "RO", "DE", "IT"]


def test_it_fills_every_country_with_fictional_entries(network):
    created = build_directory(None, 7)
    per_country = Counter(Entry.objects.values_list("country", flat=True))
    assert created == Entry.objects.count()
    for code in COUNTRIES:
        assert per_country[code] >= 3, code
    assert Entry.objects.filter(kind="embassy").count() >= 3
    assert ContactPerson.objects.count() >= created
    for entry in Entry.objects.all():
        assert all(email.endswith(".example") for email in entry.emails)
        entry.full_clean()
    assert all(p.email.endswith(".example") for p in ContactPerson.objects.all())
    assert set(Entry.objects.values_list("owner", flat=True)) == {network.lsi.id}
    assert Entry.objects.filter(last_verified__isnull=True).exists()


def test_it_adds_nothing_when_run_again_whatever_the_seed(network):
    first = build_directory(None, 1)
    count, people = Entry.objects.count(), ContactPerson.objects.count()
    assert build_directory(None, 1) == 0
    assert build_directory(network.dana, 2) == 0
    assert (Entry.objects.count(), ContactPerson.objects.count()) == (count, people)
    assert first == count


def test_it_gives_the_same_details_for_the_same_seed(db):
    build_directory(None, 3)
    phones = sorted(Entry.objects.values_list("name", "phones"))
    Entry.objects.all().delete()
    build_directory(None, 3)
    assert sorted(Entry.objects.values_list("name", "phones")) == phones
