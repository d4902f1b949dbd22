"""At-risk alerts to a cohort's chat channel (programmes.chat): a flagged check-in, and a pair
silent for twice its cadence. Once per pair and period (the outbox key), in the transaction that
owes them. A post names the pair and links to the pair's flag page, which only programme admins
open; it never carries a check-in's comment, a blocker's words or a private note.
"""

import datetime

from django.db.models import DateField, DurationField, ExpressionWrapper, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import Pairing
from programmes.chat import ChatPost, chat_post, chat_post_many
from programmes.models import Cohort

from .models import CheckIn, MentoringSession

# Silent for this many cadences without a session: an at-risk alert (once overdue is the pair's own
# reminder; twice is when an admin should step in).
SILENT_CADENCES = 2


def _flag_page(pairing: Pairing) -> str:
    return reverse("mentoring_sessions:pairing-flags", args=[pairing.pk])


def _pair(pairing: Pairing) -> dict:
    return {
        "mentor": pairing.mentor.person.full_name,
        "mentee": pairing.mentee.person.full_name,
        "cohort": pairing.cohort.name,
    }


def checkin_flagged_alert(*, checkin: CheckIn):
    """Post that the pair has a flagged check-in, once per pair and pulse period (both members
    flagging the same period is one post; a check-in outside the pulse is its own period). Nothing
    for an answer that flags nothing."""
    if not checkin.flagged:
        return None
    pairing = checkin.pairing
    if not pairing.cohort.posts_to_chat():
        return None
    period = f"p{checkin.period_key}" if checkin.period_key else f"c{checkin.pk}"
    reasons = []
    if checkin.satisfaction <= CheckIn.LOW_SATISFACTION:
        reasons.append(_("low satisfaction"))
    if not checkin.meeting_regularly:
        reasons.append(_("not meeting as planned"))
    if checkin.blockers:
        reasons.append(_("a blocker"))
    text = _(
        "At risk: %(mentor)s (mentor) and %(mentee)s (mentee) in %(cohort)s have a flagged check-in "
        "(%(reasons)s)."
    ) % {**_pair(pairing), "reasons": ", ".join(reasons)}
    return chat_post(
        cohort=pairing.cohort,
        key=f"flagged:{pairing.pk}:{period}",
        text=text,
        link=_flag_page(pairing),
        link_label=_("Open the pair's flags"),
    )


def silent_pairings(*, today: datetime.date):
    """Active pairs of cohorts that post to chat whose last session (or start, never having met) is
    more than SILENT_CADENCES cadences ago; each row has `last_met_on` and its people loaded.
    One query, whatever the number of pairs."""
    latest = MentoringSession.objects.filter(pairing=OuterRef("pk")).order_by("-held_on")
    last_met = Coalesce(Subquery(latest.values("held_on")[:1]), F("started_on"))
    # (An IntegerField, not the column's PositiveSmallIntegerField: SQLite multiplies only those.)
    cadence = ExpressionWrapper(F("cohort__cadence_days"), output_field=IntegerField())
    span = ExpressionWrapper(cadence * datetime.timedelta(days=SILENT_CADENCES), output_field=DurationField())
    return (
        Pairing.objects.filter(status=Pairing.Status.ACTIVE, started_on__isnull=False)
        .exclude(cohort__chat_webhook_url="")
        .exclude(cohort__state=Cohort.State.CLOSED)
        .annotate(last_met_on=last_met)
        .annotate(silent_until=ExpressionWrapper(F("last_met_on") + span, output_field=DateField()))
        .filter(silent_until__lt=today)
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by("pk")
    )


def silent_pairs_alert(*, today: datetime.date | None = None) -> dict[str, int]:
    """Post each silent pair (`silent_pairings`) to its cohort's channel, once per silent stretch
    (keyed by the day they last met, so a new session and a new silence alert again). Fixed query
    count: for the reminder scan. Returns {outbox key: message id}."""
    today = today or timezone.localdate()
    posts = []
    for pairing in silent_pairings(today=today).iterator(chunk_size=2000):
        days = (today - pairing.last_met_on).days
        text = ngettext(
            "At risk: %(mentor)s (mentor) and %(mentee)s (mentee) in %(cohort)s have not met for %(days)d "
            "day, more than twice the cohort's cadence.",
            "At risk: %(mentor)s (mentor) and %(mentee)s (mentee) in %(cohort)s have not met for %(days)d "
            "days, more than twice the cohort's cadence.",
            days,
        ) % {**_pair(pairing), "days": days}
        posts.append(
            ChatPost(
                cohort=pairing.cohort,
                key=f"silent:{pairing.pk}:{pairing.last_met_on.isoformat()}",
                text=text,
                link=_flag_page(pairing),
                link_label=_("Open the pair"),
            )
        )
    return chat_post_many(posts)
