# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime

import lambda_fakes
import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name

ACCOUNT = "123456789012"
REGION = "us-east-1"
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:success-queue"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:failure-topic"
OTHER_FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other-function"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
BUCKET = "arn:aws:s3:::failed-events"

TARGET = parse_function_name("my-function", "prod")
UNQUALIFIED = parse_function_name("my-function")

CONFIG = {
    "FunctionArn": f"{FN_ARN}:prod",
    "LastModified": datetime.datetime(2026, 11, 27, 14, 3, 12, tzinfo=datetime.timezone.utc),
    "MaximumRetryAttempts": 1,
    "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {}},
}


def client_error(code, body, operation, status=400):
    """A ClientError as botocore builds it from a Lambda rest-json error body.

    botocore copies the body's ``message`` (or ``Message``) into Error.Message and the modelled
    members (``Type``, ``message``/``Message``) to the top level of the response.
    """
    response = {
        "Error": {"Code": code, "Message": body.get("message", body.get("Message", ""))},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    response.update(body)
    return ClientError(response, operation)


def no_config(operation, qualified_arn=f"{FN_ARN}:prod"):
    return client_error(
        "ResourceNotFoundException",
        {"Type": "User", "Message": f"The function {qualified_arn} doesn't have an EventInvokeConfig"},
        operation,
        404,
    )


def no_function(operation):
    return client_error(
        "ResourceNotFoundException", {"Type": "User", "Message": "The function doesn't exist."}, operation, 404
    )


def invalid_parameter(message, operation="PutFunctionEventInvokeConfig"):
    return client_error("InvalidParameterValueException", {"Type": "User", "message": message}, operation)


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


class FakeLambda(lambda_fakes.FakeLambda):
    """The shared fake, repeating each operation's last answer (retry loops call it many times)."""

    def __init__(self, **answers):
        super().__init__(repeat_last=True, **answers)


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def write(client, action="put", params=None, *, target=TARGET, destinations=(QUEUE,), retry_timeout=10, time=None):
    time = time or FakeTime()
    return lambda_api.write_config(
        client,
        target,
        action,
        params if params is not None else {"MaximumRetryAttempts": 1},
        destinations=destinations,
        retry_timeout=retry_timeout,
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
    client = FakeLambda(get_function_event_invoke_config=[CONFIG])
    assert lambda_api.get_config(client, target) is CONFIG
    assert client.calls == [("get_function_event_invoke_config", dict(aws_retry=True, **api_params))]


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
    client = FakeLambda(get_function_event_invoke_config=[error])
    assert lambda_api.get_config(client, TARGET) is None
    assert len(client.calls) == 1


@pytest.mark.parametrize("error", [ACCESS_DENIED, EndpointConnectionError(endpoint_url="https://lambda.example")])
def test_get_config_failure(error):
    client = FakeLambda(get_function_event_invoke_config=[error])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.get_config(client, TARGET)
    assert raised.value.message == "Failed to read the event invoke config of function my-function (qualifier prod)"
    assert raised.value.exception is error


# --- get_function -------------------------------------------------------------------------------------------------


def test_get_function_returns_the_configuration():
    function = {"FunctionArn": f"{FN_ARN}:prod", "FunctionName": "my-function"}
    client = FakeLambda(get_function_configuration=[function])
    assert lambda_api.get_function(client, TARGET) is function
    assert client.calls == [
        ("get_function_configuration", {"aws_retry": True, "FunctionName": "my-function", "Qualifier": "prod"})
    ]


def test_get_function_of_a_missing_function_is_none():
    error = client_error(
        "ResourceNotFoundException",
        {"Type": "User", "Message": f"Function not found: {FN_ARN}:prod"},
        "GetFunctionConfiguration",
        404,
    )
    assert lambda_api.get_function(FakeLambda(get_function_configuration=[error]), TARGET) is None


def test_get_function_failure():
    client = FakeLambda(get_function_configuration=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.get_function(client, TARGET)
    assert raised.value.message == "Failed to check that function my-function (qualifier prod) exists"
    assert raised.value.exception is ACCESS_DENIED


# --- write_config ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, operation",
    [("put", "put_function_event_invoke_config"), ("update", "update_function_event_invoke_config")],
)
def test_write_config_success(action, operation):
    client = FakeLambda(**{operation: [CONFIG]})
    time = FakeTime()
    params = {"MaximumRetryAttempts": 1, "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}}
    assert write(client, action, params, time=time) is CONFIG
    assert client.calls == [
        (
            operation,
            {
                "aws_retry": True,
                "FunctionName": "my-function",
                "Qualifier": "prod",
                "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}},
            },
        )
    ]
    assert time.sleeps == []


def test_write_config_unqualified_sends_no_qualifier():
    client = FakeLambda(put_function_event_invoke_config=[CONFIG])
    write(client, "put", {"MaximumEventAgeInSeconds": 60}, target=UNQUALIFIED)
    assert client.calls == [
        (
            "put_function_event_invoke_config",
            {"aws_retry": True, "FunctionName": "my-function", "MaximumEventAgeInSeconds": 60},
        )
    ]


def test_update_of_a_missing_config_is_none():
    client = FakeLambda(update_function_event_invoke_config=[no_config("UpdateFunctionEventInvokeConfig")])
    assert write(client, "update") is None
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
    client = FakeLambda(**{operation: [error]})
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, action)
    message = raised.value.message
    assert "function my-function (qualifier prod)" in message
    assert "version/alias prod does not exist" in message
    assert "Create it first, or fix function_name, qualifier and region" in message
    assert raised.value.exception is error
    assert len(client.calls) == 1


def test_missing_function_error_names_latest_for_an_unqualified_target():
    error = lambda_api.missing_function_error(UNQUALIFIED)
    assert error.message.startswith("Cannot configure function my-function (qualifier $LATEST): ")
    assert "version/alias $LATEST does not exist" in error.message
    assert error.exception is None


@pytest.mark.parametrize("action", ["put", "update"])
def test_self_destination(action):
    client = FakeLambda(
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


@pytest.mark.parametrize("error", [INVALID_CONFIG, PATTERN, ACCESS_DENIED])
def test_other_write_errors_are_not_retried(error):
    client = FakeLambda(put_function_event_invoke_config=[error])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=120, time=time)
    assert raised.value.message == "Failed to put the event invoke config of function my-function (qualifier prod)"
    assert raised.value.exception is error
    assert len(client.calls) == 1
    assert time.sleeps == []


def test_botocore_error_on_write_is_not_retried():
    error = EndpointConnectionError(endpoint_url="https://lambda.example")
    client = FakeLambda(update_function_event_invoke_config=[error])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "update", retry_timeout=120, time=time)
    assert raised.value.message == "Failed to update the event invoke config of function my-function (qualifier prod)"
    assert raised.value.exception is error
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
    client = FakeLambda(**{operation: [*rejections, CONFIG]})
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
    client = FakeLambda(put_function_event_invoke_config=[rejection])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", destinations=[destination], retry_timeout=10, time=time)
    message = raised.value.message
    assert message.startswith("Failed to put the event invoke config of function my-function (qualifier prod). ")
    assert f"execution role allows {permission} on {destination}." in message
    assert "AWS still rejected the destination after 7 seconds of retries" in message
    assert "raise destination_retry_timeout to wait longer" in message
    assert raised.value.exception is rejection
    # Attempts at t=0, 1, 3 and 7; the next wait (8 s) would pass the 10 s budget.
    assert time.sleeps == [1, 2, 4]
    assert len(client.calls) == 4


def test_destination_rejection_message_names_every_destination():
    client = FakeLambda(update_function_event_invoke_config=[no_permission(TOPIC, "UpdateFunctionEventInvokeConfig")])
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
    client = FakeLambda(put_function_event_invoke_config=[destination_arn_invalid()])
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", destinations=destinations, retry_timeout=0)
    assert needs in raised.value.message


def test_retry_timeout_zero_fails_at_once():
    client = FakeLambda(put_function_event_invoke_config=[no_permission(), CONFIG])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=0, time=time)
    assert "after 0 seconds of retries" in raised.value.message
    assert len(client.calls) == 1
    assert time.sleeps == []


def test_retry_waits_double_up_to_fifteen_seconds_within_the_budget():
    client = FakeLambda(put_function_event_invoke_config=[destination_arn_invalid()])
    time = FakeTime()
    with pytest.raises(EventInvokeConfigError):
        write(client, "put", retry_timeout=100, time=time)
    assert time.sleeps == [1, 2, 4, 8, 15, 15, 15, 15, 15]
    assert sum(time.sleeps) <= 100
    assert len(client.calls) == len(time.sleeps) + 1


def test_retry_counts_the_time_the_calls_take():
    time = FakeTime()

    class SlowLambda(FakeLambda):
        def put_function_event_invoke_config(self, **kwargs):
            time.now += 30
            return super().put_function_event_invoke_config(**kwargs)

    client = SlowLambda(put_function_event_invoke_config=[destination_arn_invalid()])
    with pytest.raises(EventInvokeConfigError) as raised:
        write(client, "put", retry_timeout=60, time=time)
    # Calls end at t=30 and t=61: the second rejection is past the budget.
    assert time.sleeps == [1]
    assert "after 61 seconds of retries" in raised.value.message


# --- delete_config -------------------------------------------------------------------------------------------------


def test_delete_config():
    client = FakeLambda(delete_function_event_invoke_config=[{}])
    assert lambda_api.delete_config(client, TARGET) is True
    assert client.calls == [
        ("delete_function_event_invoke_config", {"aws_retry": True, "FunctionName": "my-function", "Qualifier": "prod"})
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
def test_delete_of_a_missing_config_is_false(error):
    client = FakeLambda(delete_function_event_invoke_config=[error])
    assert lambda_api.delete_config(client, TARGET) is False
    assert len(client.calls) == 1


def test_delete_failure():
    client = FakeLambda(delete_function_event_invoke_config=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.delete_config(client, UNQUALIFIED)
    assert (
        raised.value.message == "Failed to delete the event invoke config of function my-function (qualifier $LATEST)"
    )
    assert raised.value.exception is ACCESS_DENIED


# --- list_configs / list_function_names ------------------------------------------------------------------------------


def test_list_configs():
    configs = [CONFIG, dict(CONFIG, FunctionArn=f"{FN_ARN}:$LATEST")]
    client = FakeLambda(list_function_event_invoke_configs=[{"FunctionEventInvokeConfigs": configs}])
    assert lambda_api.list_configs(client, "my-function") == configs
    assert client.calls == [("list_function_event_invoke_configs", {"FunctionName": "my-function"})]


@pytest.mark.parametrize("result", [{"FunctionEventInvokeConfigs": []}, {}])
def test_list_configs_of_a_function_without_configs(result):
    client = FakeLambda(list_function_event_invoke_configs=[result])
    assert lambda_api.list_configs(client, FN_ARN) == []


def test_list_configs_of_a_missing_function_is_none():
    client = FakeLambda(list_function_event_invoke_configs=[no_function("ListFunctionEventInvokeConfigs")])
    assert lambda_api.list_configs(client, "doesnotexist") is None
    assert len(client.calls) == 1


def test_list_configs_failure():
    client = FakeLambda(list_function_event_invoke_configs=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.list_configs(client, "my-function")
    assert raised.value.message == "Failed to list the event invoke configs of function my-function"
    assert raised.value.exception is ACCESS_DENIED


def test_list_function_names():
    client = FakeLambda(list_functions=[{"Functions": [{"FunctionName": "a"}, {"FunctionName": "b"}]}])
    assert lambda_api.list_function_names(client) == ["a", "b"]
    assert client.calls == [("list_functions", {})]


def test_list_function_names_failure():
    client = FakeLambda(list_functions=[ACCESS_DENIED])
    with pytest.raises(EventInvokeConfigError) as raised:
        lambda_api.list_function_names(client)
    assert raised.value.message == "Failed to list the Lambda functions of the region"


# --- retry policy -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ResourceConflictException", "ServiceException", "ServiceUnavailableException"])
def test_retried_error_codes(code):
    assert code in lambda_api.RETRIED_ERROR_CODES


def test_retry_decorator_does_not_retry_a_missing_resource():
    calls = []

    @lambda_api.retry_decorator()
    def operation():
        calls.append(1)
        raise no_function("GetFunctionConfiguration")

    with pytest.raises(ClientError):
        operation()
    assert calls == [1]
