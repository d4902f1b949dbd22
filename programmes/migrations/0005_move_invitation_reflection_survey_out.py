# Invitation belongs to enrolment, Reflection and SurveyResponse to close-out: programmes sits below both
# and must not hold their models. The tables keep every row: the database only renames them to the
# names the new apps expect, and the models leave programmes' state here and enter the new apps' state
# in enrolment/0001_initial and closeout/0001_initial, which depend on this migration.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0004_matching_engine'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='invitation', table='enrolment_invitation'),
                migrations.AlterModelTable(name='reflection', table='closeout_reflection'),
                migrations.AlterModelTable(name='surveyresponse', table='closeout_surveyresponse'),
            ],
            state_operations=[
                migrations.DeleteModel(name='Invitation'),
                migrations.DeleteModel(name='Reflection'),
                migrations.DeleteModel(name='SurveyResponse'),
            ],
        ),
    ]
