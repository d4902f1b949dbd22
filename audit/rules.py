"""Who reads history: programme admins only (it names every person who changed anything)."""

import rules

from people.rules import is_programme_admin

rules.add_perm("audit.view_history", is_programme_admin)
