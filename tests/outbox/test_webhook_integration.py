"""A chat post on real servers (PostgreSQL, Redis, a Celery worker and beat in their own processes,
a webhook stand-in on loopback): refused with 429, it is posted again by beat's sweep once its
Retry-After has passed, and arrives once; refused with 400, it fails at once and stays failed."""

import os
import time

import pytest
from django.db import transaction

from outbox import services, webhooks
from outbox.models import Message
from tests.outbox.test_delivery_integration import web_publishes_to, worker_env  # noqa: F401 - a fixture
from tests.realservers import WebhookServer, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),  # the worker must see committed rows
    pytest.mark.timeout(240),
]


def _owe(server, key):
    with transaction.atomic():
        return services.post_enqueue(
            services.OwedPost(
                key=key,
                kind="chat:test",
                channel=webhooks.SLACK,
                endpoint=server.url(f"/services/T1/B1/{key}"),
                text=f"Post {key}",
            )
        )


def test_a_post_refused_with_429_arrives_once_after_retry_after_and_a_400_fails(
    celery_processes,
    web_publishes_to,  # noqa: F811 - the fixture imported above
):
    redis_url = os.environ["REDIS_URL"]
    env = worker_env(redis_url=redis_url, smtp_port=1)
    web_publishes_to(redis_url)
    with WebhookServer() as server:
        server.script = [(429, {"Retry-After": "2"}, 0)]
        celery_processes.start_worker(env)
        celery_processes.start_beat(env)
        try:
            assert wait_until(
                lambda: " ready." in celery_processes.log("worker"), timeout=30, processes=celery_processes
            )
            limited = _owe(server, "limited")
            assert wait_until(
                lambda: Message.objects.get(pk=limited.pk).status == Message.Status.SENT,
                timeout=60,
                processes=celery_processes,
            )
            server.script = [(400, {}, 0)]
            refused = _owe(server, "refused")
            assert wait_until(
                lambda: Message.objects.get(pk=refused.pk).status == Message.Status.FAILED,
                timeout=30,
                processes=celery_processes,
            )
            time.sleep(4)  # a later sweep would have posted either again by now
            paths = [path for path, _body in server.requests]
            assert paths == ["/services/T1/B1/limited"] * 2 + ["/services/T1/B1/refused"]
            limited.refresh_from_db()
            refused.refresh_from_db()
            assert (limited.attempts, limited.last_error) == (2, "HTTP 429: invalid_payload")
            assert (refused.attempts, refused.last_error) == (1, "HTTP 400: invalid_payload")
        except BaseException:
            celery_processes.dump_logs()
            raise
