"""Issue 11's look on every page it converted: one page header (an h1, with the page's actions
beside it) and exactly one back link, to the page it belongs to (drawn by base.html from the view's
`back_url`, or by the header's `back=`). Each page is opened as the role that uses it; the
dashboard, the navigation's first page for its roles, has none."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import GoalFactory, SessionFactory


def _admin(world):
    return world.admin


def _mentor(world):
    return world.mentor.user


def _mentee(world):
    return world.mentee.user


def _manager(world):
    return world.manager.user


def _workspace(world):
    return world.pair.get_absolute_url()


def _cohort(world):
    return world.cohort.get_absolute_url()


def _review(world):
    return reverse("enrolment:review", args=[world.cohort.pk])


PAGES = {
    # name: (who, the page's address, its back link's address or None)
    "dashboard": (_admin, lambda w: reverse("dashboards:overview"), None),
    "dashboard as a manager": (_manager, lambda w: reverse("dashboards:overview"), None),
    "programme health": (
        _admin,
        lambda w: reverse("dashboards:health"),
        lambda w: reverse("dashboards:overview"),
    ),
    "outcome report": (
        _admin,
        lambda w: reverse("dashboards:report"),
        lambda w: reverse("dashboards:overview"),
    ),
    "support KPI import": (_admin, lambda w: reverse("kpis:import"), lambda w: reverse("home")),
    "admin's cohort page": (_admin, _cohort, lambda w: reverse("programmes:cohort-list")),
    "match run": (_admin, lambda w: w.run.get_absolute_url(), _cohort),
    "compare runs": (_admin, lambda w: reverse("matching:run-compare", args=[w.cohort.pk]), _cohort),
    "enrolment review": (_admin, _review, _cohort),
    "invite people": (_admin, lambda w: reverse("enrolment:invite", args=[w.cohort.pk]), _cohort),
    "mentor capacity": (
        _admin,
        lambda w: reverse("enrolment:mentor-capacity", args=[w.pair.mentor.pk]),
        _review,
    ),
    "move to a cohort": (_admin, lambda w: reverse("enrolment:move", args=[w.pair.mentee.pk]), _review),
    "withdraw": (
        _mentee,
        lambda w: reverse("enrolment:withdraw", args=[w.pair.mentee.pk]),
        lambda w: reverse("enrolment:mine"),
    ),
    "profile": (
        _mentee,
        lambda w: reverse("enrolment:profile", args=[w.pair.mentee.pk]),
        lambda w: reverse("enrolment:mine"),
    ),
    "log a session": (
        _mentor,
        lambda w: reverse("mentoring_sessions:session-create", args=[w.pair.pk]),
        _workspace,
    ),
    "schedule": (
        _mentor,
        lambda w: reverse("mentoring_sessions:session-schedule", args=[w.pair.pk]),
        _workspace,
    ),
    "a session": (
        _mentee,
        lambda w: reverse(
            "mentoring_sessions:session-detail", args=[w.pair.pk, SessionFactory(pairing=w.pair).pk]
        ),
        _workspace,
    ),
    "new goal": (_mentee, lambda w: reverse("mentoring_sessions:goal-create", args=[w.pair.pk]), _workspace),
    "new goal, a step": (
        _mentee,
        lambda w: reverse("mentoring_sessions:goal-create", args=[w.pair.pk]) + "?step=specific",
        _workspace,
    ),
    "a goal": (
        _mentee,
        lambda w: reverse("mentoring_sessions:goal-detail", args=[w.pair.pk, GoalFactory(pairing=w.pair).pk]),
        _workspace,
    ),
    "check-in": (
        _mentee,
        lambda w: reverse("mentoring_sessions:checkin-create", args=[w.pair.pk]),
        _workspace,
    ),
    "messages": (
        _mentee,
        lambda w: reverse("mentoring_sessions:pairing-messages", args=[w.pair.pk]),
        _workspace,
    ),
    "notifications": (_mentee, lambda w: reverse("notifications:list"), lambda w: reverse("home")),
    "notification settings": (
        _mentee,
        lambda w: reverse("notifications:settings"),
        lambda w: reverse("home"),
    ),
}

HEADER = re.compile(r'<div class="page-header"><div>(?:<p class="page-back">.*?</p>)?<h1 class="h3">', re.S)


def back_links(html: str) -> list[str]:
    """The addresses of the page's back links: a link whose text starts with a left arrow."""
    return re.findall(r'<a[^>]*\shref="([^"]*)"[^>]*>\s*&larr;', html)


@pytest.mark.parametrize("name", list(PAGES))
def test_a_converted_page_has_one_page_header_and_its_back_link(client, world, name):
    who, address, back = PAGES[name]
    login(client, who(world))
    response = client.get(address(world))
    assert response.status_code == 200, name
    html = response.text
    assert len(HEADER.findall(html)) == 1, f"{name}: one page header with its h1"
    assert html.count("<h1") == 1, f"{name}: one h1"
    expected = [back(world).replace("&", "&amp;")] if back else []
    assert back_links(html) == expected, name


MORE_PAGES = {
    # name: (who, the page's address): pages converted with their view's own back link
    "agreement": (_mentee, lambda w: reverse("agreements:agreement", args=[w.pair.pk])),
    "agreement edit": (_mentee, lambda w: reverse("agreements:agreement-edit", args=[w.pair.pk])),
    "agreement versions": (_mentee, lambda w: reverse("agreements:agreement-history", args=[w.pair.pk])),
    "programme's agreements": (
        _admin,
        lambda w: reverse("agreements:programme", args=[w.cohort.programme.pk]),
    ),
    "agreement template": (
        _admin,
        lambda w: reverse("agreements:template-edit", args=[w.cohort.programme.pk]),
    ),
    "unsigned agreements": (_admin, lambda w: reverse("agreements:unsigned", args=[w.cohort.pk])),
    "my training": (_mentee, lambda w: reverse("training:mine")),
    "programme's training": (
        _admin,
        lambda w: reverse("training:programme-modules", args=[w.cohort.programme.pk]),
    ),
    "new module": (_admin, lambda w: reverse("training:module-create", args=[w.cohort.programme.pk])),
    "training completion": (_admin, lambda w: reverse("training:cohort-completion", args=[w.cohort.pk])),
    "library": (_mentee, lambda w: reverse("library:resource-list", args=[w.cohort.programme.pk])),
    "new resource": (_admin, lambda w: reverse("library:resource-create", args=[w.cohort.programme.pk])),
    "session guides": (_admin, lambda w: reverse("library:guide-list", args=[w.cohort.programme.pk])),
    "pair's shared resources": (_mentee, lambda w: reverse("library:pairing-shared", args=[w.pair.pk])),
    "new programme": (_admin, lambda w: reverse("programmes:programme-create")),
    "cohort settings": (_admin, lambda w: reverse("programmes:cohort-edit", args=[w.cohort.pk])),
    "wording of messages": (
        _admin,
        lambda w: reverse("programmes:wording-list", args=[w.cohort.programme.pk]),
    ),
    "end a pairing early": (_admin, lambda w: reverse("closeout:pairing-end", args=[w.pair.pk])),
    "my contribution": (_mentor, lambda w: reverse("closeout:contribution")),
    "people import": (_admin, lambda w: reverse("people:import")),
    "flagged check-ins": (_admin, lambda w: reverse("mentoring_sessions:checkin-flags", args=[w.cohort.pk])),
    "pair's flags": (_admin, lambda w: reverse("mentoring_sessions:pairing-flags", args=[w.pair.pk])),
}


@pytest.mark.parametrize("name", list(MORE_PAGES))
def test_more_converted_pages_have_one_page_header_and_one_back_link(client, world, name):
    who, address = MORE_PAGES[name]
    login(client, who(world))
    response = client.get(address(world))
    assert response.status_code == 200, name
    html = response.text
    assert len(HEADER.findall(html)) == 1, f"{name}: one page header with its h1"
    assert html.count("<h1") == 1, f"{name}: one h1"
    assert len(back_links(html)) == 1, f"{name}: {back_links(html)}"
