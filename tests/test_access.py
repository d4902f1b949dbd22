"""Who may open which page: each role, including what each must NOT see."""

import pytest
from django.urls import reverse

from tests.conftest import login

ADMIN_PAGES = [
    "programmes:programme-list",
    "programmes:programme-create",
    "programmes:cohort-list",
    "programmes:cohort-create",
    "people:person-list",
    "people:import",
]


def url(name, *args):
    return reverse(name, args=args)


def test_every_page_redirects_anonymous_visitors_to_login(client, world):
    for target in [
        url("home"),
        url("programmes:cohort-list"),
        url("programmes:cohort-detail", world.cohort.pk),
        url("matching:run-detail", world.run.pk),
        url("mentoring_sessions:pairing-list"),
        url("mentoring_sessions:pairing-detail", world.pair.pk),
        url("dashboards:overview"),
        url("library:resource-list", world.cohort.programme.pk),
        url("training:mine"),
    ]:
        response = client.get(target)
        assert response.status_code == 302, target
        assert response.url.startswith(reverse("login")), target


def test_health_check_is_public(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_reach_cohort_administration(client, world, username):
    from django.contrib.auth.models import User

    login(client, User.objects.get(username=username))
    for target in [
        *(url(n) for n in ADMIN_PAGES),
        url("programmes:cohort-detail", world.cohort.pk),
        url("matching:run-detail", world.run.pk),
    ]:
        assert client.get(target).status_code == 403, target
    assert client.post(url("matching:run-start", world.cohort.pk)).status_code == 403
    assert client.post(url("matching:run-publish", world.run.pk)).status_code == 403


def test_programme_admin_reaches_administration_and_dashboard(client, world):
    login(client, world.admin)
    for target in [
        *(url(n) for n in ADMIN_PAGES),
        url("programmes:cohort-detail", world.cohort.pk),
        url("matching:run-detail", world.run.pk),
        url("dashboards:overview"),
    ]:
        assert client.get(target).status_code == 200, target


def test_mentee_cannot_open_another_pairs_workspace_or_forms(client, world):
    login(client, world.mentee.user)
    other = world.pair2.pk
    for name in [
        "mentoring_sessions:pairing-detail",
        "mentoring_sessions:session-create",
        "mentoring_sessions:goal-create",
    ]:
        assert client.get(url(name, other)).status_code == 404, name
    assert client.post(url("mentoring_sessions:session-create", other), {}).status_code == 404
    assert client.get(url("mentoring_sessions:pairing-detail", world.pair.pk)).status_code == 200


def test_mentor_cannot_open_another_pairs_workspace(client, world):
    login(client, world.mentor2.user)
    assert client.get(url("mentoring_sessions:pairing-detail", world.pair.pk)).status_code == 404
    assert client.get(url("mentoring_sessions:pairing-detail", world.pair2.pk)).status_code == 200


def test_mentee_and_mentor_are_refused_the_dashboard(client, world):
    for person in (world.mentee, world.mentor2):
        login(client, person.user)
        assert client.get(url("dashboards:overview")).status_code == 403


def test_manager_sees_the_dashboard_but_not_a_pairs_workspace(client, world):
    login(client, world.manager.user)
    assert client.get(url("dashboards:overview")).status_code == 200
    assert client.get(url("mentoring_sessions:pairing-detail", world.pair.pk)).status_code == 404


def test_admin_without_a_person_has_no_pairings_page(client, world):
    login(client, world.admin)
    assert client.get(url("mentoring_sessions:pairing-list")).status_code == 403
    assert client.get(url("mentoring_sessions:pairing-detail", world.pair.pk)).status_code == 404


def test_unknown_page_gets_a_helpful_404(client, world):
    login(client, world.mentee.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"couldn" in response.content
