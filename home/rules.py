"""Who sees which part of the home page (the roles' predicates are people/rules.py's)."""

import rules

from people.rules import is_manager

# A manager's home leads with their dashboard's headline (their teams, in aggregate).
rules.add_perm("home.view_team_headline", is_manager)
