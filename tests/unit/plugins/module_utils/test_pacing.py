# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Pacer, how it hooks a client, and the worker pool."""

import types

import botocore.awsrequest
import botocore.session
import pytest
from lambda_fakes import REGION
from lambda_fakes import FakeTime

from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import pace


@pytest.mark.parametrize("rate", [1, 3, 10, 15])
def test_pacer_never_lets_more_than_rate_requests_into_any_second(rate):
    time = FakeTime(100.0)
    pacer = Pacer(rate, clock=time.clock, sleep=time.sleep)
    starts = []
    for _request in range(60):
        pacer.wait()
        starts.append(time.now)
        time.now += 0.001  # the request itself
    assert max(sum(1 for t in starts if s <= t < s + 1) for s in starts) == rate
    # ... with a margin of 2% that absorbs jitter between the pacer and the server, and no more.
    assert starts[-1] - starts[0] == pytest.approx(59 * 1.02 / rate)


def test_pacer_never_releases_a_burst_after_a_stall():
    """A request that wakes late still leaves one interval after the previous one left, not at once."""
    time = FakeTime(100.0)

    def overrunning_sleep(seconds):
        time.now += seconds + 0.4  # the process stalled while the thread slept

    pacer = Pacer(10, clock=time.clock, sleep=overrunning_sleep)
    left = []
    for _request in range(8):
        pacer.wait()
        left.append(time.now)
    assert min(b - a for a, b in zip(left, left[1:])) >= 0.102


def test_pacer_lets_a_late_request_go_at_once():
    time = FakeTime(100.0)
    pacer = Pacer(10, clock=time.clock, sleep=time.sleep)
    pacer.wait()
    time.now += 5
    pacer.wait()
    assert time.now == 105.0


def test_pacer_without_a_limit_never_sleeps():
    pacer = Pacer(0, clock=lambda: 0, sleep=lambda seconds: pytest.fail("slept"))
    for _request in range(100):
        pacer.wait()


class _RecordingPacer:
    def __init__(self):
        self.requests = []

    def before_send(self, request, **kwargs):
        self.requests.append(request.url)


class _Body:
    def __init__(self, content):
        self.content = content

    def stream(self, **kwargs):
        yield self.content


def _answer_without_network(request, **kwargs):
    return botocore.awsrequest.AWSResponse(request.url, 200, {}, _Body(b'{"Functions": []}'))


@pytest.mark.parametrize("wrapped", [False, True])
def test_pace_makes_every_request_of_a_real_client_wait_for_the_pacer(wrapped):
    boto_client = botocore.session.get_session().create_client(
        "lambda", region_name=REGION, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
    )
    time = FakeTime(100.0)
    # amazon.aws's AWSRetry wrapper keeps the boto3 client as .client; pace() hooks that one.
    pace(types.SimpleNamespace(client=boto_client) if wrapped else boto_client, Pacer(2, time.clock, time.sleep))
    boto_client.meta.events.register("before-send.lambda", _answer_without_network)
    for _request in range(3):
        boto_client.list_functions()
    assert time.sleeps == [pytest.approx(0.51)] * 2


class _Sent(Exception):
    """Raised by a before-send hook instead of sending: the request got past the pacer."""


def _stop(request, **kwargs):
    raise _Sent(request.url)


def test_pace_hooks_the_clients_own_service():
    boto_client = botocore.session.get_session().create_client(
        "cloudwatch", region_name=REGION, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
    )
    pacer = _RecordingPacer()
    pace(boto_client, pacer)
    boto_client.meta.events.register("before-send.cloudwatch", _stop)
    with pytest.raises(_Sent):
        boto_client.list_metrics()
    assert pacer.requests == ["https://monitoring.us-east-1.amazonaws.com/"]
