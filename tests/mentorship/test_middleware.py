from django.urls import reverse

from tests.conftest import login


def test_a_refused_method_gets_a_page_of_the_product_with_the_allow_header(client, world):
    login(client, world.admin)
    response = client.get(reverse("programmes:cohort-chat-test", args=[world.cohort.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "This page can't do that" in page
    assert reverse("home") in page and "<nav" in page  # the product's page, navigation included


def test_a_refused_method_on_a_public_page_gets_the_page_too(client, db):
    response = client.post(reverse("password_reset_done"))
    assert response.status_code == 405
    assert "This page can't do that" in response.content.decode()


def test_a_405_with_a_body_of_its_own_is_left_alone(rf):
    from django.http import HttpResponseNotAllowed

    from mentorship.middleware import method_not_allowed_page

    answer = HttpResponseNotAllowed(["GET"], content=b"use GET")
    assert method_not_allowed_page(lambda request: answer)(rf.post("/")) is answer
