"""LongSelect and LongModelChoiceField: the same select Django draws, without a template per option."""

import re

from django import forms

from mentorship.widgets import LongModelChoiceField
from people.models import Team
from tests.factories import TeamFactory


class Both(forms.Form):
    fast = LongModelChoiceField(queryset=Team.objects.order_by("name"), label_field="name", required=False)
    django = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)


def test_the_long_select_draws_what_djangos_select_draws(db):
    chosen = TeamFactory(name="Billing <& friends>")
    TeamFactory(name="Voice")
    form = Both({"fast": chosen.pk, "django": chosen.pk})
    assert form.is_valid() and form.cleaned_data["fast"] == chosen

    def html(name):
        return re.sub(r"\n\s*", "", str(form[name])).replace(f'id="id_{name}"', "").replace(f'"{name}"', "")

    assert html("fast") == html("django")
    assert "Billing &lt;&amp; friends&gt;</option>" in html("fast") and " selected>" in html("fast")


def test_the_long_select_reads_its_rows_only_when_drawn(db, django_assert_num_queries):
    TeamFactory(name="Voice")
    with django_assert_num_queries(0):
        form = Both()
        form.fields["fast"].empty_label = "Any team"
    with django_assert_num_queries(1):
        assert '<option value="" selected>Any team</option>' in str(form["fast"])


def test_the_long_model_choice_refuses_what_is_not_a_row(db):
    assert not Both({"fast": "abc"}).is_valid()
    assert not Both({"fast": "99999999"}).is_valid()
