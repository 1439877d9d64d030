# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Converging event invoke configs: reads, plans, writes and results, for one config or hundreds.

A task's configs are Requests (see event_invoke_config), all validated before this runs. They are
grouped per function, and each function is one unit of work: read its configs (one Get when the task
names one of its qualifiers, one List of all pages when it names several or purges), plan every
request, then make the writes one after another, since Lambda answers ResourceConflictException to
parallel writes on one function. Units of different functions run concurrently on a small pool of
worker threads sharing one client (boto3 clients are thread-safe), and every HTTP request first waits
for one shared Pacer. A single task is a fleet of one and takes the same path.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import refuse_self_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import group_by_function
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import options_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import plan_change
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import plan_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import purge_qualifiers
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import unmanaged_warnings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import ABSENT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import SIDES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import Request

# The pacer spaces requests 2% wider than the rate asks: jitter between the pacer and the server then
# never brings one request more than the rate into any one-second window.
_JITTER_MARGIN = 1.02

# How many failures a fleet task's msg spells out; configs holds every one of them.
SHOWN_FAILURES = 10


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


class Outcome:
    """What happened to one config: the task reports one per item, in the task's order, then purges."""

    def __init__(self, request, purged=False):
        self.request = request
        self.purged = purged
        self.changed = False
        self.before = None
        self.after = None
        self.config = {}
        self.error = None
        self.warnings = []

    def describe(self):
        return self.request.target.describe()

    def message(self):
        """The error as one line: what failed, what to do, and AWS's own answer when there is one."""
        if isinstance(self.error, InvalidOptionError):
            return f"{self.describe()}: {self.error}"
        if self.error.exception is not None:
            return f"{self.error.message}: {self.error.exception}"
        return self.error.message

    def diff(self):
        return dict(before=options_view(self.before), after=options_view(self.after))

    def result(self):
        target = self.request.target
        result = dict(
            function_name=target.name,
            qualifier=target.key_qualifier,
            state=self.request.state,
            changed=self.changed,
            event_invoke_config=self.config,
        )
        if self.purged:
            result["purged"] = True
        if self.error is not None:
            result.update(failed=True, msg=self.message())
        return result


def failure_message(outcomes, check_mode):
    """The msg of a fleet task with failed outcomes: counts, then the first failures.

    An error shared by several outcomes (a function-level failure) is told once, with the qualifiers it
    stopped; with many failures the msg stays readable and ``configs`` holds each failed item's msg.
    """
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    by_error = {}
    for outcome in failed:
        by_error.setdefault(id(outcome.error), []).append(outcome)
    details = []
    for group in by_error.values():
        detail = group[0].message()
        if len(group) > 1:
            detail += " (qualifiers " + ", ".join(o.request.target.key_qualifier for o in group) + ")"
        details.append(f"[{detail}]")
    if len(failed) == len(outcomes):
        head = f"All {len(failed)} configs failed"
    else:
        others = "the others were checked; check mode changed nothing" if check_mode else "the others were applied"
        head = f"{len(failed)} of {len(outcomes)} configs failed; {others}"
    message = f"{head}. " + " ".join(details[:SHOWN_FAILURES])
    if len(details) > SHOWN_FAILURES:
        message += f" ... and {len(details) - SHOWN_FAILURES} more; configs gives the msg of every failed item."
    return message


def _read(client, requests, purge):
    """The configs of one function, by qualifier, and whether AWS said that the function does not exist."""
    if len(requests) == 1 and not purge:
        target = requests[0].target
        config = lambda_api.get_config(client, target)
        return ({target.key_qualifier: config} if config else {}), False
    configs = lambda_api.list_configs(client, requests[0].target.given_name)
    if configs is None:
        return {}, True
    return {qualifier_from_arn(config["FunctionArn"]): config for config in configs}, False


def _refuse_self_destinations(request, function_arn):
    """Refuse a managed destination that is the function itself, once AWS has named its account."""
    if function_arn is None:
        return  # a bare name and nothing read yet: AWS's own answer decides (lambda_api translates it)
    target = request.target.with_identity_of(function_arn)
    for side in SIDES:
        if request.managed.get(side):
            refuse_self_destination(side, request.managed[side], target)


def _write(client, request, plan, windows):
    """Apply a put or update plan; returns the config AWS returns (no read-after-write)."""
    config = _send(client, request, plan, windows)
    if config is None:
        # The Update found the config deleted since the read: re-create it from what the task asks
        # for, not from the settings that were deleted.
        config = _send(client, request, plan_change(None, request.managed), windows)
    return config


def _send(client, request, plan, windows):
    return lambda_api.write_config(
        client,
        request.target,
        plan.action,
        plan.params,
        destinations=[plan.after[side] for side in SIDES if plan.after[side]],
        retry_timeout=request.retry_timeout,
        windows=windows,
    )


def _converge_one(client, outcome, current_config, known_arn, *, check_mode, missing, windows):
    request = outcome.request
    current = settings_from_api(current_config)
    plan = plan_request(request, current)
    outcome.before = current
    outcome.warnings = unmanaged_warnings(request, current)
    if plan.action == "none":
        outcome.after = current
        outcome.config = result_from_api(current_config)
        return
    if missing is not None:
        raise missing
    if plan.action == "delete":
        if not check_mode:
            lambda_api.delete_config(client, request.target)
        # The config the task read is gone, also when the Delete found it already removed.
        outcome.changed = True
        return
    function_arn = (current_config or {}).get("FunctionArn")
    if function_arn is None and check_mode:
        function_arn = lambda_api.function_arn(client, request.target)
    _refuse_self_destinations(request, function_arn or known_arn)
    if check_mode:
        outcome.after = plan.after
        outcome.config = result_view(plan.after, function_arn)
    else:
        config = _write(client, request, plan, windows)
        outcome.after = settings_from_api(config)
        outcome.config = result_from_api(config)
    outcome.changed = True


def _converge_function(client, requests, check_mode, purge, windows):
    """One function's unit of work: its outcomes in the order of ``requests``, then its purges."""
    outcomes = [Outcome(request) for request in requests]
    try:
        configs, function_missing = _read(client, requests, purge)
    except EventInvokeConfigError as e:
        for outcome in outcomes:
            outcome.error = e
        return outcomes
    # One error for the whole function, which the task's msg then tells once.
    missing = lambda_api.missing_function_error(requests[0].target, whole=True) if function_missing else None
    if purge and missing is None:
        template = requests[0]
        for qualifier in purge_qualifiers(configs, requests):
            target = template.target._replace(qualifier=qualifier)
            outcomes.append(Outcome(Request(target, ABSENT, {}, template.retry_timeout), purged=True))
    # Any config of the function names its account, which decides whether a destination is the function.
    known_arn = next((config["FunctionArn"] for config in configs.values()), None)
    for outcome in outcomes:
        current_config = configs.get(outcome.request.target.key_qualifier)
        try:
            _converge_one(
                client, outcome, current_config, known_arn, check_mode=check_mode, missing=missing, windows=windows
            )
        except (EventInvokeConfigError, InvalidOptionError) as e:
            outcome.error = e
    return outcomes


def map_units(client, work, units, workers):
    """``[work(unit_client, unit) for unit in units]``, on up to ``workers`` threads.

    Each unit gets ``client`` with retry state of its own (lambda_api.retrying); the pacer hooked on the
    boto3 client is shared by all.
    """

    def run(unit):
        return work(lambda_api.retrying(client), unit)

    if workers > 1 and len(units) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, len(units))) as pool:
            return list(pool.map(run, units))
    return [run(unit) for unit in units]


def converge(client, requests, check_mode=False, purge=False, workers=1):
    """Bring every request's config to its desired state; returns the Outcomes.

    One Outcome per request in the order of ``requests``, then one per purged config, by function in
    order of first appearance and by qualifier. A failure is kept in its Outcome and never stops the
    other requests. Check mode makes reads only.
    """
    groups = list(group_by_function(requests).values())
    windows = lambda_api.DestinationWindows()

    def unit(unit_client, indexes):
        return _converge_function(unit_client, [requests[index] for index in indexes], check_mode, purge, windows)

    done = map_units(client, unit, groups, workers)
    ordered = [None] * len(requests)
    purged = []
    for indexes, outcomes in zip(groups, done):
        for index, outcome in zip(indexes, outcomes):
            ordered[index] = outcome
        purged.extend(outcomes[len(indexes) :])
    return ordered + purged
