import pytest

from dashboards.privacy import Publisher, Rate, band_of, percent, wilson


@pytest.mark.parametrize(
    ("people", "band"), [(0, 0), (4, 0), (5, 5), (9, 5), (10, 10), (17, 10), (20, 20), (999, 500)]
)
def test_size_bands(people, band):
    assert band_of(people) == band


def test_rates_from_fewer_than_five_are_not_shown():
    assert percent(4, 4) is None and not Rate(4, 4).shown and Rate(4, 4).interval is None
    assert Rate(4, 5).percent == 80


def test_wilson_interval_by_hand():
    # 8 of 10: centre (0.8 + 0.192) / 1.384 = 0.717, half 1.96 * sqrt(0.016 + 0.0096) / 1.384 = 0.227
    assert wilson(8, 10) == (49, 95)
    assert wilson(0, 5) == (0, 44)


def _shown(scope, raw, people, answers):
    publisher = Publisher(scope)
    figure = publisher.answered("pulse:mentee", raw, people, answers=answers)
    publisher.publish()
    return figure.value


def test_published_figure_holds_while_the_band_holds_and_moves_when_it_changes(db):
    assert _shown("scope", 4.08, 17, "17 answers") == 4.1
    # The case: one mentee re-answers, 4.08 -> 4.02 -> 4.09, "from 17 people" throughout.
    assert _shown("scope", 4.02, 17, "17 answers") == 4.1
    assert _shown("scope", 4.09, 17, "17 answers") == 4.1
    # A new answer from one of the 17 (another set, the same band): still the band's figure.
    assert _shown("scope", 4.0, 17, "18 answers") == 4.1
    # Twenty people: another band, worked out again.
    assert _shown("scope", 4.02, 20, "20 answers") == 4.0


def test_the_same_answers_show_the_same_figure_in_every_view(db):
    assert _shown("one view", 4.08, 17, "17 answers") == 4.1
    # Another filter selecting the same answers after a re-answer: not a fresh 4.0.
    assert _shown("another view", 4.02, 17, "17 answers") == 4.1
    # Other answers, first seen in a third view: their own figure.
    assert _shown("a third view", 4.02, 17, "other answers") == 4.0
