# Invitation moves here from programmes with every row (see programmes/0005_move_invitation_reflection_survey_out).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ['invitation']


def _relabel(apps, schema_editor, old_label, new_label):
    """Carry the content types over, so admin history and any permissions follow the models."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new_label, model=model).exists():
            types.filter(app_label=old_label, model=model).update(app_label=new_label)


def content_types_forwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'programmes', 'enrolment')


def content_types_backwards(apps, schema_editor):
    _relabel(apps, schema_editor, 'enrolment', 'programmes')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0002_importjob'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('programmes', '0005_move_invitation_reflection_survey_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already (renamed by programmes/0005): only Django's state learns of them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('role', models.CharField(choices=[('mentor', 'Mentor'), ('mentee', 'Mentee')], max_length=10, verbose_name='role')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='programmes.cohort')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.person')),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'email'), name='invitation_once_per_cohort_email')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
