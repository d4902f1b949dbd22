import datetime

import pytest


@pytest.fixture
def morning(today, time_machine):
    """Freeze the clock at 09:00 UTC on the world's `today`: reminder periods are counted in days."""
    now = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=datetime.UTC)
    time_machine.move_to(now, tick=False)
    return now
