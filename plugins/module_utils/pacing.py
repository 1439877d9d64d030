# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How fast a task calls Lambda: the shared Pacer, how it hooks a client, and the bounded worker pool.

Lambda's control-plane quota (15 requests per second per account and region) is shared by every caller.
Every HTTP request of a task, retries and pages included, first waits for one Pacer; units of work (a
function's configs, or one function of a region audit) run on up to ``workers`` threads sharing it. It imports
nothing of the project.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

# The pacer spaces requests 2% wider than the rate asks: jitter between the pacer and the server then
# never brings one request more than the rate into any one-second window.
_JITTER_MARGIN = 1.02


class Pacer:
    """Lets requests leave at least ``1.02 / rate`` seconds apart, across every thread that shares it.

    Lambda's control-plane quota (15 requests per second per account and region) is shared by every
    caller, so a task keeps below it instead of throttling itself and everything else in the account.
    The spacing is measured from when the previous request actually left, and a thread that slept
    checks again when it wakes, so a stalled process never releases a burst of requests at once.
    ``rate`` 0 (or None) lifts the limit. ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = _JITTER_MARGIN / rate if rate else 0.0
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._last = None

    def wait(self):
        """Return when this request may leave: one interval after the previous one left."""
        while self.interval:
            with self._lock:
                now = self.clock()
                if self._last is None or now >= self._last + self.interval:
                    self._last = now
                    return
                delay = self._last + self.interval - now
            self.sleep(delay)

    def before_send(self, **kwargs):
        """botocore's before-send hook; returning None lets the request go."""
        self.wait()


def pace(client, pacer):
    """Make every HTTP request of ``client``, retries and pages included, wait for ``pacer`` first.

    Lambda's client gets the Pacer of Lambda's quota; the clients of the reads around destinations (IAM,
    SQS, SNS, S3, EventBridge, CloudWatch), which do not count against it, share a second one.
    """
    boto_client = getattr(client, "client", client)  # amazon.aws wraps the boto3 client for AWSRetry
    service = boto_client.meta.service_model.service_id.hyphenize()
    boto_client.meta.events.register(f"before-send.{service}", pacer.before_send)


def map_units(work, units, workers):
    """``[work(unit) for unit in units]``, on up to ``workers`` threads, in the order of ``units``."""
    if workers > 1 and len(units) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, len(units))) as pool:
            return list(pool.map(work, units))
    return [work(unit) for unit in units]
