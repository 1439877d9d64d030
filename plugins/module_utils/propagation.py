# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM propagation: how long a config write waits for a rejected destination.

Lambda refuses a destination its execution role may not use, and it refuses one while a new permission is still
reaching Lambda (seconds to a couple of minutes). A write whose destination AWS rejects is tried again after pauses
of 1, 2, 4 and 8 seconds, then 15 seconds each, until that destination's retry window ends: the window opens at the
destination's first rejection in the task and lasts ``destination_retry_timeout`` seconds, shared by every write
that sends to it. A destination that does not exist in the caller's account fails its writes at once.
"""

import threading
import time

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import required_permission

MAX_DELAY = 15


def _nothing_missing(arn):
    return False


class DestinationWindows:
    """The retry window of each rejected destination, shared by every write of a task.

    The first rejection of a destination opens its window (destination_retry_timeout long), and every write
    rejected for that destination retries only until that window ends, instead of waiting a whole window of its
    own. ``missing(arn)`` tells whether a rejected destination does not exist in the caller's account (a read,
    made once per destination): no permission can propagate to it, so its writes fail at once.
    """

    def __init__(self, missing=None):
        self._ends = {}
        self._lock = threading.Lock()
        self.missing = missing if missing is not None else _nothing_missing

    def end(self, rejected, now, timeout):
        """When the window of the ``rejected`` destinations ends; opens the window of each not yet rejected.

        A write without destinations that AWS rejects all the same has a window of its own.
        """
        with self._lock:
            return min((self._ends.setdefault(arn, now + timeout) for arn in rejected), default=now + timeout)

    def close(self, rejected, now):
        """End the window of the ``rejected`` destinations now: a write gave up on them."""
        with self._lock:
            for arn in rejected:
                self._ends[arn] = now


def _seconds(seconds):
    whole = round(seconds)
    return "1 second" if whole == 1 else f"{whole} seconds"


def _destination_advice(destinations, attempts, waited, shared):
    needs = []
    for arn in destinations:
        needs.append("{0} on {1}".format(required_permission(arn) or "permission to deliver", arn))
    if shared:
        tried = "AWS rejected the destination, whose retry window already ran out for another config of this task"
    elif attempts == 1:
        tried = "AWS rejected the destination and destination_retry_timeout left no time to retry"
    else:
        tried = f"AWS still rejected the destination after {attempts} attempts over {_seconds(waited)}"
    return (
        f"{tried}. Check that each destination exists and that the function's execution role allows "
        f"{'; '.join(needs) or 'delivery to it'}. IAM changes can take a minute or two to reach Lambda: "
        "raise destination_retry_timeout to wait longer"
    )


def _missing_advice(destinations):
    return (
        f"The destination {' and '.join(destinations)} does not exist in this account (read after AWS rejected it), "
        "so waiting for IAM changes would not help: create it first, or fix the destination ARN"
    )


def write_config(
    client, target, action, params, *, destinations, retry_timeout, windows, sleep=time.sleep, clock=time.monotonic
):
    """lambda_api.write_once() until AWS accepts the write's destinations or their window (``windows``, the task's
    DestinationWindows) ends, ``retry_timeout`` seconds after their first rejection in the task; then the error
    says how long it waited, and names each destination and the permission the execution role needs for it.
    Returns the config as AWS returns it."""
    started = clock()
    first = None  # when AWS first rejected this write; its window is counted in pauses from there
    delay = 1
    paused = 0
    attempts = 0
    while True:
        attempts += 1
        try:
            return lambda_api.write_once(client, target, action, params)
        except lambda_api.DestinationRejected as rejection:
            now = clock()
            first = now if first is None else first
            rejected = rejection.rejected(destinations)
            gone = [arn for arn in rejected if windows.missing(arn)]
            if gone:
                lambda_api.fail(action, target, rejection.exception, _missing_advice(gone))
            end = windows.end(rejected, first, retry_timeout)
            if first + paused + delay > end:
                windows.close(rejected, now)
                shared = attempts == 1 and end < now + retry_timeout
                advice = _destination_advice(destinations, attempts, now - started, shared)
                lambda_api.fail(action, target, rejection.exception, advice)
        sleep(delay)
        paused += delay
        delay = min(delay * 2, MAX_DELAY)
