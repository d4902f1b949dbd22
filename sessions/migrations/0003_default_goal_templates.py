"""The support-goal templates every installation starts with; admins edit them afterwards."""

from django.db import migrations

# Frozen here (not imported from sessions.goals) so this migration never changes meaning.
DEFAULTS = [{'title': 'Raise my CSAT',
  'specific': 'Raise the CSAT on the tickets I handle',
  'metric': 'CSAT',
  'unit': '%',
  'achievable': 'Review two low-rated tickets a week with my mentor; reuse their phrasing.',
  'relevant': 'CSAT'},
 {'title': 'Answer faster',
  'specific': 'Cut my median first response time on email tickets',
  'metric': 'Median first response time',
  'unit': 'minutes',
  'achievable': 'Use macros for the five commonest questions; triage the queue twice a day.',
  'relevant': 'First response time'},
 {'title': 'Get ready for tier 2',
  'specific': 'Solve technical tickets I now escalate to tier 2',
  'metric': 'Tier-2 topics I can handle alone',
  'unit': 'topics',
  'achievable': 'Shadow my mentor on one tier-2 topic a fortnight, then take those tickets.',
  'relevant': 'Tier-2 readiness'},
 {'title': 'Fewer escalations',
  'specific': 'Resolve billing questions without escalating them',
  'metric': 'Billing escalations per week',
  'unit': 'tickets',
  'achievable': 'Learn the refund and invoice tools with my mentor; keep a checklist.',
  'relevant': 'Escalation rate'},
 {'title': 'Share what I know',
  'specific': 'Write help-centre articles for questions customers keep asking',
  'metric': 'Articles published',
  'unit': 'articles',
  'achievable': 'One draft a fortnight, reviewed by my mentor before publishing.',
  'relevant': 'Knowledge-base contributions'}]


def add_defaults(apps, schema_editor):
    GoalTemplate = apps.get_model("mentoring_sessions", "GoalTemplate")
    if GoalTemplate.objects.exists():
        return
    GoalTemplate.objects.bulk_create([GoalTemplate(**fields) for fields in DEFAULTS])


class Migration(migrations.Migration):
    dependencies = [("mentoring_sessions", "0002_workspace")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
