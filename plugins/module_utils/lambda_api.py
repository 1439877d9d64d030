# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls to the Lambda API for event invoke configs, with retries and errors that say what to do.

Every botocore error is turned into an EventInvokeConfigError here, naming the function, the
qualifier and the next step; modules report it once with fail_json_aws_error().
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
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


class CallFailed(EventInvokeConfigError):
    """A failed call: ``message`` ("Failed to <what>"), then what to do about it: ``advice``, else the service's
    advice for AWS's answer (``service_advice()``, which a service's subclass gives), else the advice for retries
    that ran out. What fail() and each service's error handler raise."""

    def __init__(self, message, exception=None, advice=""):
        advice = advice or self.service_advice(exception) or _retries_exhausted_advice(exception)
        super().__init__(message=f"{message}. {advice}" if advice else message, exception=exception)

    @staticmethod
    def service_advice(exception):
        """What to do about ``exception`` that is particular to the service called; '' when nothing is."""
        return ""


class LambdaErrors(AWSErrorHandler):
    """The error boundary of the Lambda calls, in amazon.aws's way: each thin call is decorated with what it does
    (``common_error_handler``; ``list_error_handler``, a missing resource answers the default;
    ``deletion_error_handler``, a missing resource is already deleted), and any botocore error becomes an
    EventInvokeConfigError that says what failed and what to do. A call that gives "missing" a meaning of its
    own (a missing function) raises it inside the call. The other services the module calls have a handler of
    their own (grant.IAMErrors, destination_health.CloudWatchErrors)."""

    _CUSTOM_EXCEPTION = CallFailed

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


def fail(action, target, exception, advice):
    """Raise the error of a failed call whose advice the caller knows."""
    raise CallFailed(f"Failed to {action} the event invoke config of {target.describe()}", exception, advice)


def get_config(client, target):
    """The config of ``target`` as AWS returns it, or None when there is none.

    AWS answers a missing function, version or alias with the same 404 as a missing config, so
    None does not prove that the function exists (see function_arn()).
    """

    @LambdaErrors.list_error_handler(f"read the event invoke config of {target.describe()}")
    def read():
        return client.get_function_event_invoke_config(aws_retry=True, **target.api_params())

    return read()


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

    @LambdaErrors.common_error_handler(f"check that {target.describe()} exists")
    def read():
        try:
            return client.get_function_configuration(aws_retry=True, **target.api_params())
        except is_boto3_error_code("ResourceNotFoundException") as e:
            raise missing_function_error(target, e, predicted=True) from e

    function = read()
    return f"{unqualified_arn(function['FunctionArn'])}:{target.key_qualifier}", function


def _is_destination_rejection(exception):
    """AWS's answer to a destination the execution role cannot (yet) use, or that does not exist."""
    if error_code(exception) != "InvalidParameterValueException":
        return False
    message = _error_message(exception)
    return ("destination ARN" in message and "is invalid" in message) or "permission" in message.lower()


class DestinationRejected(Exception):
    """AWS rejected a write's destination: one it does not know, or that the execution role may not (yet) use.
    ``exception`` is AWS's error; propagation.write_config() decides whether to try again."""

    def __init__(self, exception):
        super().__init__(str(exception))
        self.exception = exception

    def rejected(self, destinations):
        """The destinations AWS's rejection names; all of them when it names none."""
        message = _error_message(self.exception)
        return [arn for arn in destinations if arn in message] or list(destinations)


def _write_error(action, target, exception):
    """Raise the error of its own a Put/Update error means (a config or function gone, the function as its own
    destination); return for any other, which the error boundary reports."""
    if error_code(exception) == "ResourceNotFoundException":
        if _is_missing_config(exception):
            raise ConfigGoneError(message=f"The config of {target.describe()} was deleted meanwhile")
        raise missing_function_error(target, exception)
    if SELF_DESTINATION_MESSAGE in _error_message(exception):
        fail(action, target, exception, "A function cannot be its own destination; choose another destination")


_WRITE_OPERATIONS = {"put": "put_function_event_invoke_config", "update": "update_function_event_invoke_config"}


def write_once(client, target, action, params):
    """Put (create or replace) or Update (merge into) the config of ``target`` once; returns the config as AWS
    returns it. Raises DestinationRejected for a rejected destination, ConfigGoneError when an Update finds no
    config (deleted concurrently), and EventInvokeConfigError for any other failure."""

    @LambdaErrors.common_error_handler(f"{action} the event invoke config of {target.describe()}")
    def write():
        try:
            return getattr(client, _WRITE_OPERATIONS[action])(aws_retry=True, **dict(target.api_params(), **params))
        except botocore.exceptions.ClientError as e:
            if _is_destination_rejection(e):
                raise DestinationRejected(e) from e
            _write_error(action, target, e)
            raise  # an error of no meaning of its own: the boundary says it

    return write()


def delete_config(client, target):
    """Delete the config of ``target``. A config already gone (404) counts as deleted.

    That happens when a retried Delete's first attempt went through, or someone removed the config
    since it was read: either way the config the task read is gone, as asked.
    """

    @LambdaErrors.deletion_error_handler(f"delete the event invoke config of {target.describe()}")
    def delete():
        client.delete_function_event_invoke_config(aws_retry=True, **target.api_params())

    delete()


def list_configs(client, target):
    """Every config of the function of ``target`` (all qualifiers, all pages).

    Raises MissingFunctionError, for the whole function, when it does not exist.
    """

    @LambdaErrors.common_error_handler(f"list the event invoke configs of function {target.name}")
    def read():
        try:
            return paginated_query_with_retries(
                client, "list_function_event_invoke_configs", retry_decorator(), FunctionName=target.given_name
            )
        except is_boto3_error_code("ResourceNotFoundException") as e:
            raise missing_function_error(target, e, whole=True) from e

    return read().get("FunctionEventInvokeConfigs", [])


def list_functions(client, every_version=False):
    """ListFunctions' entries for the connection's region (all pages); with ``every_version`` one per version."""

    @LambdaErrors.common_error_handler("list the Lambda functions of the region")
    def read():
        params = {"FunctionVersion": "ALL"} if every_version else {}
        return paginated_query_with_retries(client, "list_functions", retry_decorator(), **params)

    return read().get("Functions", [])


def list_function_names(client):
    """The names of every function in the connection's region (all pages)."""
    return [function["FunctionName"] for function in list_functions(client)]
