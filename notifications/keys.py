"""The keys of reminder notices that an app below reminders must find again: the owner of an action
item, a goal or a pairing withdraws what is still waiting about it, in the transaction that closes
it (notifications.services.notices_withdraw). Reminders builds its keys from the same functions, so
the two cannot drift apart.

A reminder's key is `reminder:<kind>:<target>:<period>` (reminders.services.reminder_key); a pulse's
is `pulse:<pairing>:<person>:<period>` (reminders.services.pulse_key)."""


def action_item_target(*, item_id: int, person_id: int) -> str:
    return f"action_item:{item_id}/person:{person_id}"


def goal_target(*, goal_id: int, person_id: int) -> str:
    return f"goal:{goal_id}/person:{person_id}"


def check_in_target(*, pairing_id: int, person_id: int) -> str:
    return f"pairing:{pairing_id}/person:{person_id}"


def scheduled_session_target(*, scheduled_id: int, person_id: int) -> str:
    return f"scheduled:{scheduled_id}/person:{person_id}"


def about_scheduled_session(scheduled_id: int) -> list[str]:
    """Key prefixes of the "session tomorrow" reminders of one planned session (any planned time)."""
    return [f"reminder:session_upcoming:scheduled:{scheduled_id}/"]


def about_action_item(item_id: int) -> list[str]:
    """Key prefixes of the reminders owed about one action item (due soon, overdue)."""
    return [f"reminder:action_item_due:action_item:{item_id}/"]


def about_goal(goal_id: int) -> list[str]:
    return [f"reminder:goal_due:goal:{goal_id}/"]


def about_pairing(pairing_id: int, *, action_item_ids=(), goal_ids=(), scheduled_ids=()) -> list[str]:
    """Key prefixes of the reminders owed to a pairing's members: its check-ins, its pulses, and
    those about the action items, goals and planned sessions given."""
    return [
        f"reminder:check_in:pairing:{pairing_id}/",
        f"pulse:{pairing_id}:",
        *(prefix for item_id in action_item_ids for prefix in about_action_item(item_id)),
        *(prefix for goal_id in goal_ids for prefix in about_goal(goal_id)),
        *(prefix for scheduled_id in scheduled_ids for prefix in about_scheduled_session(scheduled_id)),
    ]
