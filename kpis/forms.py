from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm


class KpiUploadForm(BoundedForm):
    file = forms.FileField(
        label=_("CSV file from the helpdesk"),
        help_text=_(
            "UTF-8 CSV with a header row, one row per agent and month (the columns are listed below). "
            "At most 50 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
