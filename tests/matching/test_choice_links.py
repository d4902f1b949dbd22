from django.urls import reverse

from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.factories import EnrolmentFactory


def test_mentee_in_a_choice_cohort_is_offered_to_choose_and_the_admin_sees_the_overview(client, world):
    Cohort.objects.filter(pk=world.cohort.pk).update(matching_mode=Cohort.MatchingMode.CHOICE)
    newcomer = EnrolmentFactory(cohort=world.cohort, person=world.outsider, role=Enrolment.Role.MENTEE)
    login(client, world.outsider.user)
    mine = client.get(reverse("enrolment:mine")).text
    assert reverse("choice:suggestions", args=[newcomer.pk]) in mine
    login(client, world.admin)
    assert (
        reverse("choice:overview", args=[world.cohort.pk]) in client.get(world.cohort.get_absolute_url()).text
    )


def test_assigned_cohorts_offer_no_choice_links(client, world):
    login(client, world.mentee.user)
    assert "/choose/" not in client.get(reverse("enrolment:mine")).text
