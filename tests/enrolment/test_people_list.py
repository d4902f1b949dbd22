"""The people list: search, filters, sort, pagination and export (bulk enrolment: tests/enrolment)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from enrolment.views import PER_PAGE
from mentorship.ui import avatar
from people.models import Person
from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, TeamFactory, UserFactory

LIST = reverse("people:person-list")


def names(response) -> list[str]:
    return [person.full_name for person in response.context["page"].object_list]


@pytest.fixture
def admin_client(client, world):
    return login(client, world.admin)


def test_search_finds_by_name_email_or_employee_id(admin_client, world):
    PersonFactory(full_name="Zed Searchable", email="zed@corp.example", employee_id="HR-777")
    for q in ["searchab", "zed@corp", "hr-777"]:
        assert names(admin_client.get(LIST, {"q": q})) == ["Zed Searchable"], q


def test_search_finds_people_by_their_team_name(admin_client, world):
    PersonFactory(full_name="Una Escalations", team=TeamFactory(name="Escalations desk"))
    assert names(admin_client.get(LIST, {"q": "escalations desk"})) == ["Una Escalations"]
    assert "Ada Mentee" in names(admin_client.get(LIST, {"q": "tier 1"}))


def test_filters_by_team_and_status(admin_client, world, today):
    team = TeamFactory(name="Escalations")
    PersonFactory(full_name="Stays", team=team)
    PersonFactory(
        full_name="Gone", team=team, hire_date=datetime.date(2020, 1, 1), leave_date=datetime.date(2021, 1, 1)
    )
    assert names(admin_client.get(LIST, {"team": team.name})) == ["Gone", "Stays"]
    assert names(admin_client.get(LIST, {"team": team.name, "status": "current"})) == ["Stays"]
    assert names(admin_client.get(LIST, {"team": team.name, "status": "left"})) == ["Gone"]


def test_team_filter_takes_a_team_name_whatever_its_case(admin_client, world):
    team = TeamFactory(name="Escalations")
    PersonFactory(full_name="Stays", team=team)
    assert names(admin_client.get(LIST, {"team": "escalations"})) == ["Stays"]


def test_an_unknown_team_is_said_and_the_other_filters_still_apply(admin_client, world):
    response = admin_client.get(LIST, {"team": "No such team", "role": "mentor"})
    assert response.status_code == 200
    assert "No team has that name." in response.text
    assert names(response) == ["Lin Mentor", "Omar Mentor"]


def test_the_team_filter_suggests_teams_instead_of_listing_them_all(admin_client, world):
    for n in range(30):
        TeamFactory(name=f"Pod {n:02d}")
    response = admin_client.get(LIST)
    assert "Pod 07" not in response.text  # no <option> per team on the page
    assert f'data-person-search="{reverse("people:team-search")}"' in response.text
    assert "js/person-picker.js" in response.text


def test_a_row_names_its_checkbox_without_a_label_per_row(admin_client, world):
    response = admin_client.get(LIST, {"q": "Omar"})
    pk = world.mentor.pk
    assert f'value="{pk}" aria-labelledby="select-word p{pk}"' in response.text
    assert '<span id="select-word" hidden>Select</span>' in response.text
    assert f'<span id="p{pk}">Omar Mentor</span>' in response.text


def test_filters_by_role_and_cohort(admin_client, world):
    assert names(admin_client.get(LIST, {"role": "mentor"})) == ["Lin Mentor", "Omar Mentor"]
    assert names(admin_client.get(LIST, {"role": "mentee", "cohort": world.cohort.pk})) == [
        "Ada Mentee",
        "Bo Mentee",
    ]
    assert names(admin_client.get(LIST, {"role": "none"})) == ["Maya Manager", "Sam Outsider"]
    other = CohortFactory(programme=world.cohort.programme)
    assert names(admin_client.get(LIST, {"cohort": other.pk})) == []


def test_withdrawn_enrolments_do_not_count_as_a_role(admin_client, world):
    EnrolmentFactory(person=world.outsider, status=Enrolment.Status.WITHDRAWN)
    assert "Sam Outsider" in names(admin_client.get(LIST, {"role": "none"}))


def test_sorts_by_team_and_hire_date(admin_client, world):
    assert names(admin_client.get(LIST, {"sort": "-hire_date"}))[0] == "Bo Mentee"
    assert names(admin_client.get(LIST, {"sort": "hire_date"}))[0] == "Maya Manager"
    by_team = names(admin_client.get(LIST, {"sort": "team"}))
    assert by_team[:3] == ["Ada Mentee", "Bo Mentee", "Sam Outsider"]  # Tier 1 before Tier 2


def test_an_unknown_filter_value_is_ignored_not_an_error(admin_client, world):
    response = admin_client.get(LIST, {"team": "999999", "sort": "password"})
    assert response.status_code == 200


def test_pages_keep_the_filters(admin_client, world):
    team = TeamFactory(name="Big team")
    for n in range(PER_PAGE + 5):
        PersonFactory(full_name=f"Member {n:02d}", team=team)
    response = admin_client.get(LIST, {"team": team.name, "sort": "name"})
    assert len(names(response)) == PER_PAGE
    assert "?team=Big+team&amp;sort=name&amp;page=2" in response.text
    second = admin_client.get(LIST, {"team": team.name, "sort": "name", "page": 2})
    assert names(second) == [f"Member {n}" for n in range(PER_PAGE, PER_PAGE + 5)]


def test_empty_states_differ_for_no_people_and_no_match(admin_client, world):
    response = admin_client.get(LIST, {"q": "nobody-has-this-name"})
    assert "No one matches these filters." in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_person_list_query_count_is_fixed(admin_client, world, django_assert_num_queries, size):
    team = TeamFactory(name="Volume")
    for _ in range(size):
        EnrolmentFactory(cohort=world.cohort, person=PersonFactory(team=team, manager=world.manager))
    # user (with person and roles), the team filter's
    # value (by name), count, page, enrolments (prefetch), the cohort choices, the bulk form's cohorts.
    with django_assert_num_queries(7):
        response = admin_client.get(LIST, {"team": team.name, "role": "mentee"})
    assert len(names(response)) == min(size, PER_PAGE)


@pytest.fixture
def enrolling(world):
    return CohortFactory(programme=world.cohort.programme, name="Spring 2027", state=Cohort.State.ENROLLING)


def test_export_selected_gives_a_csv_the_import_accepts(admin_client, world):
    world.mentor.employee_id, world.manager.employee_id = "E-MENTOR", "E-MANAGER"
    world.mentor.save()
    world.manager.save()
    odd = PersonFactory(full_name="=cmd", employee_id="E-ODD")
    response = admin_client.post(
        reverse("people:person-bulk"), {"action": "export", "people": [world.mentor.pk, odd.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "employee_id",
        "name",
        "email",
        "team",
        "manager_employee_id",
        "hire_date",
        "leave_date",
    ]
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert rows[1][:3] == ["E-ODD", "'=cmd", "'=cmd@example.com"]
    assert rows[2] == [
        "E-MENTOR",
        "Omar Mentor",
        "mentor@example.com",
        "Tier 2",
        "E-MANAGER",
        "2021-05-10",
        "",
    ]


def test_filters_by_whether_people_have_activated_their_login(admin_client, world):
    """Issue 8: admins see who has not activated."""
    never = PersonFactory(full_name="Never Activated")
    never_user = UserFactory(username="never")
    never_user.set_unusable_password()
    never_user.save()
    Person.objects.filter(pk=never.pk).update(user=never_user)
    PersonFactory(full_name="No Login At All")
    waiting = names(admin_client.get(LIST, {"login": "not_activated"}))
    assert "Never Activated" in waiting and "No Login At All" in waiting
    assert "Omar Mentor" not in waiting
    can = names(admin_client.get(LIST, {"login": "activated"}))
    assert "Omar Mentor" in can and "Never Activated" not in can
    assert "not activated" in admin_client.get(LIST, {"q": "Never"}).text


def test_a_row_shows_the_person_as_the_list_promises(admin_client, world):
    """Each cell of a row, by hand: name, left badge, "not activated", email, employee id, team,
    manager, hire date, and the cohorts the person holds a role in (one a line); "–" when empty."""
    other = CohortFactory(programme=world.cohort.programme, name="Spring cohort")
    person = PersonFactory(
        full_name="Rowena <Rows>",
        email="rowena@corp.example",
        employee_id="HR-1",
        team=TeamFactory(name="Billing & refunds"),
        manager=world.manager,
        hire_date=datetime.date(2024, 3, 5),
        leave_date=datetime.date(2025, 1, 31),
    )
    EnrolmentFactory(cohort=world.cohort, person=person, role="mentor")
    EnrolmentFactory(cohort=other, person=person, role="mentee", status="waitlisted")
    bare = PersonFactory(full_name="Rowan Bare", employee_id="", team=None, manager=None)
    page = admin_client.get(LIST, {"q": "Row"}).text
    assert (
        f'<td><div class="d-flex gap-2 align-items-center">{avatar(person, size="sm", decorative=True)}'
        f'<div><span id="p{person.pk}">Rowena &lt;Rows&gt;</span>'
        ' <span class="badge text-bg-secondary">left 31 Jan 2025</span>'
        ' <span class="badge text-bg-warning">not activated</span><br>'
        '<span class="small text-body-secondary">rowena@corp.example</span>'
        f'<br><a class="small" href="/history/person/{person.pk}/">History'
        '<span class="visually-hidden"> of Rowena &lt;Rows&gt;</span></a>'
        f' <a class="small link-danger" href="/privacy/people/{person.pk}/erase/">Erase…'
        '<span class="visually-hidden"> Rowena &lt;Rows&gt;</span></a></div></div></td>'
        f"<td>HR-1</td><td>Billing &amp; refunds</td><td>{world.manager.full_name}</td><td>5 Mar 2024</td>"
        f"<td>Mentor, {world.cohort.name}<br>Mentee, Spring cohort</td></tr>"
    ) in page
    assert f'value="{person.pk}" aria-labelledby="select-word p{person.pk}"' in page
    assert f"<td>–</td><td>–</td><td>–</td><td>{bare.hire_date:%-d %b %Y}</td><td>–</td></tr>" in page


def test_the_cohort_selects_are_read_in_one_query_each_without_a_cursor(admin_client, world):
    """Django reads a model select's options through a server-side cursor on PostgreSQL (DECLARE,
    FETCH, CLOSE): the list's two cohort selects read them with one plain query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(LIST).text
    assert not [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"] or "FETCH" in q["sql"]]
    assert f'<option value="{world.cohort.pk}">{world.cohort}</option>' in page  # the cohort filter


# --- the list kept rendered under the people's stamp and every cohort's (issue 8, §5) ------------


def _look(client, **params) -> str:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.text


def _then_rename(world):
    Person.objects.filter(pk=world.outsider.pk).update(full_name="Sam Renamed")
    return "Sam Renamed"


def _then_enrol(world):
    EnrolmentFactory(
        cohort=CohortFactory(programme=world.cohort.programme, name="Winter 2027"), person=world.outsider
    )
    return "Winter 2027"


def _then_rename_cohort(world):
    Cohort.objects.filter(pk=world.cohort.pk).update(name="Autumn Renamed")
    return "Autumn Renamed"


def _then_rename_cohort_by_save(world):
    world.cohort.name = "Autumn Saved"
    world.cohort.save()
    return "Autumn Saved"


def _then_withdraw(world):
    Enrolment.objects.filter(person=world.mentee2).update(status=Enrolment.Status.WITHDRAWN)
    return "!Bo Mentee"


@pytest.mark.parametrize(
    "write", [_then_rename, _then_enrol, _then_rename_cohort, _then_rename_cohort_by_save, _then_withdraw]
)
def test_every_write_the_list_shows_shows_on_the_next_look(
    admin_client, world, write, django_assert_num_queries
):
    params = {"role": "mentee"} if write is _then_withdraw else {}
    _look(admin_client, **params)
    with django_assert_num_queries(1):  # kept: the user only
        _look(admin_client, **params)
    shown = write(world)
    text = _look(admin_client, **params)
    assert (shown[1:] not in text) if shown.startswith("!") else (shown in text)


def test_a_search_is_kept_per_words_and_a_long_one_is_not(admin_client, world, django_assert_num_queries):
    _look(admin_client, q="mentee")
    with django_assert_num_queries(1):
        text = _look(admin_client, q="mentee")
    assert "Ada Mentee" in text and "Omar Mentor" not in text
    long = "x" * 41
    _look(admin_client, q=long)
    with django_assert_num_queries(4):  # not kept: rendered from the database again
        _look(admin_client, q=long)


def test_an_admins_own_row_offers_no_erasure(client, world):
    """An admin cannot erase themselves (privacy.services.erasure_refusal): their own row has no
    "Erase…", everyone else's has."""
    me = PersonFactory(full_name="Ada Admin", user=world.admin)
    other = PersonFactory(full_name="Ada Other")
    client.force_login(world.admin)
    page = client.get(LIST, {"q": "Ada"}).text
    assert f'href="/privacy/people/{other.pk}/erase/"' in page
    assert f'href="/privacy/people/{me.pk}/erase/"' not in page
    assert f'<span id="p{me.pk}">Ada Admin</span>' in page
