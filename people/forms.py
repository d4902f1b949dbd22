from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file from the HR system"),
        help_text=_(
            "UTF-8 CSV with a header row: employee_id, name, email, team, manager_employee_id, "
            "hire_date, leave_date (dates as 2024-03-31; leave_date and manager_employee_id may be "
            "left out). At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
