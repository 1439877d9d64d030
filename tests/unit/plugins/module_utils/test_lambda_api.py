# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import types

import lambda_fakes
import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from lambda_fakes import ACCOUNT
from lambda_fakes import BUCKET
from lambda_fakes import FN_ARN
from lambda_fakes import QUEUE
from lambda_fakes import REGION
from lambda_fakes import TOPIC
from lambda_fakes import WHEN
from lambda_fakes import FakeTime
from lambda_fakes import client_error
from lambda_fakes import invalid_parameter
from lambda_fakes import no_function
from lambda_fakes import throttled

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils import propagation
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import ConfigGoneError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import MissingFunctionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name

OTHER_FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other-function"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"

TARGET = parse_function_name("my-function", "prod")


def no_config(operation, qualified_arn=f"{FN_ARN}:prod"):
    return lambda_fakes.no_config(operation, qualified_arn)


UNQUALIFIED = parse_function_name("my-function")

CONFIG = {
    "FunctionArn": f"{FN_ARN}:prod",
    "LastModified": WHEN,
    "MaximumRetryAttempts": 1,
    "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {}},
}


def destination_arn_invalid(arn=QUEUE, operation="PutFunctionEventInvokeConfig"):
    return invalid_parameter(f"The destination ARN {arn} is invalid.", operation)


def no_permission(arn=QUEUE, operation="PutFunctionEventInvokeConfig"):
    return invalid_parameter(
        f"The function execution role does not have permissions to call SendMessage on {arn}", operation
    )


SELF_DESTINATION = invalid_parameter("You can't specify the function as a destination for itself.")
INVALID_CONFIG = invalid_parameter(
    f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=arn:aws:iam::{ACCOUNT}:role/r), "
    "onFailure=null) is invalid."
)
PATTERN = client_error(
    "ValidationException",
    {
        "message": "1 validation error detected: Value 'arn:aws:_-/!lambda' at 'destinationConfig.onFailure.destination' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: $|kafka://..."
    },
    "PutFunctionEventInvokeConfig",
)
ACCESS_DENIED = client_error(
    "AccessDeniedException", {"Message": "User is not authorized to perform this action"}, "Operation", 403
)


def scripted(**answers):
    """The shared fake, repeating each operation's last answer (retry loops call it many times)."""
    return lambda_fakes.FakeLambda(repeat_last=True, **answers)


def write(
    client,
    action="put",
    params=None,
    *,
    target=TARGET,
    destinations=(QUEUE,),
    retry_timeout=10,
    time=None,
    windows=None,
):
    time = time or FakeTime()
    return propagation.write_config(
        client,
        target,
        action,
        params if params is not None else {"MaximumRetryAttempts": 1},
        destinations=destinations,
        retry_timeout=retry_timeout,
        windows=windows or propagation.DestinationWindows(),
        sleep=time.sleep,
        clock=time.clock,
    )


# --- get_config ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, api_params",
    [
        (TARGET, {"FunctionName": "my-function", "Qualifier": "prod"}),
        (UNQUALIFIED, {"FunctionName": "my-function"}),
        (
            parse_function_name(f"{FN_ARN}:3"),
            {"FunctionName": FN_ARN, "Qualifier": "3"},
        ),
    ],
)
def test_get_config_returns_the_config(target, api_params):
    client = scripted(get_function_event_invoke_config=[CONFIG])
    assert lambda_api.get_config(client, target) is CONFIG
    assert client.calls == [("GetFunctionEventInvokeConfig", True, api_params)]


@pytest.mark.parametrize(
    "error",
    [
        no_config("GetFunctionEventInvokeConfig"),
        # AWS gives the same 404 for a missing function, version or alias.
        no_config("GetFunctionEventInvokeConfig", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:doesnotexist:$LATEST"),
        no_config("GetFunctionEventInvokeConfig", f"{FN_ARN}:1221"),
    ],
)
def test_get_config_of_a_missing_config_is_none(error):
    client = scripted(get_function_event_invoke_config=[error])
    assert lambda_api.get_config(client, TARGET) is None
    assert len(client.calls) == 1


@pytest.mark.parametrize("error", [ACCESS_DENIED, EndpointConnectionError(endpoint_url="https://lambda.example")])
def test_get_config_failure(error):
    client = scripted(get_function_event_invoke_config=[error])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.get_config(client, TARGET)
    assert raised.value.message == "Failed to read the event invoke config of function my-function (qualifier prod)"
    assert raised.value.exception is error


# --- function_arn (check mode's prediction) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, returned, predicted, api_params",
    [
        (TARGET, f"{FN_ARN}:prod", f"{FN_ARN}:prod", {"FunctionName": "my-function", "Qualifier": "prod"}),
        (UNQUALIFIED, FN_ARN, f"{FN_ARN}:$LATEST", {"FunctionName": "my-function"}),
    ],
)
def test_function_arn_is_the_qualified_arn_of_a_new_config(target, returned, predicted, api_params):
    client = scripted(get_function_configuration=[{"FunctionArn": returned, "FunctionName": "my-function"}])
    answer = {"FunctionArn": returned, "FunctionName": "my-function"}
    assert lambda_api.function_arn(client, target) == (predicted, answer)
    assert client.calls == [("GetFunctionConfiguration", True, api_params)]


def test_function_arn_of_a_missing_function_fails_as_a_prediction_with_aws_detail():
    error = client_error(
        "ResourceNotFoundException",
        {"Type": "User", "Message": f"Function not found: {FN_ARN}:prod"},
        "GetFunctionConfiguration",
        404,
    )
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.function_arn(scripted(get_function_configuration=[error]), TARGET)
    assert raised.value.message == (
        "Cannot configure function my-function (qualifier prod): the function or its version/alias prod does not exist "
        "in this account and region. Create it first, or fix function_name, qualifier and region (check mode predicts "
        "this failure of a real run from GetFunctionConfiguration's answer; nothing was changed)"
    )
    assert raised.value.exception is error


def test_function_arn_failure():
    client = scripted(get_function_configuration=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.function_arn(client, TARGET)
    assert raised.value.message == "Failed to check that function my-function (qualifier prod) exists"
    assert raised.value.exception is ACCESS_DENIED


# --- write_config ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, operation, api_operation",
    [
        ("put", "put_function_event_invoke_config", "PutFunctionEventInvokeConfig"),
        ("update", "update_function_event_invoke_config", "UpdateFunctionEventInvokeConfig"),
    ],
)
def test_write_config_success(action, operation, api_operation):
    client = scripted(**{operation: [CONFIG]})
    time = FakeTime()
    params = {"MaximumRetryAttempts": 1, "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}}
    assert write(client, action, params, time=time) is CONFIG
    assert client.calls == [
        (
            api_operation,
            True,
            {
                "FunctionName": "my-function",
                "Qualifier": "prod",
                "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}},
            },
        )
    ]
    assert time.sleeps == []


def test_write_config_unqualified_sends_no_qualifier():
    client = scripted(put_function_event_invoke_config=[CONFIG])
    write(client, "put", {"MaximumEventAgeInSeconds": 60}, target=UNQUALIFIED)
    assert client.calls == [
        ("PutFunctionEventInvokeConfig", True, {"FunctionName": "my-function", "MaximumEventAgeInSeconds": 60})
    ]


def test_update_of_a_missing_config_raises_config_gone():
    client = scripted(update_function_event_invoke_config=[no_config("UpdateFunctionEventInvokeConfig")])
    with pytest.raises(ConfigGoneError) as raised:
        write(client, "update")
    assert raised.value.message == "The config of function my-function (qualifier prod) was deleted meanwhile"
    assert len(client.calls) == 1


@pytest.mark.parametrize(
    "action, operation, api_operation",
    [
        ("put", "put_function_event_invoke_config", "PutFunctionEventInvokeConfig"),
        ("update", "update_function_event_invoke_config", "UpdateFunctionEventInvokeConfig"),
    ],
)
def test_write_on_a_missing_function(action, operation, api_operation):
    error = no_function(api_operation)
    client = scripted(**{operation: [error]})
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, action)
    message = raised.value.message
    assert "function my-function (qualifier prod)" in message
    assert "version/alias prod does not exist" in message
    assert "Create it first, or fix function_name, qualifier and region" in message
    assert raised.value.exception is error
    assert len(client.calls) == 1


@pytest.mark.parametrize("target, qualifier", [(TARGET, "prod"), (UNQUALIFIED, "$LATEST")])
def test_missing_function_error_is_no_prediction_by_default(target, qualifier):
    error = lambda_api.missing_function_error(target)
    assert error.message == (
        f"Cannot configure function my-function (qualifier {qualifier}): the function or its version/alias {qualifier} "
        "does not exist in this account and region. Create it first, or fix function_name, qualifier and region"
    )
    assert error.exception is None


@pytest.mark.parametrize("action", ["put", "update"])
def test_self_destination(action):
    client = scripted(
        put_function_event_invoke_config=[SELF_DESTINATION], update_function_event_invoke_config=[SELF_DESTINATION]
    )
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, action, time=time)
    assert raised.value.message == (
        f"Failed to {action} the event invoke config of function my-function (qualifier prod). "
        "A function cannot be its own destination; choose another destination"
    )
    assert raised.value.exception is SELF_DESTINATION
    assert len(client.calls) == 1
    assert time.sleeps == []


@pytest.mark.parametrize(
    "action, error",
    [
        ("put", INVALID_CONFIG),
        ("put", PATTERN),
        ("put", ACCESS_DENIED),
        ("update", EndpointConnectionError(endpoint_url="https://lambda.example")),
    ],
)
def test_other_write_errors_are_not_retried(action, error):
    client = scripted(put_function_event_invoke_config=[error], update_function_event_invoke_config=[error])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, action, retry_timeout=120, time=time)
    assert (
        raised.value.message == f"Failed to {action} the event invoke config of function my-function (qualifier prod)"
    )
    assert raised.value.exception is error
    assert len(client.calls) == 1
    assert time.sleeps == []


@pytest.mark.parametrize(
    "rejections",
    [
        [destination_arn_invalid()],
        [no_permission()],
        [destination_arn_invalid(), no_permission(), destination_arn_invalid()],
    ],
)
@pytest.mark.parametrize(
    "action, operation",
    [("put", "put_function_event_invoke_config"), ("update", "update_function_event_invoke_config")],
)
def test_destination_rejection_is_retried_until_accepted(rejections, action, operation):
    client = scripted(**{operation: [*rejections, CONFIG]})
    time = FakeTime()
    assert write(client, action, retry_timeout=120, time=time) is CONFIG
    assert len(client.calls) == len(rejections) + 1
    assert time.sleeps == [1, 2, 4][: len(rejections)]
    assert all(call == client.calls[0] for call in client.calls)


@pytest.mark.parametrize(
    "destination, permission",
    [
        (QUEUE, "sqs:SendMessage"),
        (TOPIC, "sns:Publish"),
        (OTHER_FUNCTION, "lambda:InvokeFunction"),
        (BUS, "events:PutEvents"),
        (BUCKET, "s3:PutObject and s3:ListBucket"),
    ],
)
def test_destination_rejection_fails_after_the_retry_timeout(destination, permission):
    rejection = destination_arn_invalid(destination)
    client = scripted(put_function_event_invoke_config=[rejection])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", destinations=[destination], retry_timeout=10, time=time)
    message = raised.value.message
    assert message.startswith("Failed to put the event invoke config of function my-function (qualifier prod). ")
    assert f"execution role allows {permission} on {destination}." in message
    assert "AWS still rejected the destination after 4 attempts over 7 seconds. Check" in message
    assert "raise destination_retry_timeout to wait longer" in message
    assert raised.value.exception is rejection
    # Attempts at t=0, 1, 3 and 7; the next wait (8 s) would pass the 10 s budget.
    assert time.sleeps == [1, 2, 4]
    assert len(client.calls) == 4


def test_destination_rejection_message_names_every_destination():
    client = scripted(update_function_event_invoke_config=[no_permission(TOPIC, "UpdateFunctionEventInvokeConfig")])
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "update", destinations=[QUEUE, BUCKET], retry_timeout=0)
    assert (
        f"execution role allows sqs:SendMessage on {QUEUE}; s3:PutObject and s3:ListBucket on {BUCKET}. "
        in raised.value.message
    )


@pytest.mark.parametrize(
    "destinations, needs",
    [
        ((), "allows delivery to it."),
        (["kafka://my-topic"], "allows permission to deliver on kafka://my-topic."),
    ],
)
def test_destination_rejection_message_without_known_permission(destinations, needs):
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", destinations=destinations, retry_timeout=3, time=time)
    assert needs in raised.value.message
    assert time.sleeps == [1, 2]  # a window of its own, also without destinations


def test_retry_waits_double_up_to_fifteen_seconds_within_the_budget():
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError):
        write(client, "put", retry_timeout=100, time=time)
    assert time.sleeps == [1, 2, 4, 8, 15, 15, 15, 15, 15]
    assert sum(time.sleeps) <= 100
    assert len(client.calls) == len(time.sleeps) + 1


@pytest.mark.parametrize(
    "retry_timeout, sleeps, said",
    [
        (0, [], "AWS rejected the destination and destination_retry_timeout left no time to retry."),
        (1, [1], "AWS still rejected the destination after 2 attempts over 1 second."),
        (2, [1], "AWS still rejected the destination after 2 attempts over 1 second."),
        # A budget the pauses reach exactly is used to the end.
        (3, [1, 2], "AWS still rejected the destination after 3 attempts over 3 seconds."),
        (6, [1, 2], "AWS still rejected the destination after 3 attempts over 3 seconds."),
        (7, [1, 2, 4], "AWS still rejected the destination after 4 attempts over 7 seconds."),
    ],
)
def test_retry_stops_when_the_pauses_would_pass_the_timeout(retry_timeout, sleeps, said):
    # Each attempt is rejected; one more would succeed.
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()] * (len(sleeps) + 1) + [CONFIG])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=retry_timeout, time=time)
    assert time.sleeps == sleeps
    assert len(client.calls) == len(sleeps) + 1
    assert said in raised.value.message


def test_retry_reports_the_time_the_calls_took_too():
    time = FakeTime()
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()])

    def slow(call):
        time.now += 30

    client.on_call = slow
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=1, time=time)
    # Calls end at t=30 and t=61, with a pause of 1 second between them.
    assert time.sleeps == [1]
    assert "after 2 attempts over 61 seconds." in raised.value.message


# --- delete_config -------------------------------------------------------------------------------------------------


def test_delete_config():
    client = scripted(delete_function_event_invoke_config=[{}])
    assert lambda_api.delete_config(client, TARGET) is None
    assert client.calls == [
        ("DeleteFunctionEventInvokeConfig", True, {"FunctionName": "my-function", "Qualifier": "prod"})
    ]


@pytest.mark.parametrize(
    "error",
    [
        no_config("DeleteFunctionEventInvokeConfig"),
        no_config(
            "DeleteFunctionEventInvokeConfig", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:doesnotexist:$LATEST"
        ),
    ],
)
def test_delete_of_a_config_already_gone_is_done(error):
    client = scripted(delete_function_event_invoke_config=[error])
    assert lambda_api.delete_config(client, TARGET) is None
    assert len(client.calls) == 1


def test_delete_failure():
    client = scripted(delete_function_event_invoke_config=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.delete_config(client, UNQUALIFIED)
    assert (
        raised.value.message == "Failed to delete the event invoke config of function my-function (qualifier $LATEST)"
    )
    assert raised.value.exception is ACCESS_DENIED


# --- list_configs / list_function_names ------------------------------------------------------------------------------


def test_list_configs():
    configs = [CONFIG, dict(CONFIG, FunctionArn=f"{FN_ARN}:$LATEST")]
    client = scripted(list_function_event_invoke_configs=[{"FunctionEventInvokeConfigs": configs}])
    assert lambda_api.list_configs(client, UNQUALIFIED) == configs
    assert client.calls == [("ListFunctionEventInvokeConfigs", False, {"FunctionName": "my-function"})]


@pytest.mark.parametrize("result", [{"FunctionEventInvokeConfigs": []}, {}])
def test_list_configs_of_a_function_without_configs(result):
    client = scripted(list_function_event_invoke_configs=[result])
    assert lambda_api.list_configs(client, parse_function_name(FN_ARN)) == []


def test_list_configs_of_a_missing_function_raises_one_error_for_the_function():
    client = scripted(list_function_event_invoke_configs=[no_function("ListFunctionEventInvokeConfigs")])
    with pytest.raises(MissingFunctionError) as raised:
        lambda_api.list_configs(client, parse_function_name("doesnotexist", "prod"))
    assert raised.value.message == (
        "Cannot configure function doesnotexist: it does not exist in this account and region. "
        "Create it first, or fix function_name and region"
    )
    assert len(client.calls) == 1


def test_list_configs_failure():
    client = scripted(list_function_event_invoke_configs=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.list_configs(client, UNQUALIFIED)
    assert raised.value.message == "Failed to list the event invoke configs of function my-function"
    assert raised.value.exception is ACCESS_DENIED


@pytest.mark.parametrize(
    "answer, names", [({"Functions": [{"FunctionName": "a"}, {"FunctionName": "b"}]}, ["a", "b"]), ({}, [])]
)
def test_list_function_names(answer, names):
    client = scripted(list_functions=[answer])
    assert lambda_api.list_function_names(client) == names
    assert client.calls == [("ListFunctions", False, {})]


def test_list_function_names_failure():
    client = scripted(list_functions=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.list_function_names(client)
    assert raised.value.message == "Failed to list the Lambda functions of the region"
    assert raised.value.exception is ACCESS_DENIED


# --- retry policy -----------------------------------------------------------------------------------------------------


def test_retry_decorator_does_not_retry_a_missing_resource():
    calls = []

    @lambda_api.retry_decorator()
    def operation():
        calls.append(1)
        raise no_function("GetFunctionConfiguration")

    with pytest.raises(ClientError):
        operation()
    assert calls == [1]


# --- mutation-tested details (make mutation) -------------------------------------------------------------------------


def test_a_missing_config_is_recognised_from_a_lowercase_message_key():
    # Error.message instead of Error.Message: ClientError's own text then says "Unknown".
    error = ClientError(
        {
            "Error": {
                "Code": "ResourceNotFoundException",
                "message": f"The function {FN_ARN}:prod doesn't have an EventInvokeConfig",
            },
            "ResponseMetadata": {"HTTPStatusCode": 404},
        },
        "UpdateFunctionEventInvokeConfig",
    )
    client = scripted(update_function_event_invoke_config=[error])
    with pytest.raises(ConfigGoneError):
        write(client, "update")


@pytest.mark.parametrize(
    "code, reason",
    [
        (
            "ResourceConflictException",
            "the function was still being updated (a deployment or another configuration change)",
        ),
        ("TooManyRequestsException", "AWS kept throttling the requests or failing on its side"),
        ("ServiceException", "AWS kept throttling the requests or failing on its side"),
    ],
)
def test_an_error_retried_until_the_retries_ran_out_says_so(code, reason):
    error = client_error(code, {"Type": "Service", "Message": "try later"}, "DeleteFunctionEventInvokeConfig", 500)
    client = scripted(delete_function_event_invoke_config=[error])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.delete_config(client, TARGET)
    assert raised.value.message == (
        "Failed to delete the event invoke config of function my-function (qualifier prod). "
        f"AWS answered {code} to all 10 attempts, retried with back-off: {reason}. Run the task again later"
    )


def test_writes_share_the_retry_window_of_a_rejected_destination():
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()])
    time, windows = FakeTime(), propagation.DestinationWindows()
    with pytest.raises(EventInvokeConfigError):
        write(client, retry_timeout=10, time=time, windows=windows)
    assert time.sleeps == [1, 2, 4]
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, destinations=(TOPIC, QUEUE), retry_timeout=10, time=time, windows=windows)
    assert len(client.calls) == 5 and time.sleeps == [1, 2, 4]
    assert raised.value.message.startswith(
        "Failed to put the event invoke config of function my-function (qualifier prod). AWS rejected the destination, "
        "whose retry window already ran out for another config of this task. Check that"
    )
    # Another destination has a window of its own.
    client.answers["PutFunctionEventInvokeConfig"] = [destination_arn_invalid(TOPIC)]
    with pytest.raises(EventInvokeConfigError, match="after 4 attempts over 7 seconds"):
        write(client, destinations=(TOPIC,), retry_timeout=10, time=time, windows=windows)


def test_a_rejected_destination_that_does_not_exist_fails_every_write_at_once():
    """No permission can propagate to a destination that does not exist: its writes fail without waiting."""
    rejection = invalid_parameter("The destination ARN is invalid.")  # names none: both destinations are read
    client = scripted(put_function_event_invoke_config=[rejection, rejection])
    read = []
    windows = propagation.DestinationWindows(missing=lambda arn: read.append(arn) or True)
    time = FakeTime()
    for _write in range(2):
        with pytest.raises(EventInvokeConfigError) as raised:
            write(client, destinations=(QUEUE, TOPIC), retry_timeout=120, time=time, windows=windows)
        assert raised.value.message == (
            "Failed to put the event invoke config of function my-function (qualifier prod). The destination "
            f"{QUEUE} and {TOPIC} does not exist in this account (read after AWS rejected it), so waiting for IAM "
            "changes would not help: create it first, or fix the destination ARN"
        )
        assert raised.value.exception is rejection
    assert (time.sleeps, len(client.calls), read) == ([], 2, [QUEUE, TOPIC, QUEUE, TOPIC])


def test_destination_rejection_message_in_full_with_a_clock_that_does_not_start_at_zero():
    client = scripted(put_function_event_invoke_config=[destination_arn_invalid()])
    time = FakeTime()
    time.now = 1000.0
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=1, time=time)
    assert raised.value.message == (
        "Failed to put the event invoke config of function my-function (qualifier prod). AWS still rejected the "
        "destination after 2 attempts over 1 second. Check that each destination exists and that the function's "
        f"execution role allows sqs:SendMessage on {QUEUE}. IAM changes can take a minute or two to reach Lambda: "
        "raise destination_retry_timeout to wait longer"
    )


def test_retry_policy_waits_up_to_1_2_4_8_16_then_20_seconds_over_10_attempts(monkeypatch):
    sleeps = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    monkeypatch.setattr(cloud.random, "uniform", lambda low, high: high)  # the jitter's longest wait
    calls = []

    @lambda_api.retry_decorator()
    def operation():
        calls.append(1)
        raise lambda_fakes.throttled("ListFunctions")

    with pytest.raises(ClientError):
        operation()
    assert len(calls) == 10
    assert sleeps == [1, 2, 4, 8, 16, 20, 20, 20, 20]


def test_retrying_wraps_the_boto3_client_of_an_amazon_aws_wrapper():
    fake = scripted()
    assert lambda_api.retrying(RetryingBotoClientWrapper(fake, lambda_api.retry_decorator())).client is fake


def test_each_retrying_client_keeps_its_own_back_off(monkeypatch):
    # amazon.aws's own retry code: B retries while A waits between attempts, as two workers do. With one
    # shared decorator B's retries would move A's back-off on (A's last wait 8 seconds, not 4).
    sleeps = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    monkeypatch.setattr(cloud.random, "uniform", lambda low, high: high)
    fake = scripted(list_functions=[throttled("ListFunctions")] * 3 + [{}], get_function_configuration=[{}])
    fake.failures["GetFunctionConfiguration"] = [throttled("GetFunctionConfiguration")] * 2
    first, second = lambda_api.retrying(fake), lambda_api.retrying(fake)

    def second_worker(call):
        if call.operation == "ListFunctions" and len(fake.calls) == 2:
            second.get_function_configuration(aws_retry=True, FunctionName="my-function")

    fake.on_call = second_worker
    assert first.list_functions(aws_retry=True) == {}
    assert sleeps == [1, 1, 2, 2, 4]


def test_list_configs_whose_retries_ran_out_says_so(monkeypatch):
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    client = scripted(list_function_event_invoke_configs=[throttled("ListFunctionEventInvokeConfigs")])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.list_configs(client, UNQUALIFIED)
    assert raised.value.message == (
        "Failed to list the event invoke configs of function my-function. AWS answered TooManyRequestsException to "
        "all 10 attempts, retried with back-off: AWS kept throttling the requests or failing on its side. "
        "Run the task again later"
    )


@pytest.mark.parametrize(
    "failure",
    [
        throttled("ListFunctions"),
        client_error("ServiceException", {"Type": "Service", "Message": "internal"}, "ListFunctions", 500),
    ],
)
def test_list_function_names_retries_a_throttled_or_failed_page(monkeypatch, failure):
    sleeps = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    client = scripted(list_functions=[failure, {"Functions": [{"FunctionName": "a"}]}])
    assert lambda_api.list_function_names(client) == ["a"]
    assert len(client.calls) == 2
    assert len(sleeps) == 1
