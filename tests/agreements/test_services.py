"""Issue 11, the mentoring agreement: filled in from the programme's template, signed by each side
with the version signed, signed again by both after any change, the history of signed versions kept,
and the other side told once per version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.defaults import DEFAULT_SECTIONS, KEYS
from agreements.models import Agreement, Signature, TemplateSection
from matching import stamps
from matching.models import Pairing
from tests.agreements.conftest import texts
from tests.emails import deliver, notices

pytestmark = pytest.mark.usefixtures("working_hours")


def test_the_first_save_starts_version_1_with_the_templates_headings(world):
    agreement = services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(cadence="Every other Tuesday"), version_seen=None
    )
    assert agreement.version == 1
    assert [s["key"] for s in agreement.sections] == list(KEYS)
    assert [s["heading"] for s in agreement.sections] == [str(s.heading) for s in DEFAULT_SECTIONS]
    assert agreement.text_of("cadence") == "Every other Tuesday"
    assert agreement.updated_by == world.mentor
    assert not agreement.is_signed_by_anyone
    assert notices("agreement_signed") == [] and notices("agreement_changed") == []


def test_signing_records_who_when_and_the_version_and_tells_the_other_side_once(world, working_hours):
    agreement = services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True
    )
    # A repeated sign of the same version changes nothing and tells nobody again.
    services.agreement_sign(pairing=world.pair, by=world.mentor, version_seen=1)
    agreement.refresh_from_db()
    assert agreement.mentor_signed_at >= working_hours
    assert agreement.mentee_signed_at is None
    [signature] = Signature.objects.all()
    assert (signature.person, signature.role, signature.version) == (world.mentor, "mentor", 1)
    assert signature.sections == agreement.sections
    assert notices("agreement_signed") == [
        (world.mentee.pk, f"agreement_signed:{agreement.pk}:v1:{world.mentee.pk}")
    ]
    [email] = deliver(kind="agreement_signed")
    assert email.to == "mentee@example.com"
    assert email.subject == "Omar Mentor signed your mentoring agreement: your turn"
    for part in (email.text, email.html):
        assert "Hi Ada," in part
        assert "Omar Mentor signed your mentoring agreement in Autumn 2026" in part
    assert f"/agreements/pairings/{world.pair.pk}/" in email.text


def test_when_the_second_side_signs_both_have_signed_and_nobody_is_asked_again(world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True)
    agreement = services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)
    assert agreement.is_signed_by_both
    assert [p for p, _k in notices("agreement_signed")] == [world.mentee.pk]
    assert Signature.objects.filter(version=1).count() == 2


def test_a_change_after_signing_clears_both_signatures_and_asks_the_other_side_to_sign_again(
    world, both_signed
):
    v1_text = both_signed.sections
    agreement = services.agreement_save(
        pairing=world.pair,
        by=world.mentee,
        texts=texts(channel="Teams chat, and a call on Thursdays"),
        version_seen=1,
        sign=True,
    )
    assert agreement.version == 2
    assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is not None
    assert notices("agreement_changed") == [
        (world.mentor.pk, f"agreement_changed:{agreement.pk}:v2:{world.mentor.pk}")
    ]
    # The change is the one message: no separate "signed, your turn" for the same moment.
    assert [p for p, _k in notices("agreement_signed")] == [world.mentee.pk]
    [email] = deliver(kind="agreement_changed")
    assert email.subject == "Ada Mentee changed your mentoring agreement: please read and sign again"
    assert "they have signed the new version" in email.text
    # The history keeps what each signed, version by version.
    history = list(Signature.objects.order_by("version", "role").values_list("version", "role", "person"))
    assert history == [
        (1, "mentee", world.mentee.pk),
        (1, "mentor", world.mentor.pk),
        (2, "mentee", world.mentee.pk),
    ]
    assert {s.sections == v1_text for s in Signature.objects.filter(version=1)} == {True}
    assert Signature.objects.get(version=2).sections[1]["text"] == "Teams chat, and a call on Thursdays"


def test_a_change_without_signing_asks_both_to_sign_again(world, both_signed):
    services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(goals_focus="Billing"), version_seen=1
    )
    agreement = Agreement.objects.get()
    assert (agreement.version, agreement.mentor_signed_at, agreement.mentee_signed_at) == (2, None, None)
    [(person, _key)] = notices("agreement_changed")
    assert person == world.mentee.pk
    [email] = deliver(kind="agreement_changed")
    assert "they will be asked to sign too" in email.text


def test_saving_the_same_text_again_keeps_the_signatures_and_tells_nobody(world, both_signed):
    agreement = services.agreement_save(pairing=world.pair, by=world.mentee, texts=texts(), version_seen=1)
    assert agreement.version == 1 and agreement.is_signed_by_both
    assert notices("agreement_changed") == []


def test_a_save_over_a_version_changed_meanwhile_is_refused_and_saves_nothing(world, both_signed):
    services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(cadence="Mondays"), version_seen=1
    )
    with pytest.raises(ValidationError, match="Omar Mentor changed the agreement while you were editing"):
        services.agreement_save(
            pairing=world.pair, by=world.mentee, texts=texts(cadence="Fridays"), version_seen=1
        )
    agreement = Agreement.objects.get()
    assert (agreement.version, agreement.text_of("cadence")) == (2, "Mondays")


def test_signing_a_version_that_changed_meanwhile_signs_nothing(world, both_signed):
    services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(cadence="Mondays"), version_seen=1
    )
    with pytest.raises(ValidationError, match="changed since you opened it"):
        services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)
    assert Agreement.objects.get().mentee_signed_at is None


def test_there_is_nothing_to_sign_before_it_is_written(world):
    with pytest.raises(ValidationError, match="fill it in first"):
        services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)


def test_only_the_two_members_write_or_sign(world, both_signed):
    for person in (world.mentor2, world.manager, world.outsider):
        with pytest.raises(PermissionDenied):
            services.agreement_save(pairing=world.pair, by=person, texts=texts(), version_seen=1)
        with pytest.raises(PermissionDenied):
            services.agreement_sign(pairing=world.pair, by=person, version_seen=1)


def test_an_ended_pairings_agreement_is_read_only(world, both_signed):
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    world.pair.refresh_from_db()
    with pytest.raises(ValidationError, match="read-only"):
        services.agreement_save(pairing=world.pair, by=world.mentee, texts=texts(cadence="x"), version_seen=1)
    assert Agreement.objects.get().version == 1


def test_too_long_a_section_is_refused(world):
    with pytest.raises(ValidationError):
        services.agreement_save(
            pairing=world.pair, by=world.mentor, texts=texts(cadence="x" * 2001), version_seen=None
        )
    assert not Agreement.objects.exists()


def test_every_write_replaces_the_pairings_stamp_so_the_kept_workspace_refreshes(world):
    before = stamps.stamp(world.pair.pk)
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None)
    after_save = stamps.stamp(world.pair.pk)
    assert after_save != before
    services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)
    assert stamps.stamp(world.pair.pk) != after_save


def test_an_agreement_starts_from_the_template_and_the_cohorts_cadence(world):
    world.cohort.cadence_days = 21
    starting = services.starting_texts(world.pair)
    assert starting["cadence"].startswith(
        "Our cohort asks pairs to meet every 21 days. We meet for 45 minutes"
    )
    assert starting["confidentiality"] == str(DEFAULT_SECTIONS[2].text)
    world.cohort.cadence_days = 1
    assert services.starting_texts(world.pair)["cadence"].startswith(
        "Our cohort asks pairs to meet every day."
    )


def _own_template(world, **overrides):
    sections = {
        s.key: {"heading": str(s.heading), "prompt": str(s.prompt), "text": str(s.text)}
        for s in DEFAULT_SECTIONS
    }
    for key, text in overrides.items():
        sections[key] = {**sections[key], "heading": f"Our {key}", "text": text}
    services.template_save(programme=world.cohort.programme, by=None, sections=sections)


def test_a_programmes_own_template_is_where_new_agreements_start_and_started_ones_keep_their_text(world):
    services.agreement_save(pairing=world.pair2, by=world.mentor2, texts=texts(), version_seen=None)
    _own_template(world, confidentiality="Nothing leaves this room, except safety concerns.")
    assert TemplateSection.objects.count() == len(KEYS)
    assert (
        services.starting_texts(world.pair)["confidentiality"]
        == "Nothing leaves this room, except safety concerns."
    )
    new = services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=services.starting_texts(world.pair), version_seen=None
    )
    assert new.sections[2]["heading"] == "Our confidentiality"
    assert Agreement.objects.get(pairing=world.pair2).sections[2]["heading"] == str(
        DEFAULT_SECTIONS[2].heading
    )


def test_back_to_our_default_forgets_the_programmes_own_template(world):
    _own_template(world, cadence="Weekly.")
    assert services.template_reset(programme=world.cohort.programme) is True
    assert not TemplateSection.objects.exists()
    assert services.starting_texts(world.pair)["cadence"].endswith(str(DEFAULT_SECTIONS[0].text))
    assert services.template_reset(programme=world.cohort.programme) is False


def test_the_database_refuses_a_second_signature_by_the_same_side_of_one_version(world, both_signed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            agreement=both_signed,
            version=1,
            role="mentor",
            person=world.mentor,
            sections=both_signed.sections,
        )


def test_a_signature_is_kept_for_the_version_when_the_clock_moves(world, time_machine):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True)
    time_machine.move_to(datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC), tick=False)
    agreement = services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)
    assert agreement.mentee_signed_at == datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)
    assert agreement.mentor_signed_at < agreement.mentee_signed_at
