from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from .models import Person


@permission_required("programmes.manage", raise_exception=True)
def person_list(request):
    people = Person.objects.select_related("team", "manager").order_by("full_name", "pk")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"title": _("People"), "page": page})
