"""The demo's messages: a few notifications for each demo login (some unread), one wording the
programme wrote for itself, and a message log for the active cohort that shows every state an
email can be in (sent, held for working hours, failed with the reason, cancelled). Written in bulk,
so the demo stays fast at any size."""

import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from notifications.models import Notification
from notifications.services import wording_save
from outbox.models import Message
from people.models import Person
from programmes.models import Cohort, Programme

# The programme's own wording of the check-in reminder (placeholders only: notifications.wording).
CHECK_IN_WORDING = (
    "{first_name}, time for your next mentoring chat?",
    "Hi {first_name},\n\n"
    "A short catch-up keeps your pairing in {cohort} going: fifteen minutes between queues is "
    "enough. Pick one ticket from this week that surprised you and talk it through.\n\n"
    "Open your pairing: {link}\n\n"
    "The {programme} team",
)


def seed_notifications(*, programme: Programme, cohort: Cohort, users: dict[str, User], now=None) -> dict:
    """Returns counts for the seed command to print."""
    now = now or timezone.now()
    people = {
        p.user.username: p for p in Person.objects.filter(user__in=users.values()).select_related("user")
    }
    admin = people.get("admin")
    pair = (
        Pairing.objects.filter(cohort=cohort, mentee__person=people.get("mentee"))
        .select_related("mentor__person", "mentee__person")
        .first()
    )
    pair2 = Pairing.objects.filter(cohort=cohort, mentee__person=people.get("mentee2")).first()
    workspace = pair.get_absolute_url() if pair else reverse("mentoring_sessions:pairing-list")
    workspace2 = pair2.get_absolute_url() if pair2 else reverse("mentoring_sessions:pairing-list")
    mentor_name = pair.mentor.person.full_name if pair else "your mentor"
    mentee_name = pair.mentee.person.full_name if pair else "your mentee"
    hours = datetime.timedelta(hours=1)

    # (login, kind, title, url, hours ago, read)
    planned = [
        ("mentee", "match_published", f"Meet your mentor: {mentor_name}", workspace, 24 * 90, True),
        ("mentee", "session_upcoming", f"Tomorrow: your session with {mentor_name}", workspace, 20, True),
        (
            "mentee",
            "goal_due",
            "Goal due in 2 days: First-contact resolution on billing tickets",
            workspace,
            5,
            False,
        ),
        ("mentee", "pulse", "How is your mentoring going? One click to answer", workspace, 2, False),
        ("mentor", "match_published", f"Your mentee in {cohort.name}", workspace, 24 * 90, True),
        ("mentor", "check_in_due", f"It's been 15 days since you met {mentee_name}", workspace, 26, False),
        ("mentor", "action_item_due", "Due today: Share the refund macro checklist", workspace, 3, False),
        ("mentee2", "check_in_due", "Time for your next mentoring chat?", workspace2, 8, False),
        ("mentee2", "enrolled", f"You are enrolled in {cohort.name}", workspace2, 24 * 95, True),
        (
            "admin",
            "check_in_overdue",
            "3 pairs have not met for twice their cadence",
            reverse("dashboards:health"),
            4,
            False,
        ),
        ("admin", "admin_digest", "Week digest: pairs that need you", reverse("dashboards:health"), 30, True),
        (
            "manager",
            "manager_digest",
            "Your teams' mentoring this month",
            reverse("dashboards:overview"),
            50,
            False,
        ),
    ]
    rows = [
        Notification(
            person=people[login],
            kind=kind,
            key=f"demo:{kind}:{people[login].pk}:{n}",
            title=title,
            url=url,
            actor=admin if kind in ("match_published", "enrolled") else None,
            programme_id=programme.pk,
            cohort_id=cohort.pk,
            created_at=now - ago * hours,
            read_at=(now - ago * hours + hours) if read else None,
        )
        for n, (login, kind, title, url, ago, read) in enumerate(planned)
        if login in people
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    _count_unread([p.pk for p in people.values()])

    wording_save(
        programme_id=programme.pk,
        kind="check_in_due",
        subject=CHECK_IN_WORDING[0],
        text=CHECK_IN_WORDING[1],
        by=admin,
    )

    to = {login: person.email for login, person in people.items() if person.email}
    tomorrow_morning = (now + datetime.timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    log = [
        # (key part, kind, to, subject, status, fields)
        (
            "sent",
            "check_in_due",
            to.get("mentor"),
            CHECK_IN_WORDING[0].format(
                first_name=people["mentor"].first_name if "mentor" in people else "Omar"
            ),
            "sent",
            {"sent_at": now - 26 * hours, "attempts": 1},
        ),
        (
            "held",
            "pulse_check_in",
            to.get("mentee"),
            "How is your mentoring going?",
            "pending",
            {"next_attempt_at": tomorrow_morning},
        ),
        (
            "failed",
            "session_upcoming",
            to.get("mentee2"),
            "Tomorrow: your mentoring session",
            "failed",
            {"attempts": 5, "last_error": "SMTPRecipientsRefused: 550 mailbox unavailable"},
        ),
        (
            "cancelled",
            "action_item_due",
            to.get("mentee"),
            "Due tomorrow: Read the tone guide",
            "cancelled",
            {},
        ),
    ]
    messages = [
        Message(
            key=f"demo:log:{cohort.pk}:{part}",
            kind=kind,
            to=address,
            subject=subject,
            text=subject,
            cohort_id=cohort.pk,
            status=status,
            created_at=now - 26 * hours,
            **fields,
        )
        for part, kind, address, subject, status, fields in log
        if address
    ]
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return {"notifications": len(rows), "messages_in_log": len(messages)}


def _count_unread(person_ids: list[int]) -> None:
    counts = dict(
        Notification.objects.filter(person_id__in=person_ids, read_at__isnull=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    for person_id in person_ids:
        Person.objects.filter(Q(pk=person_id)).update(unread_notifications=counts.get(person_id, 0))
