import datetime
from decimal import Decimal

from tests.conftest import login
from tests.factories import AgentMonthFactory


def _months(person, count):
    for index in range(count):
        AgentMonthFactory(
            person=person,
            month=datetime.date(2025 + (index // 12), index % 12 + 1, 1),
            csat=Decimal("80.00") + index,
            tickets_solved=None if index == count - 1 else 100 + index,
        )


def test_both_sides_of_the_pair_see_the_mentees_last_twelve_months(client, world):
    _months(world.mentee, 14)
    for person in (world.mentee, world.mentor):
        login(client, person.user)
        html = client.get(world.pair.get_absolute_url()).content.decode()
        assert "Ada Mentee’s helpdesk figures" in html
        # Fourteen months imported (Jan 2025 to Feb 2026): the last twelve show, from Mar 2025.
        assert "Mar 2025" in html and "Feb 2026" in html and "Feb 2025" not in html
        assert "93.0 %" in html  # CSAT of the last month: 80 + 13
        assert "112" in html  # tickets of the month before


def test_a_missing_figure_reads_as_a_dash_and_no_figures_as_an_empty_state(client, world):
    login(client, world.mentee.user)
    html = client.get(world.pair.get_absolute_url()).content.decode()
    assert "No helpdesk figures have been imported yet." in html


def test_nobody_outside_the_pair_sees_the_mentees_figures(client, world):
    _months(world.mentee, 2)
    for person in (world.mentee2, world.manager, world.outsider):
        login(client, person.user)
        assert client.get(world.pair.get_absolute_url()).status_code == 404
    # The other pair's workspace shows their own mentee's (empty) figures, never Ada's.
    login(client, world.mentee2.user)
    html = client.get(world.pair2.get_absolute_url()).content.decode()
    assert "Ada Mentee" not in html and "81.0 %" not in html
