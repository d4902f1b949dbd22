import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from agreements import services
from agreements.models import Agreement
from tests.agreements.conftest import texts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_sides_writing_the_first_version_at_once_keep_one_and_tell_the_other_in_words(world):
    start = threading.Barrier(2)
    results, errors = [], []

    def write(person, words):
        try:
            start.wait()
            results.append(
                services.agreement_save(
                    pairing=world.pair, by=person, texts=texts(cadence=words), version_seen=None, sign=True
                )
            )
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(world.mentor, "Mondays")),
        threading.Thread(target=write, args=(world.mentee, "Fridays")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 1 and len(errors) == 1
    assert "changed the agreement while you were editing it" in str(errors[0])
    agreement = Agreement.objects.get()
    assert agreement.version == 1 and agreement.text_of("cadence") in ("Mondays", "Fridays")
