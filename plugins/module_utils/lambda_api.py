# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls to the Lambda API for event invoke configs, with retries and errors that say what to do.

Every botocore error is turned into an EventInvokeConfigError here, naming the function, the
qualifier and the next step; modules report it once with fail_json_aws_error().
"""

import threading
import time

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import required_permission
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import ConfigGoneError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import MissingFunctionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import unqualified_arn

# Retried besides AWSRetry's throttling codes: a function that is being updated answers
# ResourceConflictException, and ServiceException is Lambda's 500; ServiceFailure is IAM's 500, and
# ThrottlingException the throttling of the JSON services the destination checks read (SQS, KMS, EventBridge).
RETRIED_ERROR_CODES = [
    "ResourceConflictException",
    "ServiceException",
    "ServiceUnavailableException",
    "ServiceFailure",
    "ThrottlingException",
]
RETRY_ATTEMPTS = 10
# The access-denied codes of query-protocol services (IAM, CloudWatch) and of JSON ones.
ACCESS_DENIED_CODES = ("AccessDenied", "AccessDeniedException")

_DESTINATION_RETRY_MAX_DELAY = 15

NO_CONFIG_MESSAGE = "doesn't have an EventInvokeConfig"
SELF_DESTINATION_MESSAGE = "destination for itself"


def retry_decorator():
    """AWSRetry policy of every Lambda call: 10 attempts, about a minute on average, at most about two."""
    return AWSRetry.jittered_backoff(
        retries=RETRY_ATTEMPTS, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=RETRIED_ERROR_CODES
    )


def retrying(client):
    """``client`` (a boto3 client, or amazon.aws's retrying wrapper of one) with retry state of its own.

    amazon.aws's jittered back-off keeps one delay iterator per decorator, changed without a lock, so
    every worker thread needs its own decorator: sharing one, a thread's waits are cut short or
    stretched by the others' retries.
    """
    return RetryingBotoClientWrapper(getattr(client, "client", client), retry_decorator())


def error_code(exception):
    return getattr(exception, "response", {}).get("Error", {}).get("Code")


def _error_message(exception):
    error = getattr(exception, "response", {}).get("Error", {})
    return error.get("Message") or error.get("message") or str(exception)


def _is_missing_config(exception):
    return NO_CONFIG_MESSAGE in _error_message(exception)


def _retries_exhausted_advice(exception):
    """What to do about an error that was retried until the retries ran out; '' for any other error."""
    code = error_code(exception)
    if code == "ResourceConflictException":
        reason = "the function was still being updated (a deployment or another configuration change)"
    elif AWSRetry.found(code, RETRIED_ERROR_CODES):
        reason = "AWS kept throttling the requests or failing on its side"
    else:
        return ""
    return f"AWS answered {code} to all {RETRY_ATTEMPTS} attempts, retried with back-off: {reason}. Run the task again later"


def call_error(what, exception, advice=""):
    """The EventInvokeConfigError for a failed call: ``Failed to <what>``, then what to do about it."""
    advice = advice or _retries_exhausted_advice(exception)
    message = f"Failed to {what}. {advice}" if advice else f"Failed to {what}"
    return EventInvokeConfigError(message=message, exception=exception)


def _fail(action, target, exception, advice=""):
    raise call_error(f"{action} the event invoke config of {target.describe()}", exception, advice)


def get_config(client, target):
    """The config of ``target`` as AWS returns it, or None when there is none.

    AWS answers a missing function, version or alias with the same 404 as a missing config, so
    None does not prove that the function exists (see function_arn()).
    """
    try:
        return client.get_function_event_invoke_config(aws_retry=True, **target.api_params())
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        _fail("read", target, e)


def missing_function_error(target, exception=None, predicted=False, whole=False):
    """The error for a config whose function, version or alias does not exist.

    ``predicted``: check mode found it out by reading the function, before any write. ``whole``: AWS said
    that the function itself does not exist (a List's answer), which stops every qualifier of it.
    """
    if whole:
        message = (
            f"Cannot configure function {target.name}: it does not exist in this account and region. "
            "Create it first, or fix function_name and region"
        )
    else:
        message = (
            f"Cannot configure {target.describe()}: the function or its version/alias {target.key_qualifier} does not exist in "
            "this account and region. Create it first, or fix function_name, qualifier and region"
        )
    if predicted:
        message += " (check mode predicts this failure of a real run from GetFunctionConfiguration's answer; nothing was changed)"
    return MissingFunctionError(message=message, exception=exception)


def function_arn(client, target):
    """The qualified FunctionArn AWS would give a new config of ``target`` (check mode's prediction), and
    GetFunctionConfiguration's answer it comes from (the execution role, for the destination checks).

    Raises the error a real run would give when the function, version or alias does not exist.
    """
    try:
        function = client.get_function_configuration(aws_retry=True, **target.api_params())
    except is_boto3_error_code("ResourceNotFoundException") as e:
        raise missing_function_error(target, e, predicted=True) from e
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        raise call_error(f"check that {target.describe()} exists", e) from e
    return f"{unqualified_arn(function['FunctionArn'])}:{target.key_qualifier}", function


def _is_destination_rejection(exception):
    """AWS's answer to a destination the execution role cannot (yet) use, or that does not exist."""
    if error_code(exception) != "InvalidParameterValueException":
        return False
    message = _error_message(exception)
    return ("destination ARN" in message and "is invalid" in message) or "permission" in message.lower()


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


def _nothing_missing(arn):
    return False


class DestinationWindows:
    """The retry window of each rejected destination, shared by every write of a task.

    IAM propagation is per destination: the first rejection of a destination opens its window
    (destination_retry_timeout long), and every write rejected for that destination retries only until
    that window ends, instead of waiting a whole window of its own. ``missing(arn)`` tells whether a rejected
    destination does not exist in the caller's account (a read, made once per destination): no permission
    can propagate to it, so its writes fail at once.
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


def _rejected(exception, destinations):
    """The destinations AWS's rejection names; all of them when it names none."""
    message = _error_message(exception)
    return [arn for arn in destinations if arn in message] or list(destinations)


def _write_error(action, target, exception):
    """Raise the EventInvokeConfigError for a Put/Update error that is not retried."""
    message = _error_message(exception)
    if error_code(exception) == "ResourceNotFoundException":
        if _is_missing_config(exception):
            raise ConfigGoneError(message=f"The config of {target.describe()} was deleted meanwhile")
        raise missing_function_error(target, exception)
    if SELF_DESTINATION_MESSAGE in message:
        _fail(action, target, exception, "A function cannot be its own destination; choose another destination")
    _fail(action, target, exception)


_WRITE_OPERATIONS = {"put": "put_function_event_invoke_config", "update": "update_function_event_invoke_config"}


def write_config(
    client, target, action, params, *, destinations, retry_timeout, windows, sleep=time.sleep, clock=time.monotonic
):
    """Put (create or replace) or Update (merge into) the config of ``target``.

    Returns the config as AWS returns it; raises ConfigGoneError when an Update finds no config (deleted
    concurrently). Destination rejections, which AWS also gives while IAM changes propagate, are
    retried after pauses of 1, 2, 4 and 8 seconds, then 15 seconds each, until the rejected
    destination's window (``windows``, a DestinationWindows shared by the task) ends, ``retry_timeout``
    seconds after its first rejection in the task; then the error says how long it waited, and names
    each destination and the permission the execution role needs for it.
    """
    operation = getattr(client, _WRITE_OPERATIONS[action])
    started = clock()
    first = None  # when AWS first rejected this write; its window is counted in pauses from there
    delay = 1
    paused = 0
    attempts = 0
    while True:
        attempts += 1
        try:
            return operation(aws_retry=True, **dict(target.api_params(), **params))
        except botocore.exceptions.ClientError as e:
            if not _is_destination_rejection(e):
                _write_error(action, target, e)
            now = clock()
            first = now if first is None else first
            rejected = _rejected(e, destinations)
            gone = [arn for arn in rejected if windows.missing(arn)]
            if gone:
                _fail(action, target, e, _missing_advice(gone))
            end = windows.end(rejected, first, retry_timeout)
            if first + paused + delay > end:
                windows.close(rejected, now)
                shared = attempts == 1 and end < now + retry_timeout
                _fail(action, target, e, _destination_advice(destinations, attempts, now - started, shared))
        except botocore.exceptions.BotoCoreError as e:
            _fail(action, target, e)
        sleep(delay)
        paused += delay
        delay = min(delay * 2, _DESTINATION_RETRY_MAX_DELAY)


def delete_config(client, target):
    """Delete the config of ``target``. A config already gone (404) counts as deleted.

    That happens when a retried Delete's first attempt went through, or someone removed the config
    since it was read: either way the config the task read is gone, as asked.
    """
    try:
        client.delete_function_event_invoke_config(aws_retry=True, **target.api_params())
    except is_boto3_error_code("ResourceNotFoundException"):
        return
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        _fail("delete", target, e)


def list_configs(client, target):
    """Every config of the function of ``target`` (all qualifiers, all pages).

    Raises MissingFunctionError, for the whole function, when it does not exist.
    """
    try:
        result = paginated_query_with_retries(
            client, "list_function_event_invoke_configs", retry_decorator(), FunctionName=target.given_name
        )
    except is_boto3_error_code("ResourceNotFoundException") as e:
        raise missing_function_error(target, e, whole=True) from e
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        raise call_error(f"list the event invoke configs of function {target.name}", e) from e
    return result.get("FunctionEventInvokeConfigs", [])


def list_functions(client, every_version=False):
    """ListFunctions' entries for the connection's region (all pages); with ``every_version`` one per version."""
    params = {"FunctionVersion": "ALL"} if every_version else {}
    try:
        result = paginated_query_with_retries(client, "list_functions", retry_decorator(), **params)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise call_error("list the Lambda functions of the region", e) from e
    return result.get("Functions", [])


def list_function_names(client):
    """The names of every function in the connection's region (all pages)."""
    return [function["FunctionName"] for function in list_functions(client)]
