"""The pages: "Your data" from the person's menu, and a programme admin's erasure of a person
(a confirmation page that says what happens, the name typed, POST only, never oneself)."""

from people.models import Person
from privacy.models import Erasure
from privacy.registry import ERASED_NAME
from sessions.models import PairMessage
from tests.conftest import login


def test_your_data_is_in_the_person_menu(world, client):
    page = login(client, world.mentee.user).get("/").content.decode()
    assert 'href="/privacy/"' in page


def test_your_data_offers_both_downloads(world, client):
    page = login(client, world.mentee.user).get("/privacy/").content.decode()
    assert 'href="/privacy/export.json"' in page
    assert 'href="/privacy/export.zip"' in page
    assert "never included" in page


def test_the_confirmation_page_names_what_will_happen(held, client, django_assert_num_queries):
    world = held.world
    login(client, world.admin)
    client.get("/")
    page = client.get(f"/privacy/people/{world.mentee.pk}/erase/").content.decode()
    assert "Erase Ada Mentee" in page
    assert "messages: 1 blanked" in page
    assert "private notes: 1 deleted" in page
    assert "This cannot be undone." in page
    # Nothing changed by looking.
    assert Person.objects.get(pk=world.mentee.pk).full_name == "Ada Mentee"


def test_the_confirmation_page_costs_a_fixed_number_of_queries(held, client, django_assert_num_queries):
    world = held.world
    login(client, world.admin)
    client.get("/")
    url = f"/privacy/people/{world.mentee.pk}/erase/"
    # The login and its groups, the person, one count per kind they wrote, their past erasures.
    with django_assert_num_queries(28):
        client.get(url)
    for i in range(30):
        PairMessage.objects.create(pairing=world.pair, author=world.mentee, body=f"message {i}")
    with django_assert_num_queries(28):
        client.get(url)


def test_a_wrong_name_erases_nothing_and_says_why(world, client):
    login(client, world.admin)
    response = client.post(f"/privacy/people/{world.mentee.pk}/erase/", {"confirm_name": "Ada"})
    assert response.status_code == 200
    assert "That is not the name of the person you are erasing" in response.content.decode()
    assert Person.objects.get(pk=world.mentee.pk).full_name == "Ada Mentee"
    assert not Erasure.objects.exists()


def test_typing_the_name_erases_the_person(world, client):
    login(client, world.admin)
    response = client.post(f"/privacy/people/{world.mentee.pk}/erase/", {"confirm_name": "  ada   mentee "})
    assert response.status_code == 302
    assert Person.objects.get(pk=world.mentee.pk).full_name == ERASED_NAME
    assert Erasure.objects.get().erased_by == world.admin


def test_an_admin_is_refused_their_own_erasure(world, client):
    world.manager.user.groups.add(*world.admin.groups.all())
    login(client, world.manager.user)
    url = f"/privacy/people/{world.manager.pk}/erase/"
    assert "erase yourself" in client.get(url).content.decode()
    client.post(url, {"confirm_name": "Maya Manager"})
    assert Person.objects.get(pk=world.manager.pk).full_name == "Maya Manager"


def test_only_programme_admins_may_erase(world, client):
    for user in (world.mentor.user, world.manager.user):
        login(client, user)
        url = f"/privacy/people/{world.mentee.pk}/erase/"
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm_name": "Ada Mentee"}).status_code == 403
    assert Person.objects.get(pk=world.mentee.pk).full_name == "Ada Mentee"


def test_the_people_list_links_each_person_to_their_erasure(world, client):
    page = login(client, world.admin).get("/people/").content.decode()
    assert f'href="/privacy/people/{world.mentee.pk}/erase/"' in page


def test_erasures_are_listed_read_only_in_the_django_admin(world, client):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    from privacy.services import person_erase

    person_erase(person=world.outsider, by=world.admin)
    login(client, world.admin)
    page = client.get("/django-admin/privacy/erasure/")
    assert page.status_code == 200
    assert "Sam Outsider" not in page.content.decode()
    assert client.get("/django-admin/privacy/erasure/add/").status_code == 403
