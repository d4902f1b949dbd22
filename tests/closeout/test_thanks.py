"""Issue 11: at close the mentee thanks the mentor in words, once per pairing, editable until the
cohort closes; the mentor is told and reads them; nobody else does."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from closeout import services
from closeout.models import Thanks
from matching.models import Pairing
from programmes.models import Cohort
from tests.closeout.conftest import set_state
from tests.conftest import login
from tests.emails import deliver, notices


def url(pairing):
    return reverse("closeout:thanks", args=[pairing.pk])


@pytest.fixture
def concluding(frozen):
    set_state(frozen.cohort, Cohort.State.CONCLUDING)
    return frozen


def thank(world, body="You taught me to slow down with angry customers."):
    return services.thanks_save(pairing=world.pair, person=world.mentee, body=body)


def test_the_mentee_thanks_the_mentor_who_is_told_once_by_name(concluding, working_hours):
    thanks = thank(concluding)
    assert Thanks.objects.get() == thanks
    assert notices("thanks_received") == [(concluding.mentor.pk, f"thanks:{concluding.pair.pk}")]
    [email] = deliver()
    assert email.to == concluding.mentor.email
    assert email.subject == "Ada Mentee thanked you for mentoring them"
    assert "Hi Omar," in email.text and reverse("closeout:contribution") in email.text
    # The words are read on the site, after logging in, not in an email.
    assert "slow down" not in email.text


def test_thanks_are_edited_not_duplicated_and_an_edit_is_not_told_again(concluding):
    thank(concluding)
    thank(concluding, "Changed my words")
    assert Thanks.objects.get().body == "Changed my words"
    assert len(notices("thanks_received")) == 1


def test_only_the_mentee_can_thank(concluding):
    with pytest.raises(ValidationError):
        services.thanks_save(pairing=concluding.pair, person=concluding.mentor, body="Thanks to me")
    assert not Thanks.objects.exists()


def test_thanks_wait_for_the_close(frozen):
    with pytest.raises(ValidationError, match="when your mentorship ends"):
        thank(frozen)


def test_an_ended_pairing_can_be_thanked_while_the_cohort_is_active(frozen):
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED, ended_on=frozen.today
    )
    assert thank(frozen).pk


def test_a_closed_cohort_keeps_its_thanks_read_only(client, concluding):
    thank(concluding)
    set_state(concluding.cohort, Cohort.State.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        thank(concluding, "Too late")
    login(client, concluding.mentee.user)
    response = client.post(url(concluding.pair), {"body": "Too late"})
    assert response.status_code == 200 and "closed" in response.text
    assert Thanks.objects.get().body.startswith("You taught me")


@pytest.mark.parametrize("body", ["", "   ", "x" * 1001])
def test_blank_or_too_long_thanks_are_refused(concluding, body):
    with pytest.raises(ValidationError):
        thank(concluding, body)


def test_the_mentee_writes_thanks_on_the_page_and_a_refused_one_keeps_the_words(client, concluding):
    login(client, concluding.mentee.user)
    assert client.get(url(concluding.pair)).status_code == 200
    refused = client.post(url(concluding.pair), {"body": "x" * 1001})
    assert refused.status_code == 200 and "x" * 1001 in refused.text
    response = client.post(url(concluding.pair), {"body": "Thank you for every Thursday"})
    assert response.status_code == 302
    assert Thanks.objects.get().body == "Thank you for every Thursday"


def test_the_mentor_reads_the_words_and_cannot_write_them(client, concluding):
    thank(concluding, "For every Thursday")
    login(client, concluding.mentor.user)
    page = client.get(url(concluding.pair))
    assert "For every Thursday" in page.text and 'name="body"' not in page.text
    client.post(url(concluding.pair), {"body": "Forged"})
    assert Thanks.objects.get().body == "For every Thursday"


@pytest.mark.parametrize("who", ["mentor2", "mentee2", "outsider", "manager", "admin"])
def test_nobody_outside_the_pair_reads_the_words(client, concluding, who):
    thank(concluding, "Private words")
    login(client, concluding.admin if who == "admin" else getattr(concluding, who).user)
    assert client.get(url(concluding.pair)).status_code == 404
    assert client.post(url(concluding.pair), {"body": "Forged"}).status_code == 404
    assert Thanks.objects.get().body == "Private words"


# --- the home page's step -------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 5])
def test_the_mentee_is_asked_to_thank_each_mentor_at_close_in_one_query(
    concluding, django_assert_num_queries, extra
):
    from closeout.selectors import todo_for
    from tests.factories import PairingFactory

    # Other pairs at their close: not the mentee's, so nothing for them.
    for _ in range(extra):
        PairingFactory(match_run=concluding.run)
    with django_assert_num_queries(1):
        [item] = todo_for(concluding.mentee, today=concluding.today)
    assert (item.kind, item.title, item.url) == (
        "thanks",
        "Thank Omar Mentor for their mentoring",
        url(concluding.pair),
    )
    thank(concluding)
    assert todo_for(concluding.mentee, today=concluding.today) == []
    assert todo_for(concluding.mentor, today=concluding.today) == []


def test_no_thanks_step_before_the_close_or_once_the_cohort_closed(frozen):
    from closeout.selectors import todo_for

    assert todo_for(frozen.mentee, today=frozen.today) == []
    set_state(frozen.cohort, Cohort.State.CLOSED)
    assert todo_for(frozen.mentee, today=frozen.today) == []
