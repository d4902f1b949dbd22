"""The agreement's pages: the pair fills it in and signs, a repeated post saves nothing twice, the
programme admin reads it, managers and other pairs never see it; the admin's template and the
pairs not signed a week after starting. Query counts pinned."""

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, Signature, TemplateSection
from matching.models import Pairing
from submissions.once import new_token
from tests.agreements.conftest import signed_by_both, texts
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("working_hours")


def page(pairing, name="agreement"):
    return reverse(f"agreements:{name}", args=[pairing.pk])


def form_data(version=None, sign=False, **changes):
    data = {**texts(**changes), "submission": new_token()}
    if version:
        data["version"] = str(version)
    if sign:
        data["sign"] = "on"
    return data


def test_a_member_fills_it_in_from_the_template_and_signs_in_one_step(client, world):
    login(client, world.mentor.user)
    response = client.get(page(world.pair))
    assert response.status_code == 200 and "Not started yet" in response.text
    form = client.get(page(world.pair, "agreement-edit"))
    assert "Our cohort asks pairs to meet every 14 days." in form.text
    assert "What stays between the two of you" in form.text  # the template's question
    response = client.post(page(world.pair, "agreement-edit"), form_data(sign=True), follow=True)
    assert "Saved and signed. The other side is asked to sign too." in response.text
    agreement = Agreement.objects.get(pairing=world.pair)
    assert agreement.mentor_signed_at is not None and agreement.mentee_signed_at is None
    assert "not signed yet" in response.text


def test_a_repeated_post_of_the_same_form_saves_nothing_twice(client, world):
    login(client, world.mentor.user)
    data = form_data(sign=True)
    client.post(page(world.pair, "agreement-edit"), data)
    again = client.post(page(world.pair, "agreement-edit"), data, follow=True)
    assert "already sent" in again.text
    assert Agreement.objects.get().version == 1 and Signature.objects.count() == 1


def test_the_other_side_reads_it_and_signs(client, world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True)
    login(client, world.mentee.user)
    response = client.get(page(world.pair))
    assert "I agree: sign this version" in response.text
    token = new_token()
    client.post(page(world.pair), {"version": "1", "submission": token})
    client.post(page(world.pair), {"version": "1", "submission": token})
    assert Agreement.objects.get().is_signed_by_both and Signature.objects.count() == 2
    assert "Signed by both." in client.get(page(world.pair)).text


def test_signing_a_stale_version_is_refused_in_words(client, world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None)
    services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(cadence="Fridays"), version_seen=1
    )
    login(client, world.mentee.user)
    response = client.post(page(world.pair), {"version": "1"}, follow=True)
    assert "changed since you opened it" in response.text
    response = client.post(page(world.pair), {"version": "x²"}, follow=True)
    assert "not a version of this agreement" in response.text
    assert not Signature.objects.exists()


def test_a_stale_edit_keeps_what_was_typed(client, world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None)
    services.agreement_save(
        pairing=world.pair, by=world.mentor, texts=texts(cadence="Fridays"), version_seen=1
    )
    login(client, world.mentee.user)
    response = client.post(page(world.pair, "agreement-edit"), form_data(version=1, cadence="Thursdays at 3"))
    assert response.status_code == 200
    assert "changed the agreement while you were editing it" in response.text
    assert "Thursdays at 3" in response.text
    assert Agreement.objects.get().text_of("cadence") == "Fridays"


def test_an_empty_agreement_is_refused(client, world):
    login(client, world.mentor.user)
    data = dict.fromkeys(texts(), "")
    response = client.post(page(world.pair, "agreement-edit"), data)
    assert "Write at least one section" in response.text
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("name", ["agreement", "agreement-edit", "agreement-history"])
def test_another_pair_managers_and_outsiders_get_a_404(client, world, name):
    signed_by_both(world)
    for person in (world.mentor2, world.mentee2, world.manager, world.outsider):
        login(client, person.user)
        assert client.get(page(world.pair, name)).status_code == 404, person
        assert client.post(page(world.pair, name), form_data(version=1)).status_code == 404, person
    assert Agreement.objects.get().version == 1


def test_the_programme_admin_reads_it_but_neither_edits_nor_signs(client, world):
    signed_by_both(world)
    login(client, world.admin)
    response = client.get(page(world.pair))
    assert response.status_code == 200 and "Our cadence." in response.text
    assert "Change the agreement" not in response.text
    assert client.get(page(world.pair, "agreement-history")).status_code == 200
    assert client.get(page(world.pair, "agreement-edit")).status_code == 403
    assert client.post(page(world.pair), {"version": "1"}).status_code == 403


def test_an_ended_pairings_agreement_is_shown_read_only(client, world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None)
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    login(client, world.mentee.user)
    response = client.get(page(world.pair))
    assert "read-only" in response.text
    assert "sign this version" not in response.text and "Change the agreement" not in response.text
    assert client.get(page(world.pair, "agreement-edit")).url == page(world.pair)


def test_the_history_shows_each_signed_version_with_its_text(client, world):
    signed_by_both(world)
    services.agreement_save(
        pairing=world.pair, by=world.mentee, texts=texts(channel="Slack huddles"), version_seen=1, sign=True
    )
    login(client, world.mentor.user)
    text = client.get(page(world.pair, "agreement-history")).text
    assert text.index("Version 2") < text.index("Version 1")
    assert "Signed by Ada Mentee (mentee)" in text and "Signed by Omar Mentor (mentor)" in text
    assert "Slack huddles" in text and "Our channel." in text


# user (with person and roles; the session is cached), pairing, agreement (with who changed it last),
# the template's questions
AGREEMENT_PAGE_QUERIES = 4


@pytest.mark.parametrize("versions", [1, 6])
def test_agreement_page_query_count(client, world, django_assert_num_queries, versions):
    signed_by_both(world)
    for n in range(1, versions):
        services.agreement_save(
            pairing=world.pair, by=world.mentor, texts=texts(cadence=f"v{n}"), version_seen=n, sign=True
        )
    login(client, world.mentee.user)
    with django_assert_num_queries(AGREEMENT_PAGE_QUERIES):
        assert client.get(page(world.pair)).status_code == 200


# user, pairing, agreement, count, the page of signatures (with who signed)
HISTORY_PAGE_QUERIES = 5


@pytest.mark.parametrize("versions", [1, 6])
def test_history_page_query_count(client, world, django_assert_num_queries, versions):
    signed_by_both(world)
    for n in range(1, versions):
        services.agreement_save(
            pairing=world.pair, by=world.mentor, texts=texts(cadence=f"v{n}"), version_seen=n, sign=True
        )
    login(client, world.mentee.user)
    with django_assert_num_queries(HISTORY_PAGE_QUERIES):
        assert client.get(page(world.pair, "agreement-history")).status_code == 200


# --- admins -----------------------------------------------------------------------------------


def test_the_programme_page_links_to_its_agreements(client, world):
    login(client, world.admin)
    programme = world.cohort.programme
    response = client.get(programme.get_absolute_url())
    assert reverse("agreements:programme", args=[programme.pk]) in response.text
    response = client.get(reverse("agreements:programme", args=[programme.pk]))
    assert "Our default template" in response.text
    # Both pairs of the world started in September without an agreement.
    assert (
        reverse("agreements:unsigned", args=[world.cohort.pk]) in response.text and "2 pairs" in response.text
    )


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_reach_the_templates_and_the_unsigned_list(client, world, username):
    from django.contrib.auth.models import User

    login(client, User.objects.get(username=username))
    programme = world.cohort.programme
    for url in (
        reverse("agreements:programme", args=[programme.pk]),
        reverse("agreements:template-edit", args=[programme.pk]),
        reverse("agreements:unsigned", args=[world.cohort.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("agreements:template-reset", args=[programme.pk])).status_code == 403


def test_an_admin_edits_the_template_and_goes_back_to_our_default(client, world):
    login(client, world.admin)
    programme = world.cohort.programme
    url = reverse("agreements:template-edit", args=[programme.pk])
    form = client.get(url)
    assert "What stays between us" in form.text
    from agreements.defaults import DEFAULT_SECTIONS

    data = {}
    for s in DEFAULT_SECTIONS:
        data |= {
            f"{s.key}-heading": str(s.heading),
            f"{s.key}-prompt": str(s.prompt),
            f"{s.key}-text": str(s.text),
        }
    data["channel-text"] = "Teams only."
    response = client.post(url, data, follow=True)
    assert "This programme's own template" in response.text and "Teams only." in response.text
    assert TemplateSection.objects.get(key="channel").text == "Teams only."
    data["cadence-heading"] = ""
    assert client.post(url, data).status_code == 200  # a heading is needed: the form says so
    response = client.post(reverse("agreements:template-reset", args=[programme.pk]), follow=True)
    assert "back to our default" in response.text and not TemplateSection.objects.exists()


def _unsigned_pairs(world, n):
    from tests.factories import PairingFactory

    for _ in range(n):
        PairingFactory(match_run=world.run)


@pytest.mark.parametrize("extra", [0, 30])
def test_unsigned_list_query_count(client, world, django_assert_num_queries, extra):
    _unsigned_pairs(world, extra)
    login(client, world.admin)
    # user, cohort, count, the page of pairs (with both people)
    with django_assert_num_queries(4):
        response = client.get(reverse("agreements:unsigned", args=[world.cohort.pk]))
    assert response.status_code == 200
    assert response.text.count("<tr>") == 1 + min(2 + extra, 25)


def test_unsigned_list_says_who_is_missing_and_days_since_start(client, world):
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True)
    login(client, world.admin)
    text = client.get(reverse("agreements:unsigned", args=[world.cohort.pk])).text
    # Started 8 September, today 2 November: 55 days.
    assert "<td>55</td>" in text
    assert "<td>Ada Mentee</td>" in text  # the pair's mentee has not signed
    assert "Not started" in text  # the second pair wrote nothing
    signed_by_both(world, world.pair2)
    services.agreement_sign(pairing=world.pair, by=world.mentee, version_seen=1)
    text = client.get(reverse("agreements:unsigned", args=[world.cohort.pk])).text
    assert "Every pair that started a week ago or more has signed" in text


# user, programme, template, cohorts, unsigned per cohort
PROGRAMME_PAGE_QUERIES = 5


@pytest.mark.parametrize("extra", [0, 20])
def test_programme_agreements_page_query_count(client, world, django_assert_num_queries, extra):
    from tests.factories import CohortFactory

    _unsigned_pairs(world, extra)
    for _ in range(extra // 10):
        CohortFactory(programme=world.cohort.programme)
    login(client, world.admin)
    with django_assert_num_queries(PROGRAMME_PAGE_QUERIES):
        assert (
            client.get(reverse("agreements:programme", args=[world.cohort.programme.pk])).status_code == 200
        )


def test_a_template_section_may_start_empty(client, world):
    """Found by the form fuzzer: an empty starting text was refused by the model after the form
    accepted it, and the error (named for the model's field) was a 500."""
    from agreements.defaults import DEFAULT_SECTIONS

    login(client, world.admin)
    data = {}
    for s in DEFAULT_SECTIONS:
        data |= {
            f"{s.key}-heading": str(s.heading),
            f"{s.key}-prompt": str(s.prompt),
            f"{s.key}-text": str(s.text),
        }
    data["cadence-text"] = ""
    response = client.post(reverse("agreements:template-edit", args=[world.cohort.programme.pk]), data)
    assert response.status_code == 302
    assert TemplateSection.objects.get(key="cadence").text == ""
