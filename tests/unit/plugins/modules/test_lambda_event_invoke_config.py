# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime

import pytest
from botocore.exceptions import ClientError
from lambda_fakes import FakeLambda

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import build_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.modules.lambda_event_invoke_config import ensure_absent
from ansible_collections.serverless.aws_lambda.plugins.modules.lambda_event_invoke_config import ensure_present

ACCOUNT = "123456789012"
REGION = "us-east-1"
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:success-queue"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:failure-topic"
LAST_MODIFIED = datetime.datetime(2026, 11, 27, 14, 3, 12, tzinfo=datetime.timezone.utc)
NO_DESTINATIONS = {"OnSuccess": {}, "OnFailure": {}}

# The config on AWS before each test: 2 retries, 60 seconds, a success queue, no failure destination.
CURRENT = {
    "FunctionArn": f"{FN_ARN}:$LATEST",
    "LastModified": LAST_MODIFIED,
    "MaximumRetryAttempts": 2,
    "MaximumEventAgeInSeconds": 60,
    "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {}},
}


def client_error(code, message, operation, status):
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        "Type": "User",
    }
    response["message" if code == "InvalidParameterValueException" else "Message"] = message
    return ClientError(response, operation)


def no_config(operation, qualified_arn=f"{FN_ARN}:$LATEST"):
    return client_error(
        "ResourceNotFoundException", f"The function {qualified_arn} doesn't have an EventInvokeConfig", operation, 404
    )


def no_function(operation):
    return client_error("ResourceNotFoundException", "The function doesn't exist.", operation, 404)


class FakeModule:
    def __init__(self, params, check_mode=False):
        self.params = params
        self.check_mode = check_mode


def module_params(**options):
    params = {
        "function_name": "my-function",
        "qualifier": None,
        "state": "present",
        "maximum_retry_attempts": None,
        "maximum_event_age_in_seconds": None,
        "destination_config": None,
        "destination_retry_timeout": 0,
    }
    params.update(options)
    return params


def run_present(current_config, client, check_mode=False, **options):
    params = module_params(**options)
    module = FakeModule(params, check_mode)
    return ensure_present(module, client, build_request(params, region=REGION), current_config)


def run_absent(current_config, client, check_mode=False, **options):
    params = module_params(state="absent", **options)
    module = FakeModule(params, check_mode)
    return ensure_absent(module, client, build_request(params, region=REGION), current_config)


def view(function_arn, retries=None, event_age=None, on_success=None, on_failure=None):
    return {
        "function_arn": function_arn,
        "qualifier": function_arn.rsplit(":", 1)[1],
        "last_modified": None,
        "maximum_retry_attempts": retries,
        "maximum_event_age_in_seconds": event_age,
        "destination_config": {
            "on_success": {"destination": on_success} if on_success else None,
            "on_failure": {"destination": on_failure} if on_failure else None,
        },
    }


def settings(retries=None, event_age=None, on_success=None, on_failure=None):
    return {
        "maximum_retry_attempts": retries,
        "maximum_event_age_in_seconds": event_age,
        "on_success": on_success,
        "on_failure": on_failure,
    }


# --- no change ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"maximum_retry_attempts": 2},
        {"maximum_event_age_in_seconds": 60},
        {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 60},
        {"destination_config": {"on_success": {"destination": QUEUE}, "on_failure": None}},
        {"function_name": "my-function:$LATEST", "maximum_retry_attempts": 2},
        {"function_name": FN_ARN, "qualifier": "$LATEST", "maximum_retry_attempts": 2},
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_present_no_op_makes_no_call(options, check_mode):
    client = FakeLambda()
    changed, config, after = run_present(CURRENT, client, check_mode, **options)
    assert changed is False
    assert config == result_from_api(CURRENT)
    assert config["last_modified"] == "2026-11-27T14:03:12+00:00"
    assert after == settings(2, 60, QUEUE)
    assert client.calls == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_present_no_op_with_empty_aws_sides(check_mode):
    current = {"FunctionArn": f"{FN_ARN}:prod", "MaximumRetryAttempts": 0, "DestinationConfig": NO_DESTINATIONS}
    client = FakeLambda()
    changed, config, after = run_present(
        current, client, check_mode, qualifier="prod", maximum_retry_attempts=0, destination_config={}
    )
    assert (changed, after) == (False, settings(0))
    assert config == view(f"{FN_ARN}:prod", retries=0)
    assert client.calls == []


def test_present_with_no_config_and_nothing_to_set_fails_before_any_call():
    client = FakeLambda()
    with pytest.raises(InvalidOptionError):
        run_present(None, client)
    assert client.calls == []


# --- check mode -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, after",
    [
        ({"maximum_retry_attempts": 0}, settings(0, 60, QUEUE)),
        ({"maximum_event_age_in_seconds": 21600}, settings(2, 21600, QUEUE)),
        (
            {"destination_config": {"on_success": None, "on_failure": {"destination": TOPIC}}},
            settings(2, 60, None, TOPIC),
        ),
        ({"destination_config": {}}, settings(2, 60)),
    ],
)
def test_check_mode_predicts_a_change_without_any_call(options, after):
    client = FakeLambda()
    changed, config, predicted = run_present(CURRENT, client, check_mode=True, **options)
    assert changed is True
    assert predicted == after
    assert config == view(
        f"{FN_ARN}:$LATEST",
        after["maximum_retry_attempts"],
        after["maximum_event_age_in_seconds"],
        after["on_success"],
        after["on_failure"],
    )
    assert config["last_modified"] is None
    assert client.calls == []


@pytest.mark.parametrize(
    "options, api_params, returned_arn, predicted_arn",
    [
        ({}, {"FunctionName": "my-function"}, FN_ARN, f"{FN_ARN}:$LATEST"),
        (
            {"qualifier": "$LATEST"},
            {"FunctionName": "my-function", "Qualifier": "$LATEST"},
            f"{FN_ARN}:$LATEST",
            f"{FN_ARN}:$LATEST",
        ),
        (
            {"qualifier": "prod"},
            {"FunctionName": "my-function", "Qualifier": "prod"},
            f"{FN_ARN}:prod",
            f"{FN_ARN}:prod",
        ),
        ({"qualifier": "prod"}, {"FunctionName": "my-function", "Qualifier": "prod"}, FN_ARN, f"{FN_ARN}:prod"),
        (
            {"function_name": "my-function:3"},
            {"FunctionName": "my-function", "Qualifier": "3"},
            f"{FN_ARN}:3",
            f"{FN_ARN}:3",
        ),
        (
            {"function_name": f"{FN_ARN}:prod"},
            {"FunctionName": FN_ARN, "Qualifier": "prod"},
            f"{FN_ARN}:prod",
            f"{FN_ARN}:prod",
        ),
    ],
)
def test_check_mode_for_a_missing_config_predicts_the_function_arn(options, api_params, returned_arn, predicted_arn):
    client = FakeLambda(get_function_configuration=[{"FunctionArn": returned_arn, "FunctionName": "my-function"}])
    changed, config, after = run_present(None, client, check_mode=True, maximum_retry_attempts=1, **options)
    assert changed is True
    assert after == settings(1)
    assert config == view(predicted_arn, retries=1)
    assert client.calls == [("get_function_configuration", dict(aws_retry=True, **api_params))]


@pytest.mark.parametrize("qualifier, shown", [(None, "$LATEST"), ("prod", "prod")])
def test_check_mode_for_a_missing_function_fails_like_a_real_run(qualifier, shown):
    error = client_error(
        "ResourceNotFoundException", f"Function not found: {FN_ARN}:{shown}", "GetFunctionConfiguration", 404
    )
    client = FakeLambda(get_function_configuration=[error])
    with pytest.raises(EventInvokeConfigError) as raised:
        run_present(None, client, check_mode=True, qualifier=qualifier, maximum_retry_attempts=1)
    assert raised.value.message.startswith(f"Cannot configure function my-function (qualifier {shown}): ")
    assert f"version/alias {shown} does not exist" in raised.value.message
    assert client.writes == []


def test_check_mode_and_real_run_agree_on_the_missing_function():
    client = FakeLambda(put_function_event_invoke_config=[no_function("PutFunctionEventInvokeConfig")])
    with pytest.raises(EventInvokeConfigError) as real:
        run_present(None, client, qualifier="prod", maximum_retry_attempts=1)
    client = FakeLambda(get_function_configuration=[no_function("GetFunctionConfiguration")])
    with pytest.raises(EventInvokeConfigError) as check:
        run_present(None, client, check_mode=True, qualifier="prod", maximum_retry_attempts=1)
    assert real.value.message == check.value.message


# --- real runs ----------------------------------------------------------------------------------------------------------


def test_create_puts_the_managed_settings():
    response = {
        "FunctionArn": f"{FN_ARN}:prod",
        "LastModified": LAST_MODIFIED,
        "MaximumRetryAttempts": 1,
        "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
    }
    client = FakeLambda(put_function_event_invoke_config=[response])
    changed, config, after = run_present(
        None,
        client,
        qualifier="prod",
        maximum_retry_attempts=1,
        destination_config={"on_success": None, "on_failure": {"destination": TOPIC}},
    )
    assert changed is True
    assert config == result_from_api(response)
    assert after == settings(1, None, None, TOPIC)
    assert client.calls == [
        (
            "put_function_event_invoke_config",
            {
                "aws_retry": True,
                "FunctionName": "my-function",
                "Qualifier": "prod",
                "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
            },
        )
    ]


def test_integer_change_updates_only_that_field():
    response = dict(CURRENT, MaximumRetryAttempts=0)
    client = FakeLambda(update_function_event_invoke_config=[response])
    changed, config, after = run_present(CURRENT, client, maximum_retry_attempts=0)
    assert changed is True
    assert config == result_from_api(response)
    assert after == settings(0, 60, QUEUE)
    assert client.calls == [
        (
            "update_function_event_invoke_config",
            {"aws_retry": True, "FunctionName": "my-function", "MaximumRetryAttempts": 0},
        )
    ]


def test_destination_removal_puts_the_full_desired_state():
    response = dict(CURRENT, DestinationConfig={"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}})
    client = FakeLambda(put_function_event_invoke_config=[response])
    changed, config, after = run_present(
        CURRENT, client, destination_config={"on_success": None, "on_failure": {"destination": TOPIC}}
    )
    assert changed is True
    assert after == settings(2, 60, None, TOPIC)
    assert config == result_from_api(response)
    assert client.calls == [
        (
            "put_function_event_invoke_config",
            {
                "aws_retry": True,
                "FunctionName": "my-function",
                "MaximumRetryAttempts": 2,
                "MaximumEventAgeInSeconds": 60,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
            },
        )
    ]


@pytest.mark.parametrize(
    "options, put_body",
    [
        ({"maximum_retry_attempts": 0}, {"MaximumRetryAttempts": 0, "DestinationConfig": NO_DESTINATIONS}),
        (
            {
                "maximum_event_age_in_seconds": 120,
                "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": {"destination": TOPIC}},
            },
            {
                "MaximumEventAgeInSeconds": 120,
                "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}},
            },
        ),
    ],
)
def test_update_race_falls_back_to_put_of_the_managed_settings(options, put_body):
    created = {"FunctionArn": f"{FN_ARN}:$LATEST", "LastModified": LAST_MODIFIED, **put_body}
    client = FakeLambda(
        update_function_event_invoke_config=[no_config("UpdateFunctionEventInvokeConfig")],
        put_function_event_invoke_config=[created],
    )
    changed, config, after = run_present(CURRENT, client, **options)
    assert changed is True
    assert config == result_from_api(created)
    assert after == settings_from_api(created)
    assert [call[0] for call in client.calls] == [
        "update_function_event_invoke_config",
        "put_function_event_invoke_config",
    ]
    # Built only from what the task manages: the deleted config's other settings are not restored.
    assert client.calls[1][1] == dict(aws_retry=True, FunctionName="my-function", **put_body)


def test_update_on_a_deleted_function_fails():
    client = FakeLambda(update_function_event_invoke_config=[no_function("UpdateFunctionEventInvokeConfig")])
    with pytest.raises(EventInvokeConfigError) as raised:
        run_present(CURRENT, client, maximum_retry_attempts=0)
    assert "function my-function (qualifier $LATEST)" in raised.value.message
    assert len(client.calls) == 1


def test_destination_retry_timeout_reaches_the_write():
    rejection = client_error(
        "InvalidParameterValueException",
        f"The destination ARN {TOPIC} is invalid.",
        "UpdateFunctionEventInvokeConfig",
        400,
    )
    client = FakeLambda(update_function_event_invoke_config=[rejection])
    with pytest.raises(EventInvokeConfigError) as raised:
        run_present(
            CURRENT,
            client,
            destination_retry_timeout=0,
            destination_config={"on_success": {"destination": QUEUE}, "on_failure": {"destination": TOPIC}},
        )
    assert f"sqs:SendMessage on {QUEUE}; sns:Publish on {TOPIC}" in raised.value.message
    assert len(client.calls) == 1


# --- absent --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_when_missing_makes_no_call(check_mode):
    client = FakeLambda()
    assert run_absent(None, client, check_mode) == (False, {}, None)
    assert client.calls == []


def test_absent_in_check_mode_makes_no_write_call():
    client = FakeLambda()
    assert run_absent(CURRENT, client, check_mode=True) == (True, {}, None)
    assert client.calls == []


@pytest.mark.parametrize(
    "options, api_params",
    [
        ({}, {"FunctionName": "my-function"}),
        ({"qualifier": "prod"}, {"FunctionName": "my-function", "Qualifier": "prod"}),
        ({"function_name": f"{FN_ARN}:7"}, {"FunctionName": FN_ARN, "Qualifier": "7"}),
    ],
)
def test_absent_deletes_the_config(options, api_params):
    client = FakeLambda(delete_function_event_invoke_config=[{}])
    assert run_absent(CURRENT, client, **options) == (True, {}, None)
    assert client.calls == [("delete_function_event_invoke_config", dict(aws_retry=True, **api_params))]


def test_absent_delete_race_is_not_a_change():
    client = FakeLambda(delete_function_event_invoke_config=[no_config("DeleteFunctionEventInvokeConfig")])
    assert run_absent(CURRENT, client) == (False, {}, None)
    assert len(client.calls) == 1


# --- self-destination with a bare function name: decided once AWS has named the account ---------------------

SELF_DESTINATION = {"on_failure": {"destination": FN_ARN}}
OTHER_ACCOUNT_SAME_NAME = {"on_failure": {"destination": FN_ARN.replace(ACCOUNT, "210987654321")}}


@pytest.mark.parametrize("check_mode", [False, True])
def test_self_destination_refused_from_the_current_config_arn_without_a_write(check_mode):
    client = FakeLambda()
    with pytest.raises(InvalidOptionError, match="cannot be its own destination"):
        run_present(CURRENT, client, check_mode=check_mode, destination_config=SELF_DESTINATION)
    assert client.calls == []


def test_check_mode_refuses_a_self_destination_from_the_function_arn():
    client = FakeLambda(get_function_configuration=[{"FunctionArn": FN_ARN}])
    with pytest.raises(InvalidOptionError, match="cannot be its own destination"):
        run_present(None, client, check_mode=True, destination_config=SELF_DESTINATION)
    assert client.writes == []


def test_same_name_in_another_account_is_a_valid_destination():
    updated = dict(CURRENT, DestinationConfig={"OnSuccess": {}, "OnFailure": OTHER_ACCOUNT_SAME_NAME["on_failure"]})
    updated["DestinationConfig"]["OnFailure"] = {"Destination": OTHER_ACCOUNT_SAME_NAME["on_failure"]["destination"]}
    client = FakeLambda(put_function_event_invoke_config=[updated])
    changed, config, after = run_present(CURRENT, client, destination_config=OTHER_ACCOUNT_SAME_NAME)
    assert changed is True
    assert after["on_failure"] == OTHER_ACCOUNT_SAME_NAME["on_failure"]["destination"]
    assert [call[0] for call in client.calls] == ["put_function_event_invoke_config"]


def test_real_create_with_a_same_named_destination_reads_the_function_first_and_writes_nothing():
    client = FakeLambda(get_function_configuration=[{"FunctionArn": FN_ARN}])
    with pytest.raises(InvalidOptionError, match="cannot be its own destination"):
        run_present(None, client, destination_config=SELF_DESTINATION)
    assert [call[0] for call in client.calls] == ["get_function_configuration"]


def test_real_create_with_a_same_named_destination_elsewhere_is_put_after_the_read():
    created = dict(
        CURRENT,
        DestinationConfig={"OnSuccess": {}, "OnFailure": {"Destination": FN_ARN.replace(ACCOUNT, "210987654321")}},
    )
    client = FakeLambda(
        get_function_configuration=[{"FunctionArn": FN_ARN}], put_function_event_invoke_config=[created]
    )
    changed, config, after = run_present(None, client, destination_config=OTHER_ACCOUNT_SAME_NAME)
    assert changed is True
    assert after["on_failure"] == config["destination_config"]["on_failure"]["destination"]
    assert [call[0] for call in client.calls] == ["get_function_configuration", "put_function_event_invoke_config"]


def test_real_create_with_other_destinations_does_not_read_the_function():
    created = dict(CURRENT)
    client = FakeLambda(put_function_event_invoke_config=[created])
    run_present(None, client, destination_config={"on_success": {"destination": QUEUE}})
    assert [call[0] for call in client.calls] == ["put_function_event_invoke_config"]
