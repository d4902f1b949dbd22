"""Demo mentoring agreements (issue 11) for the active cohort's pairs: most signed by both a few days
after they started; the demo mentee's signed by the mentor only (so the mentee has one to sign);
one other pair has written nothing a week on, so the admins' list of unsigned agreements shows it.
The closed cohort's pairs predate agreements and have none. Written with bulk_create: two
statements whatever the size."""

from __future__ import annotations

import datetime

from agreements import selectors, services
from agreements.models import Agreement, Role, Signature

BATCH_SIZE = 2000


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def write_agreements(pairs, *, today: datetime.date) -> dict:
    """`pairs`: the active cohort's (pairing, mentor login, mentee login), started a week ago or more."""
    if not pairs:
        return {"agreements": 0}
    texts = services.starting_texts(pairs[0][0])
    headings = [(s.key, str(s.heading)) for s in selectors.template_of(pairs[0][0].cohort.programme_id)]
    # The one pair left unsigned: the first that involves no demo login.
    unsigned = next((p for p, mentor, mentee in pairs if not mentor and not mentee), None)
    agreements, signatures = [], []
    for pairing, _mentor_login, mentee_login in pairs:
        if pairing is unsigned:
            continue
        written = min(pairing.started_on + datetime.timedelta(days=2), today)
        signed = min(pairing.started_on + datetime.timedelta(days=4), today)
        sections = [{"key": key, "heading": heading, "text": texts[key]} for key, heading in headings]
        agreement = Agreement(
            pairing=pairing,
            sections=sections,
            version=1,
            updated_at=_at(written, 10),
            updated_by=pairing.mentor.person,
            mentor_signed_at=_at(written, 10),
            # The demo mentee has theirs to sign.
            mentee_signed_at=None if mentee_login == "mentee" else _at(signed, 15),
        )
        agreements.append(agreement)
        signatures.append(
            Signature(
                agreement=agreement,
                version=1,
                role=Role.MENTOR,
                person=pairing.mentor.person,
                signed_at=agreement.mentor_signed_at,
                sections=sections,
            )
        )
        if agreement.mentee_signed_at:
            signatures.append(
                Signature(
                    agreement=agreement,
                    version=1,
                    role=Role.MENTEE,
                    person=pairing.mentee.person,
                    signed_at=agreement.mentee_signed_at,
                    sections=sections,
                )
            )
    Agreement.objects.bulk_create(agreements, batch_size=BATCH_SIZE)
    Signature.objects.bulk_create(signatures, batch_size=BATCH_SIZE)
    return {"agreements": len(agreements)}
