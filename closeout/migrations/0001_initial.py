# Reflection and SurveyResponse move here from programmes with every row
# (see programmes/0005_move_invitation_reflection_survey_out).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MODELS = ['reflection', 'surveyresponse']


def _relabel(apps, schema_editor, old_label, new_label):
    """Carry the content types over, so admin history and any permissions follow the models."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new_label, model=model).exists():
            types.filter(app_label=old_label, model=model).update(app_label=new_label)


def content_types_forwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'programmes', 'closeout')


def content_types_backwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'closeout', 'programmes')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0003_matching_engine'),
        ('people', '0002_importjob'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('programmes', '0005_move_invitation_reflection_survey_out'),
    ]

    operations = [
        # The tables exist already (renamed by programmes/0005): only Django's state learns of them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Reflection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('achieved', models.TextField(verbose_name='what we achieved')),
                        ('learned', models.TextField(verbose_name='what I learned')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='written')),
                        ('pairing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reflections', to='matching.pairing')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                    ],
                    options={
                        'verbose_name': 'reflection',
                        'verbose_name_plural': 'reflections',
                        'constraints': [models.UniqueConstraint(fields=('pairing', 'person'), name='reflection_once_per_person_per_pairing')],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('mentor', 'Mentor'), ('mentee', 'Mentee')], max_length=10, verbose_name='role')),
                        ('satisfaction', models.PositiveSmallIntegerField(verbose_name='overall satisfaction (1-5)')),
                        ('recommend', models.PositiveSmallIntegerField(verbose_name='how likely to recommend (0-10)')),
                        ('comment', models.TextField(blank=True, verbose_name='anything else')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='answered')),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='programmes.cohort')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                    ],
                    options={
                        'verbose_name': 'survey response',
                        'verbose_name_plural': 'survey responses',
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'person'), name='survey_once_per_person_per_cohort'), models.CheckConstraint(condition=models.Q(('satisfaction__gte', 1), ('satisfaction__lte', 5)), name='survey_satisfaction_1_to_5'), models.CheckConstraint(condition=models.Q(('recommend__lte', 10)), name='survey_recommend_0_to_10')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
