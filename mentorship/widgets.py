from django import forms


class DateInput(forms.DateInput):
    """A browser date picker (the default renders a plain text box)."""

    input_type = "date"
