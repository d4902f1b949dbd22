"""A small RFC 5545 writer for one meeting: enough for calendars to add, update and cancel it.

The event keeps the ScheduledSession's UID for life and carries its `sequence`, so a reschedule or a
cancellation replaces the event in the attendees' calendars instead of adding a second one.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import ScheduledSession

PRODID = "-//Mentorship//Sessions//EN"


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon and comma escaped, newlines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space (3.1).

    Splits on octets but never inside a multi-byte UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74  # continuation lines start with a space, which counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def uid_for(scheduled: ScheduledSession) -> str:
    return f"{scheduled.uid}@mentorship"


def workspace_url(scheduled: ScheduledSession) -> str:
    path = reverse("mentoring_sessions:pairing-detail", args=[scheduled.pairing_id])
    return settings.SITE_URL.rstrip("/") + path


def invite_ics(scheduled: ScheduledSession, *, now: datetime.datetime | None = None) -> str:
    """The calendar file for a scheduled session: a REQUEST, or a CANCEL once it is cancelled."""
    pairing = scheduled.pairing
    mentor, mentee = pairing.members()
    cancelled = scheduled.cancelled_at is not None
    ends_at = scheduled.starts_at + datetime.timedelta(minutes=scheduled.duration_minutes)
    url = workspace_url(scheduled)
    description = scheduled.agenda.strip()
    description = f"{description}\n\nWorkspace: {url}" if description else f"Workspace: {url}"
    organizer = scheduled.created_by
    summary = f"Mentoring: {mentor.full_name} and {mentee.full_name}"

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{uid_for(scheduled)}",
        f"DTSTAMP:{utc_stamp(now or timezone.now())}",
        f"DTSTART:{utc_stamp(scheduled.starts_at)}",
        f"DTEND:{utc_stamp(ends_at)}",
        f"SEQUENCE:{scheduled.sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
    ]
    if organizer.email:
        lines.append(f"ORGANIZER;CN={_param(organizer.full_name)}:mailto:{organizer.email}")
    for person in (mentor, mentee):
        if person.email:
            lines.append(
                f"ATTENDEE;CN={_param(person.full_name)};ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{person.email}"
            )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def _param(value: str) -> str:
    """A parameter value (3.2): quoted, with the characters a quoted value cannot hold removed."""
    return '"' + value.replace('"', "").replace("\r", " ").replace("\n", " ") + '"'
