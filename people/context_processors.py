from .roles import person_of


def roles(request):
    """Navigation flags; each comes from the permission layer in people/rules.py."""
    user = request.user
    return {
        "can_manage_programmes": user.has_perm("programmes.manage"),
        "can_view_dashboard": user.has_perm("dashboards.view"),
        "has_pairings": user.has_perm("mentoring_sessions.view_own_pairings"),
        "current_person": person_of(user),
    }
