"""The history pages: one per tracked object, for programme admins only, newest first."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from matching.models import MatchRun, Pairing
from mentorship.history import attribute
from people.models import Person
from programmes.models import Cohort, Enrolment, Programme
from programmes.services import cohort_transition
from tests.conftest import login
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _url(kind, pk, **query):
    url = reverse("audit:object-history", args=[kind, pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def admin(world):
    """The world's admin, with a person: history names people by their full name."""
    PersonFactory(user=world.admin, full_name="Ann Admin")
    return world.admin


def _rows(page) -> list[str]:
    """The table's rows as people read them: text only, whitespace folded."""
    body = page.text.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in body.split("</tr>")[:-1]]


def test_admin_reads_when_who_what_changed_and_why_newest_first(client, world, admin):
    cohort = world.cohort
    cohort_transition(cohort=cohort, to=Cohort.State.CONCLUDING, by=admin)
    cohort.refresh_from_db()
    cohort.cadence_days = 7
    cohort.team_rule = Cohort.TeamRule.SAME
    attribute(cohort, reason="Shift pattern changed")
    cohort.save()
    login(client, admin)

    page = client.get(_url("cohort", cohort.pk))

    assert page.status_code == 200
    rows = _rows(page)
    # Newest first: the settings change (nobody named: no request, no actor), the move by the
    # admin, then the factory's creation (no user: "System").
    assert len(rows) == 3
    assert "System" in rows[0]
    assert "Meet every (days) : 14 → changed to 7" in rows[0]
    # Choices by their label, not their stored value.
    assert "Team rule : Any team → changed to Same team only" in rows[0]
    assert "Shift pattern changed" in rows[0]
    assert "Ann Admin" in rows[1]
    assert "State : Active → changed to Concluding" in rows[1]
    assert "Created" in rows[2] and "System" in rows[2]
    assert "3 changes recorded, newest first." in page.text
    # Back to the object's own page.
    assert f'href="{reverse("programmes:cohort-detail", args=[cohort.pk])}"' in page.text


def test_foreign_keys_are_shown_by_name_and_a_deleted_one_by_number(client, world, admin):
    person = world.mentee
    tier1, tier2 = world.teams
    person.team = tier2
    person.manager = None
    attribute(person, by=admin)
    person.save()
    login(client, admin)

    rows = _rows(client.get(_url("person", person.pk)))

    assert "Team : Tier 1 → changed to Tier 2" in rows[0]
    assert "Manager : Maya Manager → changed to —" in rows[0]
    assert "Ann Admin" in rows[0]


def test_the_secret_webhook_and_unchanged_fields_are_not_listed(client, world, admin):
    cohort = world.cohort
    cohort.chat_webhook_url = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN"
    cohort.name = "Autumn cohort"
    cohort.save()
    login(client, admin)

    page = client.get(_url("cohort", cohort.pk))

    assert "SECRETTOKEN" not in page.text
    assert "Name : Autumn 2026 → changed to Autumn cohort" in _rows(page)[0]
    assert "Meet every" not in _rows(page)[0]


@pytest.mark.parametrize("kind", ["programme", "cohort", "enrolment", "pairing", "match-run", "person"])
def test_every_kind_has_a_page_with_a_back_link_to_its_object(client, world, admin, kind):
    obj = {
        "programme": world.cohort.programme,
        "cohort": world.cohort,
        "enrolment": world.pair.mentee,
        "pairing": world.pair,
        "match-run": world.run,
        "person": world.mentee,
    }[kind]
    back = {
        "programme": lambda: reverse("programmes:programme-detail", args=[obj.pk]),
        "cohort": lambda: reverse("programmes:cohort-detail", args=[obj.pk]),
        "enrolment": lambda: reverse("enrolment:review", args=[world.cohort.pk]),
        "pairing": lambda: reverse("matching:run-detail", args=[obj.match_run_id]),
        "match-run": lambda: reverse("matching:run-detail", args=[obj.pk]),
        "person": lambda: reverse("people:person-list") + "?q=",
    }[kind]()
    login(client, admin)

    page = client.get(_url(kind, obj.pk))

    assert page.status_code == 200
    assert f'href="{back}' in page.text
    assert "Created" in page.text


@pytest.mark.parametrize("who", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_read_history(client, world, who):
    login(client, getattr(world, who).user)
    assert client.get(_url("cohort", world.cohort.pk)).status_code == 403
    assert client.get(_url("pairing", world.pair.pk)).status_code == 403


def test_logged_out_visitors_are_sent_to_log_in(client, world):
    page = client.get(_url("person", world.mentee.pk))
    assert page.status_code == 302
    assert reverse("login") in page.url


def test_unknown_kinds_and_objects_are_404(client, world, admin):
    login(client, admin)
    assert client.get(_url("session", 1)).status_code == 404
    assert client.get(_url("cohort", 999_999)).status_code == 404


def test_without_history_the_page_says_why(client, world, admin):
    Programme.history.all().delete()
    login(client, admin)
    page = client.get(_url("programme", world.cohort.programme_id))
    assert "No history recorded yet." in page.text


def _changes(enrolment, n, admin, world):
    """n saves of an enrolment, each changing its status, its cohort and its reviewer (two foreign
    keys to two kinds of object)."""
    other = Cohort.objects.create(
        programme=world.cohort.programme,
        name="Spring 2027",
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    cohorts = [other, world.cohort]
    statuses = [Enrolment.Status.WAITLISTED, Enrolment.Status.ACTIVE]
    reviewers = [admin, world.manager.user]
    for i in range(n):
        enrolment.status = statuses[i % 2]
        enrolment.cohort = cohorts[i % 2]
        enrolment.reviewed_by = reviewers[i % 2]
        attribute(enrolment, by=admin, reason=f"step {i}")
        enrolment.save()


@pytest.mark.parametrize("saves", [3, 24])  # the creation (which names the person too) on page 1
def test_a_page_costs_a_fixed_number_of_queries(client, world, admin, saves, django_assert_num_queries):
    enrolment = world.pair.mentee
    _changes(enrolment, saves, admin, world)
    login(client, admin)
    # The user with their person and roles (the session is cached), the enrolment with its person
    # and cohort, the count, the page's history rows with their users' people (and the row before
    # them), then the cohorts, logins and people its changed foreign keys name: one query each.
    with django_assert_num_queries(7):
        page = client.get(_url("enrolment", enrolment.pk))
    assert page.status_code == 200
    assert f"step {saves - 1}" in page.text


def test_pages_go_back_in_time_and_compare_across_the_page_break(client, world, admin):
    enrolment = world.pair.mentee
    _changes(enrolment, 30, admin, world)  # 31 rows with the creation: 25 on page 1, 6 on page 2
    login(client, admin)

    first = _rows(client.get(_url("enrolment", enrolment.pk)))
    second = _rows(client.get(_url("enrolment", enrolment.pk, page=2)))

    assert len(first) == 25 and len(second) == 6
    assert "step 29" in first[0] and "step 5" in first[-1]
    # The oldest row of page 1 is compared with the newest of page 2, which the page also read.
    assert "Status : Waitlisted → changed to Enrolled" in first[-1]
    assert "step 4" in second[0]
    assert "Created" in second[-1]


def test_match_run_and_pairing_history_name_the_publisher(client, world, admin):
    run = MatchRun.objects.create(cohort=world.cohort, status=MatchRun.Status.PROPOSED)
    pairing = Pairing.objects.create(
        cohort=world.cohort, match_run=run, mentor=world.pair2.mentor, mentee=world.pair2.mentee, score=50
    )
    del pairing
    run.status = MatchRun.Status.PUBLISHED
    run.published_by = admin
    run.published_at = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    attribute(run, by=admin, reason=f"Published run #{run.pk}.")
    run.save()
    login(client, admin)

    rows = _rows(client.get(_url("match-run", run.pk)))

    assert "Status : Proposed → changed to Published" in rows[0]
    assert "Published by : — → changed to Ann Admin" in rows[0]
    assert f"Published run #{run.pk}." in rows[0]
    assert Person.objects.filter(user=admin).exists()


def test_the_objects_pages_link_their_history(client, world, admin, programme_admin_group):
    login(client, admin)
    cohort, run = world.cohort, world.run
    pages = {
        reverse("programmes:programme-detail", args=[cohort.programme_id]): _url(
            "programme", cohort.programme_id
        ),
        reverse("programmes:cohort-detail", args=[cohort.pk]): _url("cohort", cohort.pk),
        reverse("enrolment:review", args=[cohort.pk]): _url("enrolment", world.pair.mentee_id),
        reverse("matching:run-detail", args=[run.pk]): _url("match-run", run.pk),
        reverse("people:person-list"): _url("person", world.mentee.pk),
    }
    for page, history in pages.items():
        assert f'href="{history}"' in client.get(page).text, page
    # Each pair of the run links its own.
    run_page = client.get(reverse("matching:run-detail", args=[run.pk])).text
    assert f'href="{_url("pairing", world.pair.pk)}"' in run_page


def test_the_workspace_links_its_history_for_a_programme_admin_only(client, world, programme_admin_group):
    url = reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])
    history = f'href="{_url("pairing", world.pair.pk)}"'
    login(client, world.mentee.user)
    assert history not in client.get(url).text
    # The mentor is a programme admin too (a small organisation): their workspace links it.
    world.mentor.user.groups.add(programme_admin_group)
    login(client, world.mentor.user)
    assert history in client.get(url).text
