"""MatchRun's state moves out of sentinel values (step 2 of 3): each row gets the status, timestamps,
error and notification claim its sentinels meant; accepted mentee requests gather in one run per
cohort."""

import datetime

from django.db import migrations, models

# Sentinels of 0003: a background run's placeholder was RUNNING at progress 0 (queued) or 1 (claimed);
# a published run's progress went from 100 to 101 when its emails were claimed.
QUEUED, CLAIMED, NOTIFIED = 0, 1, 101
LEASE = datetime.timedelta(minutes=30)


def from_sentinels(apps, schema_editor):
    MatchRun = apps.get_model("matching", "MatchRun")
    Pairing = apps.get_model("matching", "Pairing")
    MentorRequest = apps.get_model("matching", "MentorRequest")

    busy_cohorts = set()
    pointers = []
    for run in MatchRun.objects.order_by("-created_at", "-pk"):
        quality = run.quality if isinstance(run.quality, dict) else {}
        if "result_run_id" in quality:
            pointers.append(run)
            continue
        if run.status == "running":
            if run.cohort_id in busy_cohorts:
                # Only one background run per cohort may be in progress; older ones were stuck.
                run.status, run.error = "failed", "Matching was started again before this run finished."
                run.finished_at = run.created_at
            else:
                busy_cohorts.add(run.cohort_id)
                run.status = "queued" if run.progress == QUEUED else "running"
                run.started_at = None if run.progress == QUEUED else run.created_at
                # Expired already if it has been waiting that long: the sweep then marks it failed.
                run.lease_expires_at = run.created_at + LEASE
        elif run.status == "failed":
            run.error = quality.get("error") or "Matching failed."
            run.quality = {}
            run.finished_at = run.created_at
        else:
            run.finished_at = run.created_at
            if run.status == "published" and run.progress == NOTIFIED:
                run.notified_at = run.published_at
        run.save()

    for run in pointers:
        # A finished placeholder carried no pairs, only a pointer to the run the matcher made;
        # that run now tells its own story (started and finished), so the pointer row goes.
        MatchRun.objects.filter(pk=run.quality["result_run_id"]).update(
            started_at=run.created_at, finished_at=models.F("created_at")
        )
        run.delete()

    # Each accepted mentee request made a one-pair published run; gather them in one run per cohort.
    accepted = MentorRequest.objects.filter(status="accepted").values_list(
        "cohort_id", "mentee_id", "mentor_id"
    )
    chosen: dict[int, list[int]] = {}
    for cohort_id, mentee_id, mentor_id in accepted:
        pairing = (
            Pairing.objects.filter(cohort_id=cohort_id, mentee_id=mentee_id, mentor_id=mentor_id)
            .order_by("-pk")
            .first()
        )
        if pairing is not None and Pairing.objects.filter(match_run_id=pairing.match_run_id).count() == 1:
            chosen.setdefault(cohort_id, []).append(pairing.match_run_id)
    for run_ids in chosen.values():
        keep, *rest = sorted(set(run_ids))
        MatchRun.objects.filter(pk=keep).update(kind="choice")
        Pairing.objects.filter(match_run_id__in=rest).update(match_run_id=keep)
        MatchRun.objects.filter(pk__in=rest).delete()
    # The other one-pair published runs without figures were re-matches.
    for run in MatchRun.objects.filter(kind="matcher", status="published", quality={}):
        if Pairing.objects.filter(match_run=run).count() == 1:
            run.kind = "single"
            run.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_matchrun_status_timestamps_lease"),
    ]

    operations = [
        migrations.RunPython(from_sentinels, migrations.RunPython.noop),
    ]
