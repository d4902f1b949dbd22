"""The agreement's card in the pair's workspace: not started, waiting for whom, or signed by both on
which dates, with the agreed cadence and channel; the kept workspace shows a signature at once."""

import datetime

import pytest
import time_machine

from agreements import services
from tests.agreements.conftest import texts
from tests.conftest import login

NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def card(client, pairing) -> str:
    text = client.get(pairing.get_absolute_url()).text
    start = text.index('aria-labelledby="agreement-heading"')
    return text[start : text.index("</section>", start)]


def test_the_card_says_not_started_and_links_to_filling_it_in(client, frozen):
    login(client, frozen.mentee.user)
    shown = card(client, frozen.pair)
    assert "Not started yet" in shown and "Fill it in" in shown
    assert f"/agreements/pairings/{frozen.pair.pk}/" in shown


def test_the_card_says_whom_it_waits_for_and_shows_a_signature_at_once(client, frozen):
    login(client, frozen.mentee.user)
    card(client, frozen.pair)  # kept now
    services.agreement_save(
        pairing=frozen.pair,
        by=frozen.mentor,
        texts=texts(cadence="Every other Tuesday, 14:00", channel="Teams call"),
        version_seen=None,
        sign=True,
    )
    shown = card(client, frozen.pair)
    assert "Waiting for you to sign." in shown
    assert "Every other Tuesday, 14:00 · Teams call" in shown
    mentor = login(type(client)(), frozen.mentor.user)
    assert "Waiting for Ada Mentee to sign." in card(mentor, frozen.pair)


def test_the_card_says_signed_by_both_with_the_dates(client, frozen):
    services.agreement_save(
        pairing=frozen.pair, by=frozen.mentor, texts=texts(), version_seen=None, sign=True
    )
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        services.agreement_sign(pairing=frozen.pair, by=frozen.mentee, version_seen=1)
    login(client, frozen.mentor.user)
    assert "Signed by both on 2 Nov 2026 and 4 Nov 2026." in card(client, frozen.pair)


def test_a_change_after_signing_shows_both_waiting_again(client, frozen):
    services.agreement_save(
        pairing=frozen.pair, by=frozen.mentor, texts=texts(), version_seen=None, sign=True
    )
    services.agreement_sign(pairing=frozen.pair, by=frozen.mentee, version_seen=1)
    services.agreement_save(
        pairing=frozen.pair, by=frozen.mentee, texts=texts(cadence="Weekly"), version_seen=1
    )
    login(client, frozen.mentor.user)
    assert "Waiting for both of you to sign." in card(client, frozen.pair)
