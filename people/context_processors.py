import rules

from .roles import person_of


def roles(request):
    """Navigation flags; each comes from the permission layer in people/rules.py. Asked of `rules`
    directly: `user.has_perm` would also ask Django's model backend, which loads the user's and
    their groups' database permissions (two queries on every page) for rules that never use them."""
    user = request.user
    return {
        "can_manage_programmes": rules.has_perm("programmes.manage", user),
        "can_view_dashboard": rules.has_perm("dashboards.view", user),
        "has_pairings": rules.has_perm("mentoring_sessions.view_own_pairings", user),
        "current_person": person_of(user),
    }
