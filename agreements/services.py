"""Writes of agreements and their templates. Every write is one transaction with what it owes
people (notifications.services.notify)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import Pairing
from notifications.services import notify
from people.models import Person
from programmes.models import Programme

from .defaults import KEYS
from .models import Agreement, Role, Signature, TemplateSection
from .selectors import template_of


def role_of(pairing: Pairing, person: Person) -> str:
    """The side `person` is on in `pairing`; PermissionDenied for anyone else."""
    if person is not None and person.pk == pairing.mentor.person_id:
        return Role.MENTOR
    if person is not None and person.pk == pairing.mentee.person_id:
        return Role.MENTEE
    raise PermissionDenied


def _require_writable(pairing: Pairing) -> None:
    if not pairing.is_active:
        raise ValidationError(_("This mentorship has ended; its agreement is read-only."))


def starting_texts(pairing: Pairing) -> dict[str, str]:
    """What an agreement starts with: the programme's template, and the cohort's cadence."""
    texts = {section.key: str(section.text) for section in template_of(pairing.cohort.programme_id)}
    rhythm = ngettext(
        "Our cohort asks pairs to meet every day.",
        "Our cohort asks pairs to meet every %(n)d days.",
        pairing.cohort.cadence_days,
    ) % {"n": pairing.cohort.cadence_days}
    texts["cadence"] = f"{rhythm} {texts['cadence']}".strip()
    return texts


@transaction.atomic
def agreement_save(
    *, pairing: Pairing, by: Person, texts: dict[str, str], version_seen: int | None, sign: bool = False
) -> Agreement:
    """Write the pair's agreement (the first save creates it with the template's headings). A
    change of text after anyone signed clears both signatures and tells the other side to read and
    sign again; `sign` signs the saved version in the same step. `version_seen`: the version the
    form was opened on (None for a new agreement): if someone changed it since, nothing is saved."""
    role = role_of(pairing, by)
    _require_writable(pairing)
    agreement = _locked_agreement(pairing)
    if (agreement.version if agreement else None) != version_seen:
        raise ValidationError(
            _(
                "%(name)s changed the agreement while you were editing it. Your text is below: "
                "read their version on the agreement page before saving yours."
            )
            % {"name": pairing.partner_of(by).full_name}
        )
    now = timezone.now()
    changed = was_signed = False
    if agreement is None:
        headings = {s.key: str(s.heading) for s in template_of(pairing.cohort.programme_id)}
        agreement = Agreement(pairing=pairing, version=1)
        agreement.sections = [{"key": k, "heading": headings[k], "text": texts.get(k, "")} for k in KEYS]
        changed = True
    elif agreement.differs_from(texts):
        was_signed = agreement.is_signed_by_anyone
        agreement.sections = [{**s, "text": texts.get(s["key"], "")} for s in agreement.sections]
        agreement.version += 1
        agreement.mentor_signed_at = agreement.mentee_signed_at = None
        changed = True
    if changed:
        agreement.updated_at, agreement.updated_by = now, by
        agreement.full_clean()
        agreement.save()
    if sign and not agreement.is_signed_by(role):
        _sign(agreement, pairing=pairing, by=by, role=role, now=now)
    if changed and agreement.version > 1 and was_signed:
        _tell_partner(agreement, pairing=pairing, by=by, kind="agreement_changed", actor_signed=sign)
    elif sign and not agreement.is_signed_by_both:
        _tell_partner(agreement, pairing=pairing, by=by, kind="agreement_signed")
    return agreement


@transaction.atomic
def agreement_sign(*, pairing: Pairing, by: Person, version_seen: int) -> Agreement:
    """Sign the version the person read; if it changed meanwhile, nothing is signed. Signing a
    version already signed changes nothing."""
    role = role_of(pairing, by)
    _require_writable(pairing)
    agreement = _locked_agreement(pairing)
    if agreement is None:
        raise ValidationError(_("There is no agreement to sign yet: fill it in first."))
    if agreement.version != version_seen:
        raise ValidationError(
            _("The agreement changed since you opened it. Read this version, then sign it.")
        )
    if not agreement.is_signed_by(role):
        _sign(agreement, pairing=pairing, by=by, role=role, now=timezone.now())
        if not agreement.is_signed_by_both:
            _tell_partner(agreement, pairing=pairing, by=by, kind="agreement_signed")
    return agreement


def _locked_agreement(pairing: Pairing) -> Agreement | None:
    """The pair's agreement, with the pairing's row locked first: two first saves at once would
    otherwise both find no agreement to lock, and the second would fail on the unique pairing."""
    list(Pairing.objects.select_for_update().filter(pk=pairing.pk).values_list("pk", flat=True))
    return Agreement.objects.filter(pairing=pairing).first()


def _sign(agreement: Agreement, *, pairing, by, role, now) -> None:
    signature = Signature(
        agreement=agreement,
        version=agreement.version,
        role=role,
        person=by,
        signed_at=now,
        sections=agreement.sections,
    )
    signature.full_clean()
    signature.save()
    if role == Role.MENTOR:
        agreement.mentor_signed_at = now
    else:
        agreement.mentee_signed_at = now
    agreement.save(update_fields=["mentor_signed_at", "mentee_signed_at"])


def _tell_partner(agreement: Agreement, *, pairing: Pairing, by: Person, kind: str, **context) -> None:
    partner = pairing.partner_of(by)
    notify(
        kind=kind,
        person=partner,
        # Once per version and recipient: a repeated save or sign of the same version tells nobody twice.
        key=f"{kind}:{agreement.pk}:v{agreement.version}:{partner.pk}",
        context={
            "pairing": pairing,
            "partner": by,
            "cohort": pairing.cohort,
            "programme": pairing.cohort.programme,
            "version": agreement.version,
            **context,
        },
        url=agreement.get_absolute_url(),
        actor=by,
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )


@transaction.atomic
def template_save(*, programme: Programme, by: Person | None, sections: dict[str, dict[str, str]]) -> None:
    """Store the programme's own template: `sections` maps each key to its heading, prompt and
    text. Agreements already started keep their text; new ones start from this."""
    now = timezone.now()
    found = {row.key: row for row in TemplateSection.objects.select_for_update().filter(programme=programme)}
    for key in KEYS:
        row = found.get(key) or TemplateSection(programme=programme, key=key)
        row.heading = sections[key]["heading"]
        row.prompt = sections[key]["prompt"]
        row.text = sections[key]["text"]
        row.updated_at, row.updated_by = now, by
        row.full_clean()
        row.save()


@transaction.atomic
def template_reset(*, programme: Programme) -> bool:
    """Back to our default template; False if the programme had none of its own."""
    deleted, _rows = TemplateSection.objects.filter(programme=programme).delete()
    return bool(deleted)
