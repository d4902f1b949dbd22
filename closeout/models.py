from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from matching.stamps import PairingContent
from people.models import Person
from programmes.models import Cohort, Enrolment


class Reflection(models.Model):
    """Each side's close-out: what was achieved, what was learned."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reflections")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    achieved = models.TextField(_("what we achieved"))
    learned = models.TextField(_("what I learned"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "person"], name="reflection_once_per_person_per_pairing"
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.pairing}"


class SurveyResponse(models.Model):
    """The end-of-cohort survey: overall satisfaction and would-recommend (for an NPS)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="survey_responses")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Enrolment.Role.choices)
    satisfaction = models.PositiveSmallIntegerField(_("overall satisfaction (1-5)"))
    recommend = models.PositiveSmallIntegerField(_("how likely to recommend (0-10)"))
    comment = models.TextField(_("anything else"), blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="survey_once_per_person_per_cohort"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="survey_satisfaction_1_to_5"
            ),
            models.CheckConstraint(condition=Q(recommend__lte=10), name="survey_recommend_0_to_10"),
        ]

    def __str__(self):
        return f"{self.person} on {self.cohort}"


# A thank-you is a few sentences, not a letter.
THANKS_BODY_MAX = 1000


class Thanks(PairingContent):
    """The mentee's thanks to their mentor at close, in their own words: one per pairing, editable
    until the cohort closes. The words are addressed to the mentor, so only the two of them read
    them; a manager sees how many thanks their teams' mentors received, never what they say."""

    pairing = models.OneToOneField(Pairing, on_delete=models.CASCADE, related_name="thanks")
    body = models.TextField(_("your thanks"), max_length=THANKS_BODY_MAX)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("thanks")
        verbose_name_plural = _("thanks")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), THANKS_BODY_MAX) & ~Q(body=""),
                name="thanks_body_1_to_1000_characters",
            ),
        ]

    def __str__(self):
        return f"Thanks on {self.pairing_id}"
