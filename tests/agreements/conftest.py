import pytest

from agreements import services
from agreements.defaults import KEYS


def texts(**changes) -> dict[str, str]:
    """A full agreement's text: one line per section, with `changes` (key=text) applied."""
    base = {key: f"Our {key.replace('_', ' ')}." for key in KEYS}
    return {**base, **changes}


def signed_by_both(world, pairing=None):
    """The pair's agreement written and signed by the mentor, then signed by the mentee."""
    pairing = pairing or world.pair
    agreement = services.agreement_save(
        pairing=pairing, by=pairing.mentor.person, texts=texts(), version_seen=None, sign=True
    )
    return services.agreement_sign(pairing=pairing, by=pairing.mentee.person, version_seen=agreement.version)


@pytest.fixture
def both_signed(world, working_hours):
    return signed_by_both(world)
