import rules
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from people.roles import person_of

from . import selectors


def home(request):
    """Each role's part of the day: a member's to-do list, what needs a programme admin's attention,
    a manager's dashboard headline. Someone with several roles sees each part."""
    user, today = request.user, timezone.localdate()
    person = person_of(user)
    context = {"title": _("Home"), "today": today}
    if person is not None:
        context["member"] = selectors.member_home(person, today=today)
    if rules.has_perm("programmes.manage", user):
        context["attention"] = selectors.admin_attention(today=today)
    if rules.has_perm("home.view_team_headline", user):
        context["headline"] = selectors.manager_headline(user)
    return render(request, "home/home.html", context)
