"""Why a pairing ended early. The value is what is stored in Pairing.end_reason (in English, so the
tally stays stable whatever language the admin used); the label is what people read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EndReason(models.TextChoices):
    SCHEDULE_CLASH = "Schedule clash", _("Schedule clash")
    NOT_A_GOOD_FIT = "Not a good fit", _("Not a good fit")
    LEFT_THE_COMPANY = "Left the company", _("Left the company")
    OTHER = "Other", _("Other")


def end_reason_text(reason: str, details: str) -> str:
    """`Schedule clash: moved to night shifts`; the category comes first so it can be tallied."""
    details = " ".join(details.split())
    return f"{reason}: {details}" if details else reason
