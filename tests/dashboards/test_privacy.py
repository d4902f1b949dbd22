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


def test_published_figure_holds_while_the_band_holds_and_moves_when_it_changes(db):
    first = Publisher("scope")
    figure = first.answered("pulse", 4.08, 17)
    first.publish()
    assert figure.value == 4.1
    # The case: one mentee re-answers, 4.08 -> 4.02 -> 4.09, "from 17 people" throughout.
    for raw in (4.02, 4.09):
        again = Publisher("scope")
        shown = again.answered("pulse", raw, 17)
        again.publish()
        assert shown.value == 4.1
    # Twenty people: another band, worked out again.
    grown = Publisher("scope")
    shown = grown.answered("pulse", 4.02, 20)
    grown.publish()
    assert shown.value == 4.0
    # Another scope has its own figure.
    other = Publisher("another scope")
    shown = other.answered("pulse", 4.02, 17)
    other.publish()
    assert shown.value == 4.0
