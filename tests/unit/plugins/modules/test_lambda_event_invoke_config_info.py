# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import random
import types

import botocore.exceptions
import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import QUEUE
from lambda_fakes import REGION
from lambda_fakes import TOPIC
from lambda_fakes import WHEN
from lambda_fakes import FakeLambda
from lambda_fakes import FakeService
from lambda_fakes import client_error
from lambda_fakes import function_arn
from lambda_fakes import run_main
from lambda_fakes import simulator

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.modules import lambda_event_invoke_config_info as info


def in_order(functions, order):
    """``functions`` with each function's qualifiers in the order ``order`` gives them (AWS promises none)."""
    return {name: {q: qualifiers[q] for q in order(list(qualifiers))} for name, qualifiers in functions.items()}


def qualifiers_of(items):
    return [item["qualifier"] for item in items]


def many_aliases(count, prefix="alias-"):
    return {f"{prefix}{n:03d}": {"MaximumRetryAttempts": n % 3} for n in range(count)}


@pytest.fixture
def no_sleep(monkeypatch):
    """AWSRetry's back-off sleeps, recorded instead of slept."""
    sleeps = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    return sleeps


# --- configs_of_target: one qualifier --------------------------------------------------------------------------


MY_FUNCTION = {
    "$LATEST": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 600},
    "1": None,  # a version without a config
    "2": {"MaximumRetryAttempts": 0},
    "live": {
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}},
    },
}


@pytest.mark.parametrize(
    "function_name, qualifier, expected_params, expected_qualifier",
    [
        # The forms of function_name and qualifier: test_function_name.test_api_params.
        ("my-function", "live", {"FunctionName": "my-function", "Qualifier": "live"}, "live"),
        ("my-function:$LATEST", None, {"FunctionName": "my-function", "Qualifier": "$LATEST"}, "$LATEST"),
        (
            f"{function_arn('my-function')}:2",
            None,
            {"FunctionName": function_arn("my-function"), "Qualifier": "2"},
            "2",
        ),
    ],
)
def test_configs_of_target_one_qualifier(function_name, qualifier, expected_params, expected_qualifier):
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    result = info.configs_of_target(client, parse_function_name(function_name, qualifier, REGION))
    assert client.calls == [("GetFunctionEventInvokeConfig", True, expected_params)]
    assert len(result) == 1
    assert result[0]["function_name"] == "my-function"
    assert result[0]["qualifier"] == expected_qualifier
    assert result[0]["function_arn"] == f"{function_arn('my-function')}:{expected_qualifier}"


def test_configs_of_target_one_qualifier_values():
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    (item,) = info.configs_of_target(client, parse_function_name("my-function", "live", REGION))
    assert item == {
        "function_name": "my-function",
        "function_arn": f"{function_arn('my-function')}:live",
        "qualifier": "live",
        "last_modified": WHEN.isoformat(),
        "maximum_retry_attempts": None,
        "maximum_event_age_in_seconds": 21600,
        "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": {"destination": TOPIC}},
    }


@pytest.mark.parametrize(
    "function_name, qualifier",
    [
        pytest.param("my-function", "1", id="version-without-config"),
        pytest.param("my-function", "99", id="missing-version"),
        pytest.param("my-function", "nosuch", id="missing-alias"),
        pytest.param("no-such-function", "live", id="missing-function"),
        pytest.param("no-such-function:$LATEST", None, id="missing-function-latest"),
        pytest.param(f"{function_arn('no-such-function')}:3", None, id="missing-function-arn"),
    ],
)
def test_configs_of_target_one_qualifier_absent_is_empty(function_name, qualifier):
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    assert info.configs_of_target(client, parse_function_name(function_name, qualifier, REGION)) == []
    assert client.operations() == ["GetFunctionEventInvokeConfig"]


@pytest.mark.parametrize(
    "error",
    [
        client_error("AccessDeniedException", {"message": "not allowed"}, "GetFunctionEventInvokeConfig", 403),
        client_error("InvalidParameterValueException", {"message": "bad qualifier"}, "GetFunctionEventInvokeConfig"),
        botocore.exceptions.EndpointConnectionError(endpoint_url="https://lambda.us-east-1.amazonaws.com"),
    ],
)
def test_configs_of_target_one_qualifier_other_errors_fail(error):
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    client.failures["GetFunctionEventInvokeConfig"] = [error]
    with pytest.raises(EventInvokeConfigError) as raised:
        info.configs_of_target(client, parse_function_name("my-function", "live", REGION))
    assert "my-function" in raised.value.message
    assert "live" in raised.value.message
    assert raised.value.exception is error


# --- configs_of_target: every qualifier of a function ----------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, expected_name_param",
    [
        ("my-function", "my-function"),
        (function_arn("my-function"), function_arn("my-function")),
        (f"{ACCOUNT}:function:my-function", f"{ACCOUNT}:function:my-function"),
    ],
)
def test_configs_of_target_whole_function(function_name, expected_name_param):
    client = FakeLambda({"my-function": dict(MY_FUNCTION), "other": {"$LATEST": {"MaximumRetryAttempts": 0}}})
    result = info.configs_of_target(client, parse_function_name(function_name, None, REGION))
    assert qualifiers_of(result) == ["$LATEST", "2", "live"]
    assert {item["function_name"] for item in result} == {"my-function"}
    assert [(call.operation, call.params) for call in client.calls] == [
        ("ListFunctionEventInvokeConfigs", {"FunctionName": expected_name_param})
    ]
    assert result[0]["maximum_retry_attempts"] == 1
    assert result[0]["maximum_event_age_in_seconds"] == 600
    assert result[1]["maximum_retry_attempts"] == 0


@pytest.mark.parametrize(
    "config_count, page_size, expected_pages",
    [
        (1, 50, 1),
        (50, 50, 1),
        (51, 50, 2),
        (100, 50, 2),
        (101, 50, 3),
        (7, 1, 7),
        (7, 3, 3),
    ],
)
def test_configs_of_target_follows_every_page(config_count, page_size, expected_pages):
    aliases = many_aliases(config_count)
    client = FakeLambda({"my-function": aliases}, page_size=page_size)
    result = info.configs_of_target(client, parse_function_name("my-function", None, REGION))
    assert qualifiers_of(result) == sorted(aliases)
    assert len(set(qualifiers_of(result))) == config_count
    assert client.operations() == ["ListFunctionEventInvokeConfigs"] * expected_pages
    markers = [call.params.get("Marker") for call in client.calls]
    assert markers == [None] + [str(page * page_size) for page in range(1, expected_pages)]


def test_configs_of_target_sorts_what_aws_returns_in_any_order():
    versions = {str(n): {"MaximumRetryAttempts": 1} for n in range(1, 13)}
    aliases = {name: {"MaximumRetryAttempts": 2} for name in ["live", "Beta", "alias-10", "alias-9"]}
    functions = {"my-function": dict({"$LATEST": {"MaximumRetryAttempts": 0}}, **versions, **aliases)}
    shuffled = FakeLambda(in_order(functions, lambda q: random.Random(5).sample(q, len(q))), page_size=4)
    reverse = FakeLambda(in_order(functions, lambda q: list(reversed(q))), page_size=4)
    target = parse_function_name("my-function", None, REGION)
    expected = ["$LATEST"] + [str(n) for n in range(1, 13)] + ["Beta", "alias-10", "alias-9", "live"]
    assert qualifiers_of(info.configs_of_target(shuffled, target)) == expected
    assert qualifiers_of(info.configs_of_target(reverse, target)) == expected


@pytest.mark.parametrize(
    "functions",
    [
        pytest.param({}, id="missing-function"),
        pytest.param({"my-function": {"$LATEST": None, "1": None, "live": None}}, id="function-without-config"),
        pytest.param({"other": {"$LATEST": {"MaximumRetryAttempts": 1}}}, id="only-another-function-has-configs"),
    ],
)
def test_configs_of_target_whole_function_without_configs_is_empty(functions):
    client = FakeLambda(functions)
    assert info.configs_of_target(client, parse_function_name("my-function", None, REGION)) == []
    assert client.operations() == ["ListFunctionEventInvokeConfigs"]


def test_configs_of_target_retries_a_throttled_page(no_sleep):
    client = FakeLambda({"my-function": many_aliases(12)}, page_size=5)
    # The first page passes, the second is throttled twice: each time the paginated query starts again.
    client.page_failures["5"] = [
        client_error("TooManyRequestsException", {"message": "Rate exceeded"}, "ListFunctionEventInvokeConfigs", 429)
        for attempt in range(2)
    ]
    result = info.configs_of_target(client, parse_function_name("my-function", None, REGION))
    assert qualifiers_of(result) == sorted(many_aliases(12))
    assert len(no_sleep) == 2
    assert [call.params.get("Marker") for call in client.calls] == [None, "5", None, "5", None, "5", "10"]


@pytest.mark.parametrize(
    "code, status",
    [("TooManyRequestsException", 429), ("ServiceException", 500), ("ResourceConflictException", 409)],
)
def test_configs_of_target_retries_transient_list_errors(no_sleep, code, status):
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    client.failures["ListFunctionEventInvokeConfigs"] = [
        client_error(code, {"message": "try again"}, "ListFunctionEventInvokeConfigs", status) for attempt in range(3)
    ]
    result = info.configs_of_target(client, parse_function_name("my-function", None, REGION))
    assert qualifiers_of(result) == ["$LATEST", "2", "live"]
    assert len(no_sleep) == 3
    assert client.operations() == ["ListFunctionEventInvokeConfigs"] * 4


@pytest.mark.parametrize(
    "error",
    [
        client_error("AccessDeniedException", {"message": "not allowed"}, "ListFunctionEventInvokeConfigs", 403),
        client_error("InvalidParameterValueException", {"message": "bad marker"}, "ListFunctionEventInvokeConfigs"),
    ],
)
def test_configs_of_target_whole_function_other_errors_fail(error, no_sleep):
    client = FakeLambda({"my-function": dict(MY_FUNCTION)})
    client.failures["ListFunctionEventInvokeConfigs"] = [error]
    with pytest.raises(EventInvokeConfigError) as raised:
        info.configs_of_target(client, parse_function_name("my-function", None, REGION))
    assert "my-function" in raised.value.message
    assert no_sleep == []


# --- configs_of_region -----------------------------------------------------------------------------------------


def region_functions():
    return {
        "zeta": {"$LATEST": {"MaximumRetryAttempts": 2}},
        "my-function": dict(MY_FUNCTION),
        "alpha": {"$LATEST": None, "1": None},
        "Beta": {"live": {"MaximumEventAgeInSeconds": 60}, "$LATEST": {"MaximumRetryAttempts": 0}},
        "many": many_aliases(7),
    }


def test_configs_of_region_lists_every_function_sorted_with_its_configs():
    client = FakeLambda(region_functions(), page_size=3, function_page_size=2)
    functions = info.configs_of_region(client)
    assert [f["function_name"] for f in functions] == ["Beta", "alpha", "many", "my-function", "zeta"]
    by_name = {f["function_name"]: qualifiers_of(f["event_invoke_configs"]) for f in functions}
    assert by_name == {
        "Beta": ["$LATEST", "live"],
        "alpha": [],
        "many": sorted(many_aliases(7)),
        "my-function": ["$LATEST", "2", "live"],
        "zeta": ["$LATEST"],
    }
    for function in functions:
        assert set(function) == {"function_name", "event_invoke_configs"}
        assert {item["function_name"] for item in function["event_invoke_configs"]} <= {function["function_name"]}
        assert all(
            item["function_arn"] == f"{function_arn(function['function_name'])}:{item['qualifier']}"
            for item in function["event_invoke_configs"]
        )


def test_configs_of_region_pages_functions_and_configs():
    client = FakeLambda(region_functions(), page_size=3, function_page_size=2)
    info.configs_of_region(client)
    operations = client.operations()
    assert operations[:3] == ["ListFunctions"] * 3  # 5 functions, 2 a page
    listed = [
        call.params["FunctionName"] for call in client.calls if call.operation == "ListFunctionEventInvokeConfigs"
    ]
    # One call per function, and three for "many" (7 configs, 3 a page); nothing else is called.
    assert sorted(listed) == sorted(["zeta", "my-function", "alpha", "Beta"] + ["many"] * 3)
    assert set(operations) == {"ListFunctions", "ListFunctionEventInvokeConfigs"}


def test_configs_of_region_without_functions():
    client = FakeLambda({})
    assert info.configs_of_region(client) == []
    assert client.operations() == ["ListFunctions"]


def test_configs_of_region_function_deleted_meanwhile_has_no_configs():
    client = FakeLambda(region_functions())
    real_list = client.list_function_event_invoke_configs

    def deleted_zeta(**params):
        if params["FunctionName"] == "zeta":
            raise client_error(
                "ResourceNotFoundException",
                {"message": "The function doesn't exist."},
                "ListFunctionEventInvokeConfigs",
                404,
            )
        return real_list(**params)

    client.list_function_event_invoke_configs = deleted_zeta
    functions = info.configs_of_region(client)
    assert functions[-1] == {"function_name": "zeta", "event_invoke_configs": []}
    assert len(functions) == 5


def test_configs_of_region_list_functions_error_fails():
    client = FakeLambda(region_functions())
    client.failures["ListFunctions"] = [
        client_error("AccessDeniedException", {"message": "not allowed"}, "ListFunctions", 403)
    ]
    with pytest.raises(EventInvokeConfigError) as raised:
        info.configs_of_region(client)
    assert "functions" in raised.value.message
    assert client.operations() == ["ListFunctions"]


def test_configs_of_region_config_list_error_names_the_function():
    client = FakeLambda(region_functions())
    client.failures["ListFunctionEventInvokeConfigs"] = [
        client_error("AccessDeniedException", {"message": "not allowed"}, "ListFunctionEventInvokeConfigs", 403)
    ]
    with pytest.raises(EventInvokeConfigError) as raised:
        info.configs_of_region(client)
    assert "Beta" in raised.value.message  # the first function in name order


def test_configs_of_region_with_checks_gives_every_config_its_destination_health():
    queues = FakeService(
        get_queue_url=lambda QueueName, QueueOwnerAWSAccountId: {"QueueUrl": QueueName},
        get_queue_attributes=lambda QueueUrl, AttributeNames: {"Attributes": {}},
    )
    topics = FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"FifoTopic": "true"}})
    clients = {"sqs": queues, "sns": topics, "iam": simulator()}
    checks = DestinationChecks(lambda service, region: clients[service])
    client = FakeLambda(region_functions())
    functions = info.configs_of_region(client, workers=2, checks=checks)
    health = {
        (item["function_name"], item["qualifier"]): item["destination_health"]
        for function in functions
        for item in function["event_invoke_configs"]
    }
    assert len(health) == 13
    assert health[("my-function", "live")]["on_success"]["state"] == "ok"
    assert health[("my-function", "live")]["on_failure"]["state"] == "fifo"
    assert health[("zeta", "$LATEST")] == {"on_success": None, "on_failure": None}
    assert client.operations().count("GetFunctionConfiguration") == 1  # only my-function has destinations
    assert queues.operations() == ["get_queue_url", "get_queue_attributes"]


# --- main() ---------------------------------------------------------------------------------------------------------

MAIN_CONFIG = {"MaximumRetryAttempts": 1, "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": QUEUE}}}


def test_main_reads_every_config_of_a_function(monkeypatch, capsys):
    client = FakeLambda({"my-function": {"$LATEST": MAIN_CONFIG, "1": None}})
    result = run_main(info, {"function_name": "my-function"}, {"lambda": client}, monkeypatch, capsys)
    (config,) = result["event_invoke_configs"]
    assert (result["changed"], config["qualifier"], config["maximum_retry_attempts"]) == (False, "$LATEST", 1)
    assert config["destination_config"]["on_failure"] == {"destination": QUEUE}
    assert client.operations() == ["ListFunctionEventInvokeConfigs"]


def test_main_audits_the_region(monkeypatch, capsys):
    client = FakeLambda({"first": {"$LATEST": MAIN_CONFIG}, "second": {"$LATEST": None}})
    result = run_main(info, {}, {"lambda": client}, monkeypatch, capsys)
    assert [function["function_name"] for function in result["functions"]] == ["first", "second"]
    assert [config["function_name"] for config in result["event_invoke_configs"]] == ["first"]


def test_main_refuses_a_bad_option_before_any_call(monkeypatch, capsys):
    client = FakeLambda({})
    result = run_main(info, {"metrics_hours": 0}, {"lambda": client}, monkeypatch, capsys)
    assert (result["failed"], result["option"]) == (True, "metrics_hours")
    assert client.calls == []
