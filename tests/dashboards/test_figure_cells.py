from django.template import Context, Template

from dashboards.privacy import too_few


def _cell(value) -> str:
    return Template("{% load figure_cells %}{{ value|figure_cell }}").render(Context({"value": value}))


def test_a_suppressed_figure_shows_too_few_and_reads_in_full():
    html = _cell(too_few())
    assert html == '<span class="too-few">too few<span class="visually-hidden"> to show</span></span>'


def test_the_words_too_few_to_show_typed_by_someone_are_not_taken_for_a_suppressed_figure():
    assert _cell("too few to show") == "too few to show"


def test_a_count_is_grouped_in_thousands_and_other_figures_are_left_as_they_are():
    assert _cell("4801") == "4,801"
    assert _cell("20000") == "20,000"
    assert _cell("999") == "999"
    assert _cell("83 % (43–97 %), n = 6") == "83 % (43–97 %), n = 6"
    assert _cell("-112.7 (-483.3 to +257.8)") == "-112.7 (-483.3 to +257.8)"
    assert _cell("<b>5</b>") == "&lt;b&gt;5&lt;/b&gt;"
