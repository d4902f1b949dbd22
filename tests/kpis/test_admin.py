"""The Django admin's KPI pages open, and never load an import's CSV text."""

import datetime

from django.contrib.auth.models import User
from django.urls import reverse

from kpis.models import AgentMonth, KpiImport
from tests.conftest import login


def test_the_django_admin_lists_agent_months_and_imports(client, world):
    AgentMonth.objects.create(person=world.mentor, month=datetime.date(2026, 3, 1), csat=80)
    job = KpiImport.objects.create(filename="k.csv", source="secret,csv\n", total_rows=1)
    login(client, User.objects.create_superuser("root", "root@example.com", "x"))
    assert world.mentor.full_name in client.get(reverse("admin:kpis_agentmonth_changelist")).text
    assert "k.csv" in client.get(reverse("admin:kpis_kpiimport_changelist")).text
    detail = client.get(reverse("admin:kpis_kpiimport_change", args=[job.pk]))
    assert detail.status_code == 200 and "secret,csv" not in detail.text
