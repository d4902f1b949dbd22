"""The admin's cohort page. It shows enrolment, matching runs, check-in flags and the survey together,
so it lives in dashboards, above every app it reads; its address is still programmes:cohort-detail
(wired in mentorship/urls.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from closeout.selectors import survey_summary
from enrolment import services as enrolment_services
from mentorship import kept
from mentorship.paging import paginate
from programmes import services as programme_services
from programmes.forms import EnrolmentForm
from programmes.models import Cohort, Enrolment
from programmes.stamps import cohort_page_versions
from submissions.once import submitted_once

from . import cohort_selectors as selectors

manage_required = permission_required("programmes.manage", raise_exception=True)

# The page shows three lists and the overdue pairs at once: ten rows each keep it an overview (the
# review page and the people list, filtered by cohort, show longer pages); at 25 its rows were
# most of its rendering time.
ENROLMENTS_PER_PAGE = 10


@manage_required
@submitted_once
def cohort_detail(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    form = EnrolmentForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The one rule for enrolled or waitlisted, as on every other enrolment path.
            enrolment = enrolment_services.enrolment_add(
                cohort=cohort,
                person=data["person"],
                role=data["role"],
                capacity=data["capacity"] or 1,
                goals=data["goals"],
                goal_areas=data["goal_areas"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _admitted_message(request, enrolment)
            return redirect(cohort)
    # Only a cohort that is not closing: the survey's answers replace no stamp.
    return kept.kept_page(
        request,
        key=f"admin-cohort:v1:{request.user.pk}:{cohort.pk}",
        build=lambda: _cohort_page(request, cohort, form),
        templates=KEPT_TEMPLATES,
        params=dict.fromkeys(LIST_PARAMS, kept.page_number),
        # The cohort and its programme as loaded above: a write to either shows at once.
        depends_on=(kept.rows_digest(cohort),),
        versions={**cohort_page_versions(cohort.pk), selectors.FLAGS_STAMP_KEY: selectors.flags_stamp},
        keep=not cohort.is_closing,
    )


# The page's three lists, each paged on its own.
LIST_PARAMS = ("mentors_page", "mentees_page", "others_page")
KEPT_TEMPLATES = (
    "dashboards/_cohort_detail.html",
    "includes/page_links.html",
    "closeout/_survey_summary.html",
)


def _cohort_page(request, cohort, form) -> kept.Built:
    """What the page shows, read after the stamps it is kept under."""
    # Each list is a page of its own (a cohort can hold thousands): the lists' lengths are the
    # overview's counts by role and status, one GROUP BY rather than a COUNT per list.
    overview = selectors.cohort_overview(cohort)
    mentors = paginate(
        request,
        selectors.cohort_enrolments(cohort, role=Enrolment.Role.MENTOR),
        per_page=ENROLMENTS_PER_PAGE,
        param="mentors_page",
        anchor="mentors-heading",
        count=overview.active(Enrolment.Role.MENTOR),
    )
    mentees = paginate(
        request,
        selectors.cohort_enrolments(cohort, role=Enrolment.Role.MENTEE),
        per_page=ENROLMENTS_PER_PAGE,
        param="mentees_page",
        anchor="mentees-heading",
        count=overview.active(Enrolment.Role.MENTEE),
    )
    others = paginate(
        request,
        selectors.cohort_enrolments(cohort, active=False),
        per_page=ENROLMENTS_PER_PAGE,
        param="others_page",
        anchor="others-heading",
        count=overview.not_active,
    )
    mentors.object_list, mentees.object_list = selectors.with_partners(
        cohort, mentors.object_list, mentees.object_list
    )
    return kept.Built(
        "dashboards/_cohort_detail.html",
        {
            "title": cohort.name,
            "cohort": cohort,
            "form": form,
            "can_enrol": cohort.accepts_enrolment(),
            "overview": overview,
            "mentors": mentors,
            "mentees": mentees,
            "others": others,
            "runs": list(selectors.cohort_match_runs(cohort)),
            "moves": programme_services.moves_from(cohort),
            "survey": survey_summary(cohort) if cohort.is_closing else None,
            "back_url": reverse("programmes:cohort-list"),
            "back_label": _("Cohorts"),
        },
        # The overdue pairs are at most a minute old, as the page says: not kept past that.
        until=overview.overdue_true_until,
    )


def _admitted_message(request, enrolment):
    """The flash after an admin enrols someone (the cohort page): enrolled, or on the waitlist."""
    if enrolment.status == Enrolment.Status.WAITLISTED:
        messages.warning(
            request,
            _("Every mentor place is taken: %(name)s is on the waitlist, after everyone already waiting.")
            % {"name": enrolment.person},
        )
    else:
        messages.success(
            request,
            _("%(name)s enrolled as %(role)s.")
            % {"name": enrolment.person, "role": enrolment.get_role_display().lower()},
        )
