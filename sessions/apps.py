from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringSessionsConfig(AppConfig):
    name = "sessions"
    # Django's own session framework already owns the label "sessions".
    label = "mentoring_sessions"
    verbose_name = _("Mentoring sessions")

    def ready(self):
        from matching import stamps

        from . import models

        stamps.connect(
            [
                models.ScheduledSession,
                models.MentoringSession,
                models.Goal,
                models.CheckIn,
                models.SessionPrivateNote,
                models.ActionItem,
                models.GoalUpdate,
                models.Milestone,
                models.GoalComment,
                models.FlagResolution,
                models.PairMessage,
            ]
        )
