"""Agreements and the library in the Django admin: staff read every row, and nothing is added,
changed or deleted there (writes go through the services, which keep stamps and tell people)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from agreements.models import Agreement, Signature
from library import services as library_services
from library.models import Resource, SessionGuide, SharedResource
from tests.agreements.conftest import signed_by_both
from tests.conftest import login


@pytest.fixture
def staff(client, db):
    return login(client, User.objects.create_superuser("root", "root@example.com", "x"))


def _admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_staff_read_agreements_and_signatures_but_cannot_change_them(staff, world, working_hours):
    agreement = signed_by_both(world)
    signature = Signature.objects.filter(agreement=agreement).first()
    listing = staff.get(_admin_url(Agreement, "changelist"))
    assert listing.status_code == 200 and world.mentee.full_name in listing.text
    page = staff.get(_admin_url(Agreement, "change", agreement.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # a view page, without a save button
    assert staff.get(_admin_url(Signature, "change", signature.pk)).status_code == 200
    assert staff.get(_admin_url(Agreement, "add")).status_code == 403
    assert staff.post(_admin_url(Agreement, "delete", agreement.pk), {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_staff_read_the_library_but_cannot_change_it(staff, world):
    resource = library_services.resource_save(
        resource=Resource(programme=world.cohort.programme, topic="de-escalation", title="Calm replies"),
        by=None,
    )
    shared, _ = library_services.resource_share(resource=resource, pairing=world.pair, by=world.mentor)
    for model, obj in ((Resource, resource), (SharedResource, shared)):
        assert staff.get(_admin_url(model, "changelist")).status_code == 200
        assert staff.get(_admin_url(model, "change", obj.pk)).status_code == 200
        assert staff.get(_admin_url(model, "add")).status_code == 403
    assert staff.get(_admin_url(SessionGuide, "changelist")).status_code == 200
    assert staff.post(_admin_url(Resource, "delete", resource.pk), {"post": "yes"}).status_code == 403
    assert Resource.objects.filter(pk=resource.pk).exists()
