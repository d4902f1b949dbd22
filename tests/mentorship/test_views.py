"""The error pages (mentorship/views.py): the configured product name, a way on (home, and back to
the page of this site the visitor came from), and never a trace of the error."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import RequestFactory
from django.urls import path, reverse

from mentorship.branding import brand_from
from mentorship.views import came_from, server_error
from tests.conftest import login


@pytest.fixture
def branded(settings):
    settings.BRAND = brand_from("Support Buddies", "#0f766e")


def test_a_404_names_the_product_and_leads_home_and_back(client, world, branded):
    login(client, world.mentee.user)
    came = "http://testserver" + reverse("notifications:list")
    response = client.get("/no-such-page/", HTTP_REFERER=came)
    assert response.status_code == 404
    text = response.text
    assert "<title>Not found · Support Buddies</title>" in text
    assert "find that page</h1>" in text and 'class="page-header"' in text
    assert f'href="{reverse("home")}"' in text and "Go to your home page" in text
    assert f'href="{came}"' in text and "Back to the page you were on" in text


def test_a_403_names_the_product_and_says_who_to_ask(client, world, branded):
    login(client, world.mentee.user)
    response = client.get(reverse("programmes:programme-list"))
    assert response.status_code == 403
    assert "· Support Buddies</title>" in response.text
    assert "ask your programme admin" in response.text
    assert "Go to your home page" in response.text


def test_a_form_address_opened_with_get_gets_a_page_not_an_empty_405(client, world, branded):
    login(client, world.mentee.user)
    response = client.get(reverse("notifications:read-all"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "be opened this way</h1>" in response.text
    assert "· Support Buddies</title>" in response.text and "Go to your home page" in response.text


def test_the_500_page_names_the_configured_product_without_the_database_or_the_error(
    db, branded, django_assert_num_queries
):
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong · Support Buddies</title>" in text
    assert '<a href="/">Support Buddies</a>' in text and "Go to your home page" in text
    assert "Traceback" not in text and "style=" not in text and "<script" not in text


def _broken(request):
    raise RuntimeError("secret detail")


# This module is the URLconf of the test below: one view that fails, and the project's 500 handler.
urlpatterns = [path("broken/", login_not_required(_broken))]
handler500 = "mentorship.views.server_error"


@pytest.mark.urls(__name__)
def test_a_view_that_fails_shows_the_500_page_without_the_error(client, branded):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Support Buddies" in response.text and "Something went wrong on our side" in response.text
    assert "secret detail" not in response.text and "RuntimeError" not in response.text


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("", ""),
        ("https://evil.example/phish/", ""),
        ("http://testserver/here/", ""),  # this very page: going back would fail again
        ("http://testserver/notifications/", "http://testserver/notifications/"),
        ("/notifications/?page=2", "/notifications/?page=2"),
    ],
)
def test_the_back_link_goes_only_to_another_page_of_this_site(referer, expected):
    request = RequestFactory().get("/here/", HTTP_REFERER=referer)
    assert came_from(request) == expected
