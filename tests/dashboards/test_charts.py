from dashboards.charts import Series, bar_chart, line_chart, nice_top


def test_a_chart_is_an_image_with_a_title_and_escapes_its_text():
    svg = line_chart("Pulse <by month>", ["Jan", "Feb"], [Series("Mentees & co", [4.0, 4.5])], top=5)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Pulse &lt;by month&gt;</title>" in svg
    assert "Mentees &amp; co" in svg


def test_a_hidden_value_breaks_the_line_and_draws_no_bar():
    line = line_chart("t", ["a", "b", "c"], [Series("s", [1.0, None, 2.0])], top=5)
    assert line.count("<polyline") == 2  # two runs, no line through the gap
    bars = bar_chart("t", ["a", "b", "c"], [Series("s", [1.0, None, 2.0])], top=5)
    assert bars.count("<rect") == 2


def test_nice_top_rounds_the_axis_up():
    assert nice_top([0.8]) == 1
    assert nice_top([3.2]) == 5
    assert nice_top([17]) == 20
    assert nice_top([None], 2) == 2
