"""One rounding for the same figure everywhere: a 1-5 average reads the same on every page."""

import pytest
from django.template import Context, Template

from mentorship.figures import average, round_average


@pytest.mark.parametrize(("value", "shown"), [(4.25, "4.3"), (4, "4.0"), (24 / 7, "3.4"), (None, "")])
def test_an_average_is_rounded_half_up_to_one_decimal(value, shown):
    assert average(value) == shown
    assert round_average(value) == (float(shown) if shown else None)


def test_the_survey_and_the_dashboard_show_the_same_satisfaction_alike():
    from closeout.selectors import SurveyFigures
    from dashboards.privacy import Answered

    survey = SurveyFigures(5, 5, round_average(4.25), 0, 0, 0)
    dashboard = Answered("survey:mentee", 4.25, 5)
    row = Template("{% load figures %}{{ a|average }} {{ b|average }}").render(
        Context({"a": survey.average_satisfaction, "b": dashboard.rounded()})
    )
    assert row == "4.3 4.3"
