"""bench --reminders-only (demo/reminders_bench.py), at a tiny size: it seeds, scans and sends."""

import io

import pytest
from django.core.management.base import OutputWrapper

from demo import reminders_bench

pytestmark = pytest.mark.django_db


def test_reminder_bench_prints_its_figures_at_a_small_size():
    out = io.StringIO()
    reminders_bench.run(OutputWrapper(out), pairings=10, sends=5)
    text = out.getvalue()
    # Seeded as 2 + 8 pairings, 90 % of each met three days ago (rounded down): 1 + 1 pairs due, 2
    # reminders each, and the admin's digest.
    assert "reminder scan over 10 active pairings" in text
    assert "5 reminders recorded" in text
    assert "0 reminders recorded" in text  # the scans after it owe nothing new
    assert "one worker to SMTP on loopback: 5 emails in" in text
