"""Writes for close-out: ending a pairing early, re-matching the mentee, reflections, the survey,
the mentee's thanks.

Every write refuses on a closed cohort: once closed, a cohort's history is read-only. The refusals
are the ones the pages show (closeout.selectors.*_refusal), asked again here under locks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.emails import match_run_emails_owe
from matching.models import Pairing
from matching.services import candidate_for, cohort_scores, explain_pair, pairing_start
from mentorship.history import attribute
from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.notices import actor_of

from . import notices, selectors
from .models import Reflection, SurveyResponse, Thanks


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def pairing_end_early(*, pairing: Pairing, reason: str, by) -> Pairing:
    """End an active pairing before the cohort ends. The mentee is then unmatched and can be re-matched."""
    # Lock the row so two admins ending the same pairing cannot both succeed.
    pairing = Pairing.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=pairing.pk)
    _refuse(selectors.end_refusal(pairing))
    if not reason.strip():
        raise ValidationError(_("Say why the pairing is ending."))
    pairing.status = Pairing.Status.ENDED
    pairing.outcome = Pairing.Outcome.ENDED_EARLY
    pairing.ended_on = timezone.localdate()
    pairing.end_reason = reason.strip()
    pairing.full_clean()
    attribute(pairing, by=by)
    pairing.save(update_fields=["status", "outcome", "ended_on", "end_reason"])
    notices.pairing_reminders_withdraw(pairing=pairing)
    notices.pairing_ended_tell(pairing=pairing, by=actor_of(by))
    return pairing


@transaction.atomic
def pairing_rematch(*, mentee: Enrolment, mentor: Enrolment, by) -> Pairing:
    """Pair an unmatched mentee with a mentor who has a free slot: a new, already published, run with
    one active pairing. Every rule is checked again here, under locks, whatever the page showed."""
    # Locking the cohort serialises re-matches (and match runs) within it, so two admins cannot both
    # give a mentor's last slot away.
    cohort = Cohort.objects.select_for_update().get(pk=mentee.cohort_id)
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=[mentee.pk, mentor.pk], cohort=cohort)
        .select_related("person")
        .prefetch_related(Prefetch("person__interests"), Prefetch("person__skills"), "goal_areas")
    }
    mentee, mentor = enrolments.get(mentee.pk), enrolments.get(mentor.pk)
    if mentee is None or mentee.role != Enrolment.Role.MENTEE:
        raise ValidationError(_("Only a mentee enrolled in this cohort can be re-matched."))
    mentee.cohort = cohort
    _refuse(selectors.rematch_refusal(mentee, active_pairing=selectors.active_pairing_of(mentee)))
    if mentor is None or mentor.role != Enrolment.Role.MENTOR or mentor.status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("Pick a mentor enrolled in this cohort."))
    if mentor.pk in selectors.previous_mentor_ids(mentee):
        raise ValidationError(_("This mentee has already been paired with this mentor."))
    scores, allowed, _reasons = cohort_scores(cohort, [mentee], [mentor])
    if not allowed[0, 0]:
        raise ValidationError(
            _("This mentor is ruled out for this mentee by the cohort's rules or a forbidden pair.")
        )
    if selectors.free_slots(mentor, cohort=cohort) <= 0:
        raise ValidationError(_("%(name)s has no free slot any more.") % {"name": mentor.person.full_name})

    pairing = pairing_start(
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        score=float(scores[0, 0]),
        explanation=explain_pair(cohort, candidate_for(mentee), candidate_for(mentor)),
        by=by,
        taken_message=_("%(name)s was matched by someone else a moment ago; nothing was changed.")
        % {"name": mentee.person.full_name},
    )
    # The mentee hears of their new mentor, the mentor of their new mentee, as a published match.
    match_run_emails_owe(run=pairing.match_run, by=by)
    return pairing


@transaction.atomic
def reflection_save(*, pairing: Pairing, person: Person, achieved: str, learned: str) -> Reflection:
    """Write or rewrite one side's reflection; one per person per pairing."""
    pairing = Pairing.objects.select_related("cohort", "mentor", "mentee").get(pk=pairing.pk)
    if not pairing.has_member(person):
        raise ValidationError(_("Only the two people in a pairing can reflect on it."))
    _refuse(selectors.reflection_refusal(pairing))
    reflection = Reflection.objects.filter(pairing=pairing, person=person).first() or Reflection(
        pairing=pairing, person=person
    )
    reflection.achieved, reflection.learned = achieved, learned
    reflection.full_clean()
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError as exc:  # the same person saving twice at once
        raise ValidationError(_("Your reflection was just saved from elsewhere; reload to edit it.")) from exc
    return reflection


@transaction.atomic
def survey_answer(
    *, cohort: Cohort, person: Person, satisfaction: int, recommend: int, comment: str = ""
) -> SurveyResponse:
    """Answer (or change the answer to) the end-of-cohort survey. The role comes from the enrolment."""
    cohort = Cohort.objects.get(pk=cohort.pk)
    _refuse(selectors.survey_refusal(cohort))
    enrolment = Enrolment.objects.filter(cohort=cohort, person=person, status=Enrolment.Status.ACTIVE).first()
    if enrolment is None:
        raise ValidationError(_("Only people enrolled in this cohort can answer its survey."))
    response = SurveyResponse.objects.filter(cohort=cohort, person=person).first() or SurveyResponse(
        cohort=cohort, person=person
    )
    response.role = enrolment.role
    response.satisfaction, response.recommend, response.comment = satisfaction, recommend, comment
    response.full_clean()
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:
        raise ValidationError(_("Your answer was just saved from elsewhere; reload to edit it.")) from exc
    return response


@transaction.atomic
def thanks_save(*, pairing: Pairing, person: Person, body: str) -> Thanks:
    """Write or rewrite the mentee's thanks to their mentor (one per pairing). The mentor is told
    the first time; an edit is not news (the contribution page shows the words as they are)."""
    # The pairing's row serialises two first saves, so the mentor is told once and one row is kept.
    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .get(pk=pairing.pk)
    )
    if pairing.mentee.person_id != person.pk:
        raise ValidationError(_("Only the mentee of a pairing can thank its mentor."))
    _refuse(selectors.thanks_refusal(pairing))
    thanks = Thanks.objects.filter(pairing=pairing).first()
    first = thanks is None
    thanks = thanks or Thanks(pairing=pairing)
    thanks.body = body.strip()
    thanks.updated_at = timezone.now()
    thanks.full_clean()
    thanks.save()
    if first:
        _thanks_tell(pairing=pairing)
    return thanks


def _thanks_tell(*, pairing: Pairing) -> None:
    from notifications.services import notify

    mentor, mentee = pairing.members()
    notify(
        kind="thanks_received",
        person=mentor,
        key=f"thanks:{pairing.pk}",
        context={"cohort": pairing.cohort, "programme": pairing.cohort.programme, "pairing": pairing},
        url=reverse("closeout:contribution"),
        actor=mentee,
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )
