from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedFigure(models.Model):
    """An answer-based figure as the dashboard last published it, for one scope and set of filters.

    Kept so a figure changes only when its group does (dashboards/privacy.py says the rule): while
    the group of people behind it stays in the same size band, the stored value is shown, so a
    single person changing an answer cannot be read off by comparing two views.
    """

    key = models.CharField(_("figure"), max_length=64, unique=True)
    band = models.PositiveIntegerField(_("size band"))
    value = models.FloatField(_("value"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self):
        return f"{self.key}: {self.value} (band {self.band})"
