# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""converge(): reads, plans, writes and results, for one config (a fleet of one) and for many."""

import threading
import types
from concurrent.futures import ThreadPoolExecutor

import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import FN_ARN
from lambda_fakes import NO_DESTINATIONS
from lambda_fakes import QUEUE
from lambda_fakes import REGION
from lambda_fakes import TOPIC
from lambda_fakes import FakeLambda
from lambda_fakes import FakeService
from lambda_fakes import client_error
from lambda_fakes import destination_config as destinations
from lambda_fakes import function_arn
from lambda_fakes import invalid_parameter
from lambda_fakes import no_config
from lambda_fakes import simulator
from lambda_fakes import throttled

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.serverless.aws_lambda.plugins.module_utils import pacing
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import group_by_function
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import purge_qualifiers
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import CONFIG_OPTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import Request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import Outcome
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import failure_message

FIFO_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures.fifo"
OTHER_ACCOUNT_SELF = function_arn("my-function", "210987654321")
LAST_MODIFIED = "2026-11-27T14:03:12+00:00"

# $LATEST before each single-config test: 2 retries, 60 seconds, a success queue, no failure destination.
CURRENT = {
    "MaximumRetryAttempts": 2,
    "MaximumEventAgeInSeconds": 60,
    "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {}},
}


def aws(**qualifiers):
    """The fake's account: my-function with $LATEST, version 1 and alias prod, configs as given."""
    functions = {"my-function": {"$LATEST": None, "1": None, "prod": None}}
    functions["my-function"].update({q.replace("LATEST", "$LATEST"): c for q, c in qualifiers.items()})
    return functions


def single(**options):
    """The Request of a task that manages one config with its top-level options."""
    params = dict.fromkeys(CONFIG_OPTIONS)
    params.update(function_name="my-function", state="present", destination_retry_timeout=0)
    params.update(options)
    return build_requests([(None, params)], params, REGION)


def fleet(*items, **defaults):
    top = dict.fromkeys(CONFIG_OPTIONS)
    top.update(state="present", destination_retry_timeout=0)
    top.update(defaults)
    labelled = [(f"configs[{index}]", dict(dict.fromkeys(CONFIG_OPTIONS), **item)) for index, item in enumerate(items)]
    return build_requests(labelled, top, REGION)


def view(qualifier, retries=None, event_age=None, on_success=None, on_failure=None, *, last_modified=LAST_MODIFIED):
    return {
        "function_arn": f"{FN_ARN}:{qualifier}",
        "qualifier": qualifier,
        "last_modified": last_modified,
        "maximum_retry_attempts": retries,
        "maximum_event_age_in_seconds": event_age,
        "destination_config": destinations(on_success, on_failure),
    }


# --- one config: no change ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"maximum_retry_attempts": 2},
        {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 60},
        {"destination_config": destinations(QUEUE)},
        {"function_name": "my-function:$LATEST", "maximum_retry_attempts": 2},
        {"function_name": FN_ARN, "qualifier": "$LATEST", "maximum_retry_attempts": 2},
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_no_op_makes_one_get(options, check_mode):
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(client, single(**options), check_mode=check_mode)
    assert outcome.changed is False
    assert outcome.error is None
    assert outcome.config == view("$LATEST", 2, 60, QUEUE)
    assert client.operations() == ["GetFunctionEventInvokeConfig"]


@pytest.mark.parametrize(
    "options",
    [{"destination_config": {}}, {"destination_config": destinations()}, {}, {"state": "absent"}],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_nothing_to_set_where_there_is_no_config_is_a_no_op(options, check_mode):
    client = FakeLambda(aws())
    (outcome,) = converge(client, single(qualifier="prod", **options), check_mode=check_mode)
    assert (outcome.changed, outcome.config, outcome.error) == (False, {}, None)
    assert client.operations() == ["GetFunctionEventInvokeConfig"]


# --- one config: check mode ----------------------------------------------------------------------------------------


def preflight(denied=()):
    """DestinationChecks over an account whose topic exists and whose role may do all but ``denied``."""
    topic = FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {}})
    clients = {"sns": topic, "iam": simulator(denied)}
    return DestinationChecks(lambda service, region: clients[service])


def test_the_preflight_reads_only_the_destinations_a_write_sends():
    on_failure = {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}}
    client = FakeLambda(aws(LATEST=dict(CURRENT, DestinationConfig=on_failure)))
    # The config has the topic already: an Update of the retries does not send it, so it is not judged.
    (outcome,) = converge(client, single(maximum_retry_attempts=0), checks=preflight([("sns:Publish", TOPIC)]))
    assert (outcome.error, outcome.changed) == (None, True)
    assert client.operations() == ["GetFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig"]


def test_check_mode_predicts_a_change_without_a_write():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=TOPIC)), check_mode=True)
    assert outcome.changed is True
    assert outcome.config == view("$LATEST", 2, 60, None, TOPIC, last_modified=None)
    assert outcome.diff() == {
        "before": {
            "maximum_retry_attempts": 2,
            "maximum_event_age_in_seconds": 60,
            "destination_config": destinations(QUEUE),
        },
        "after": {
            "maximum_retry_attempts": 2,
            "maximum_event_age_in_seconds": 60,
            "destination_config": destinations(on_failure=TOPIC),
        },
        "before_header": "function my-function (qualifier $LATEST)",
        "after_header": "function my-function (qualifier $LATEST)",
    }
    assert client.operations() == ["GetFunctionEventInvokeConfig"]


@pytest.mark.parametrize(
    "options, qualifier",
    [({}, "$LATEST"), ({"qualifier": "prod"}, "prod"), ({"function_name": f"{FN_ARN}:1"}, "1")],
)
def test_check_mode_create_predicts_the_function_arn(options, qualifier):
    client = FakeLambda(aws())
    (outcome,) = converge(client, single(maximum_retry_attempts=1, **options), check_mode=True)
    assert outcome.changed is True
    assert outcome.config == view(qualifier, 1, last_modified=None)
    assert client.operations() == ["GetFunctionEventInvokeConfig", "GetFunctionConfiguration"]


@pytest.mark.parametrize("options", [{"function_name": "nosuch"}, {"qualifier": "7"}])
def test_check_mode_predicts_a_missing_function_with_aws_detail(options):
    client = FakeLambda(aws())
    (outcome,) = converge(client, single(maximum_retry_attempts=1, **options), check_mode=True)
    assert outcome.changed is False
    assert "does not exist in this account and region" in outcome.error.message
    assert "check mode predicts this failure of a real run" in outcome.error.message
    assert outcome.error.exception.response["Error"]["Code"] == "ResourceNotFoundException"
    assert client.writes == []


def test_check_mode_and_real_run_tell_the_same_missing_function():
    real, check = FakeLambda(aws()), FakeLambda(aws())
    (failed,) = converge(real, single(qualifier="7", maximum_retry_attempts=1))
    (predicted,) = converge(check, single(qualifier="7", maximum_retry_attempts=1), check_mode=True)
    assert predicted.error.message.startswith(failed.error.message)
    assert real.operations() == ["GetFunctionEventInvokeConfig", "PutFunctionEventInvokeConfig"]
    assert check.writes == []


# --- one config: real runs ---------------------------------------------------------------------------------------


def test_create_puts_the_managed_settings():
    client = FakeLambda(aws())
    (outcome,) = converge(
        client, single(qualifier="prod", maximum_retry_attempts=1, destination_config=destinations(on_failure=TOPIC))
    )
    assert outcome.changed is True
    assert outcome.config == view("prod", 1, None, None, TOPIC)
    assert client.writes == [
        (
            "PutFunctionEventInvokeConfig",
            False,
            {
                "FunctionName": "my-function",
                "Qualifier": "prod",
                "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
            },
        )
    ]


def test_integer_change_updates_only_that_field():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(client, single(maximum_retry_attempts=0))
    assert outcome.config == view("$LATEST", 0, 60, QUEUE)
    assert client.writes == [
        ("UpdateFunctionEventInvokeConfig", False, {"FunctionName": "my-function", "MaximumRetryAttempts": 0})
    ]


def test_destination_removal_puts_the_full_desired_state():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=TOPIC)))
    assert outcome.config == view("$LATEST", 2, 60, None, TOPIC)
    assert client.writes == [
        (
            "PutFunctionEventInvokeConfig",
            False,
            {
                "FunctionName": "my-function",
                "MaximumRetryAttempts": 2,
                "MaximumEventAgeInSeconds": 60,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
            },
        )
    ]


def test_update_race_falls_back_to_a_put_of_the_managed_settings_only():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    client.failures["UpdateFunctionEventInvokeConfig"] = [
        no_config("UpdateFunctionEventInvokeConfig", f"{FN_ARN}:$LATEST")
    ]
    (outcome,) = converge(client, single(maximum_event_age_in_seconds=120))
    assert outcome.changed is True
    assert outcome.config == view("$LATEST", None, 120)
    assert client.writes[1] == (
        "PutFunctionEventInvokeConfig",
        False,
        {"FunctionName": "my-function", "MaximumEventAgeInSeconds": 120, "DestinationConfig": NO_DESTINATIONS},
    )


def test_update_on_a_deleted_function_fails_naming_it():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    client.on_call = lambda call: call.operation.startswith("Update") and client.functions.clear()
    (outcome,) = converge(client, single(maximum_retry_attempts=0))
    assert outcome.changed is False
    assert outcome.message().startswith("Cannot configure function my-function (qualifier $LATEST): ")
    assert len(client.writes) == 1


def test_destination_retry_timeout_reaches_the_write():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    client.failures["PutFunctionEventInvokeConfig"] = [invalid_parameter(f"The destination ARN {TOPIC} is invalid.")]
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=TOPIC)))
    assert "destination_retry_timeout left no time to retry" in outcome.error.message
    assert f"sns:Publish on {TOPIC}" in outcome.error.message


# --- one config: absent --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_the_config(check_mode):
    client = FakeLambda(aws(prod=dict(CURRENT)))
    (outcome,) = converge(client, single(qualifier="prod", state="absent"), check_mode=check_mode)
    assert (outcome.changed, outcome.config) == (True, {})
    assert outcome.diff()["after"] == {}
    expected = (
        []
        if check_mode
        else [("DeleteFunctionEventInvokeConfig", False, {"FunctionName": "my-function", "Qualifier": "prod"})]
    )
    assert client.writes == expected


def test_delete_that_finds_the_config_gone_is_still_a_change_and_says_so_in_the_diff():
    client = FakeLambda(aws(prod=dict(CURRENT)))
    client.failures["DeleteFunctionEventInvokeConfig"] = [
        no_config("DeleteFunctionEventInvokeConfig", f"{FN_ARN}:prod")
    ]
    (outcome,) = converge(client, single(qualifier="prod", state="absent"))
    assert outcome.changed is True
    assert outcome.error is None
    diff = outcome.diff()
    assert diff["before"]["maximum_retry_attempts"] == 2
    assert diff["after"] == {}


# --- one config: values the task does not manage --------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_unmanaged_fifo_destination_is_kept_with_a_warning(check_mode):
    client = FakeLambda(
        aws(
            prod={
                "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": FIFO_QUEUE}},
            }
        )
    )
    (outcome,) = converge(client, single(qualifier="prod", maximum_retry_attempts=1), check_mode=check_mode)
    assert outcome.error is None
    assert outcome.changed is True
    assert outcome.config["destination_config"] == destinations(on_failure=FIFO_QUEUE)
    assert len(outcome.warnings) == 1
    assert f"on_failure destination {FIFO_QUEUE} is a FIFO queue" in outcome.warnings[0]
    expected = (
        []
        if check_mode
        else [
            (
                "UpdateFunctionEventInvokeConfig",
                False,
                {"FunctionName": "my-function", "Qualifier": "prod", "MaximumRetryAttempts": 1},
            )
        ]
    )
    assert client.writes == expected


@pytest.mark.parametrize("destination", [f"{FN_ARN}:prod", "arn:aws:s3:::Old_Bucket_Name"])
def test_unmanaged_destination_the_checks_would_refuse_is_not_judged(destination):
    client = FakeLambda(
        aws(
            prod={
                "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": destination}},
            }
        )
    )
    (outcome,) = converge(client, single(qualifier="prod", maximum_retry_attempts=0))
    assert (outcome.error, outcome.changed, outcome.warnings) == (None, True, [])
    assert client.writes[0].params == {"FunctionName": "my-function", "Qualifier": "prod", "MaximumRetryAttempts": 0}


# --- one config: the function as its own destination ----------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_self_destination_refused_from_the_config_arn_before_a_write(check_mode):
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=FN_ARN)), check_mode=check_mode)
    assert isinstance(outcome.error, InvalidOptionError)
    assert outcome.message() == (
        f"function my-function (qualifier $LATEST): destination_config.on_failure.destination={FN_ARN!r} is the "
        "function my-function itself; a function cannot be its own destination. Use another function, a queue, "
        "a topic or an event bus."
    )
    assert client.writes == []


def test_check_mode_predicts_the_self_destination_refusal_from_the_function_arn():
    client = FakeLambda(aws())
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=FN_ARN)), check_mode=True)
    assert "cannot be its own destination" in outcome.message()
    assert client.operations() == ["GetFunctionEventInvokeConfig", "GetFunctionConfiguration"]


def test_real_create_with_a_bare_name_leaves_the_self_destination_to_aws():
    client = FakeLambda(aws())
    client.failures["PutFunctionEventInvokeConfig"] = [
        invalid_parameter("You can't specify the function as a destination for itself.")
    ]
    (outcome,) = converge(client, single(destination_config=destinations(on_failure=FN_ARN)))
    assert "A function cannot be its own destination; choose another destination" in outcome.message()
    assert client.operations() == ["GetFunctionEventInvokeConfig", "PutFunctionEventInvokeConfig"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_same_name_in_another_account_is_a_valid_destination(check_mode):
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (outcome,) = converge(
        client, single(destination_config=destinations(on_failure=OTHER_ACCOUNT_SELF)), check_mode=check_mode
    )
    assert outcome.error is None
    assert outcome.config["destination_config"] == destinations(on_failure=OTHER_ACCOUNT_SELF)


# --- many configs ---------------------------------------------------------------------------------------------------


def many_functions(count, configs=None):
    return {
        f"fn-{n:02d}": {"$LATEST": dict(configs) if configs else None, "1": None, "live": None} for n in range(count)
    }


def test_reads_one_get_for_one_qualifier_and_one_list_for_several():
    client = FakeLambda({"a": {"$LATEST": None, "1": None}, "b": {"$LATEST": None}})
    outcomes = converge(
        client,
        fleet({"function_name": "a"}, {"function_name": "b"}, {"function_name": "a:1"}, maximum_retry_attempts=1),
        check_mode=True,
    )
    reads = sorted(
        (call.operation, call.params["FunctionName"])
        for call in client.calls
        if call.operation != "GetFunctionConfiguration"
    )
    assert reads == [("GetFunctionEventInvokeConfig", "b"), ("ListFunctionEventInvokeConfigs", "a")]
    assert [(o.request.target.name, o.request.target.key_qualifier) for o in outcomes] == [
        ("a", "$LATEST"),
        ("b", "$LATEST"),
        ("a", "1"),
    ]


@pytest.mark.parametrize("workers", [1, 4])
def test_apply_and_reapply_many_functions(workers):
    client = FakeLambda(many_functions(12))
    items = [{"function_name": f"fn-{n:02d}", "qualifier": q} for n in range(12) for q in ("$LATEST", "1", "live")]
    outcomes = converge(client, fleet(*items, maximum_retry_attempts=1), workers=workers)
    assert [o.changed for o in outcomes] == [True] * 36
    assert [o.config["function_arn"] for o in outcomes] == [
        f"{function_arn(item['function_name'])}:{item['qualifier']}" for item in items
    ]
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 12
    assert client.operations().count("PutFunctionEventInvokeConfig") == 36
    client.calls.clear()
    again = converge(client, fleet(*items, maximum_retry_attempts=1), workers=workers)
    assert [o.changed for o in again] == [False] * 36
    assert client.operations() == ["ListFunctionEventInvokeConfigs"] * 12


def test_each_function_is_worked_on_by_one_thread_in_plan_order():
    client = FakeLambda(many_functions(8))
    threads = {}
    client.on_call = lambda call: threads.setdefault(call.params["FunctionName"], set()).add(threading.get_ident())
    items = [{"function_name": f"fn-{n:02d}", "qualifier": q} for q in ("live", "$LATEST", "1") for n in range(8)]
    converge(client, fleet(*items, maximum_event_age_in_seconds=60), workers=4)
    assert all(len(idents) == 1 for idents in threads.values())
    for n in range(8):
        writes = [c.params.get("Qualifier") for c in client.writes if c.params["FunctionName"] == f"fn-{n:02d}"]
        assert writes == ["live", "$LATEST", "1"]


def test_a_missing_function_fails_its_own_items_only():
    client = FakeLambda(many_functions(3))
    items = [
        {"function_name": "fn-00", "qualifier": "$LATEST"},
        {"function_name": "gone", "qualifier": "$LATEST"},
        {"function_name": "gone", "qualifier": "1", "state": "absent"},
        {"function_name": "fn-01"},
        {"function_name": "gone", "qualifier": "live"},
    ]
    outcomes = converge(client, fleet(*items, maximum_retry_attempts=0), workers=2)
    assert [o.error is None for o in outcomes] == [True, False, True, True, False]
    assert [o.changed for o in outcomes] == [True, False, False, True, False]
    assert sorted(c.params["FunctionName"] for c in client.writes) == ["fn-00", "fn-01"]
    assert failure_message(outcomes, check_mode=False) == (
        "2 of 5 configs failed; the others were applied. [Cannot configure function gone: it does not exist in this "
        "account and region. Create it first, or fix function_name and region: An error occurred (ResourceNotFoundException) "
        "when calling the ListFunctionEventInvokeConfigs operation: The function doesn't exist. (qualifiers $LATEST, live)]"
    )


def test_update_race_whose_put_is_rejected_fails_with_the_destination_advice():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    client.failures["UpdateFunctionEventInvokeConfig"] = [
        no_config("UpdateFunctionEventInvokeConfig", f"{FN_ARN}:$LATEST")
    ]
    client.failures["PutFunctionEventInvokeConfig"] = [invalid_parameter(f"The destination ARN {QUEUE} is invalid.")]
    (outcome,) = converge(client, single(destination_config=destinations(on_success=QUEUE, on_failure=TOPIC)))
    assert "AWS rejected the destination and destination_retry_timeout left no time to retry" in outcome.message()


def test_failure_message_of_a_check_run_names_every_failure_up_to_five():
    items = [{"function_name": "fn-00"}] + [{"function_name": f"gone-{n}"} for n in range(5)]
    outcomes = converge(FakeLambda(many_functions(1)), fleet(*items, maximum_retry_attempts=0), check_mode=True)
    message = failure_message(outcomes, check_mode=True)
    assert message.startswith(
        "5 of 6 configs failed; the others were checked; check mode changed nothing. [Cannot configure function gone-0 "
    )
    assert message.count("] [Cannot configure function gone-") == 4 and message.endswith("]")


def test_failure_message_tells_a_failure_of_one_function_once_by_its_words():
    items = [{"function_name": "a", "qualifier": qualifier} for qualifier in ("$LATEST", "live", "blue")]
    outcomes = [Outcome(request) for request in fleet(*items, {"function_name": "b"})]
    for outcome, words in zip(
        outcomes, ("another account's role", "another account's role", "no role", "another account's role")
    ):
        outcome.error = InvalidOptionError(words)  # four errors, two texts
    assert failure_message(outcomes, check_mode=False) == (
        "All 4 configs failed. [function a (qualifier $LATEST): another account's role (qualifiers $LATEST, live)] "
        "[function a (qualifier blue): no role] [function b (qualifier $LATEST): another account's role]"
    )


def test_failure_message_when_every_config_failed_names_the_first_five():
    outcomes = converge(
        FakeLambda({}), fleet(*({"function_name": f"gone-{n:02d}"} for n in range(25)), maximum_retry_attempts=0)
    )
    message = failure_message(outcomes, check_mode=True)
    assert message.startswith("All 25 configs failed. [Cannot configure function gone-00 (qualifier $LATEST): ")
    assert message.count("[Cannot configure") == 5
    assert message.endswith("The function doesn't exist.] ... and 20 more; configs gives the msg of every failed item.")


def test_a_failed_write_does_not_stop_the_next_config_of_the_function():
    client = FakeLambda(many_functions(1))
    denied = client_error("AccessDeniedException", {"Message": "not allowed"}, "PutFunctionEventInvokeConfig", 403)
    client.failures["PutFunctionEventInvokeConfig"] = [denied]
    outcomes = converge(
        client, fleet({"function_name": "fn-00"}, {"function_name": "fn-00:1"}, maximum_retry_attempts=1)
    )
    assert outcomes[0].message() == (
        "Failed to put the event invoke config of function fn-00 (qualifier $LATEST): " + str(denied)
    )
    assert (outcomes[1].error, outcomes[1].changed) == (None, True)
    assert client.functions["fn-00"]["1"] == {"MaximumRetryAttempts": 1, "DestinationConfig": NO_DESTINATIONS}


def test_a_read_that_fails_fails_the_items_of_that_function():
    client = FakeLambda(many_functions(2))
    client.failures["ListFunctionEventInvokeConfigs"] = [
        client_error("AccessDeniedException", {"Message": "no"}, "ListFunctionEventInvokeConfigs", 403)
    ]
    outcomes = converge(
        client,
        fleet(
            {"function_name": "fn-00"},
            {"function_name": "fn-00:1"},
            {"function_name": "fn-01"},
            maximum_retry_attempts=1,
        ),
    )
    assert [isinstance(o.error, EventInvokeConfigError) for o in outcomes] == [True, True, False]
    assert outcomes[0].error.message == "Failed to list the event invoke configs of function fn-00"


# --- purge -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_purge_deletes_the_configs_of_named_functions_on_unlisted_qualifiers(check_mode):
    functions = many_functions(2, {"MaximumRetryAttempts": 1})
    functions["fn-00"]["live"] = {"MaximumRetryAttempts": 2}
    functions["fn-00"]["1"] = {"MaximumRetryAttempts": 0}
    client = FakeLambda(functions)
    outcomes = converge(
        client, fleet({"function_name": "fn-00", "maximum_retry_attempts": 1}), purge=True, check_mode=check_mode
    )
    assert [(o.request.target.key_qualifier, o.purged, o.changed) for o in outcomes] == [
        ("$LATEST", False, False),
        ("1", True, True),
        ("live", True, True),
    ]
    assert [o.result()["state"] for o in outcomes] == ["present", "absent", "absent"]
    assert outcomes[2].diff()["before"]["maximum_retry_attempts"] == 2
    expected = [] if check_mode else [("1",), ("live",)]
    assert [(c.params["Qualifier"],) for c in client.writes] == expected
    assert client.functions["fn-01"]["$LATEST"] == {"MaximumRetryAttempts": 1}


def test_purge_on_a_missing_function_purges_nothing():
    client = FakeLambda({})
    outcomes = converge(client, fleet({"function_name": "gone", "state": "absent"}), purge=True)
    assert [(o.changed, o.error) for o in outcomes] == [(False, None)]
    assert client.operations() == ["ListFunctionEventInvokeConfigs"]


# --- results --------------------------------------------------------------------------------------------------------


def test_result_entries_in_the_task_order():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    outcomes = converge(
        client,
        fleet(
            {"function_name": "my-function", "qualifier": "prod", "maximum_retry_attempts": 0},
            {"function_name": "nosuch", "maximum_retry_attempts": 0},
            {"function_name": "my-function"},
        ),
    )
    results = [o.result() for o in outcomes]
    assert results[0] == {
        "function_name": "my-function",
        "qualifier": "prod",
        "state": "present",
        "changed": True,
        "event_invoke_config": view("prod", 0),
    }
    assert results[1]["failed"] is True
    assert results[1]["msg"].startswith("Cannot configure function nosuch (qualifier $LATEST): the function")
    assert (results[1]["changed"], results[1]["event_invoke_config"]) == (False, {})
    assert results[2] == {
        "function_name": "my-function",
        "qualifier": "$LATEST",
        "state": "present",
        "changed": False,
        "event_invoke_config": view("$LATEST", 2, 60, QUEUE),
    }


def test_info_items_round_trip_as_a_no_op():
    functions = many_functions(3, {"MaximumEventAgeInSeconds": 600})
    functions["fn-01"]["live"] = {"DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}}}
    client = FakeLambda(functions)
    info_items = [
        {
            "function_name": name,
            "function_arn": f"{function_arn(name)}:{qualifier}",
            "qualifier": qualifier,
            "last_modified": LAST_MODIFIED,
            "maximum_retry_attempts": None,
            "maximum_event_age_in_seconds": config.get("MaximumEventAgeInSeconds"),
            "destination_config": destinations(
                on_failure=(config.get("DestinationConfig") or {}).get("OnFailure", {}).get("Destination")
            ),
        }
        for name, qualifiers in functions.items()
        for qualifier, config in qualifiers.items()
        if config
    ]
    outcomes = converge(client, fleet(*info_items), purge=True)
    assert [o.changed for o in outcomes] == [False] * 4
    assert client.writes == []


# --- retries --------------------------------------------------------------------------------------------------------


def test_throttled_reads_are_retried_and_converge(monkeypatch):
    sleeps = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    client = FakeLambda(many_functions(2))
    client.failures["ListFunctionEventInvokeConfigs"] = [throttled("ListFunctionEventInvokeConfigs")] * 2
    outcomes = converge(
        client, fleet({"function_name": "fn-00"}, {"function_name": "fn-00:1"}, maximum_retry_attempts=1)
    )
    assert [(o.error, o.changed) for o in outcomes] == [(None, True), (None, True)]
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 3
    assert len(sleeps) == 2


# --- grouping and purge ---------------------------------------------------------------------------------------


def test_group_by_function_keeps_first_appearance_order():
    requests = [Request(parse_function_name(name), "present", {}, 0) for name in ("b", "a:1", "b:2", f"{FN_ARN}", "a")]
    assert group_by_function(requests) == {"b": [0, 2], "a": [1, 4], "my-function": [3]}


@pytest.mark.parametrize(
    "listed, named, expected",
    [
        (["$LATEST", "1", "prod"], ["$LATEST"], ["1", "prod"]),
        (["prod", "10", "2", "$LATEST"], ["2"], ["$LATEST", "10", "prod"]),
        (["$LATEST"], ["$LATEST", "prod"], []),
        ([], ["$LATEST"], []),
        (["10", "alias", "9", "$LATEST"], [], ["$LATEST", "9", "10", "alias"]),  # versions by number
    ],
)
def test_purge_qualifiers_are_the_listed_ones_no_request_names(listed, named, expected):
    requests = [Request(parse_function_name("f", qualifier), "present", {}, 0) for qualifier in named]
    assert purge_qualifiers(listed, requests) == expected


# --- mutation-tested details (make mutation) -------------------------------------------------------------------------


def test_an_outcome_whose_read_failed_has_an_empty_diff_and_no_warnings():
    client = FakeLambda(aws())
    client.failures["GetFunctionEventInvokeConfig"] = [
        client_error("AccessDeniedException", {"Message": "no"}, "GetFunctionEventInvokeConfig", 403)
    ]
    (outcome,) = converge(client, single(maximum_retry_attempts=1))
    header = "function my-function (qualifier $LATEST)"
    assert outcome.diff() == {"before": {}, "after": {}, "before_header": header, "after_header": header}
    assert outcome.warnings == []
    assert outcome.result()["failed"] is True


def test_diff_after_is_the_config_as_it_stays_or_as_aws_wrote_it():
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    (unchanged,) = converge(client, single(maximum_retry_attempts=2))
    (written,) = converge(client, single(maximum_retry_attempts=0))
    assert unchanged.diff()["after"] == {
        "maximum_retry_attempts": 2,
        "maximum_event_age_in_seconds": 60,
        "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": None},
    }
    assert written.diff()["after"] == {
        "maximum_retry_attempts": 0,
        "maximum_event_age_in_seconds": 60,
        "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": None},
    }


def test_only_purged_results_say_purged():
    functions = many_functions(1, {"MaximumRetryAttempts": 1})
    functions["fn-00"]["live"] = {"MaximumRetryAttempts": 2}
    outcomes = converge(FakeLambda(functions), fleet({"function_name": "fn-00"}), purge=True)
    assert [o.result().get("purged") for o in outcomes] == [None, True]


def test_without_purge_the_other_configs_of_a_listed_function_stay():
    functions = many_functions(1, {"MaximumRetryAttempts": 1})
    functions["fn-00"]["live"] = {"MaximumRetryAttempts": 2}
    client = FakeLambda(functions)
    outcomes = converge(client, fleet({"function_name": "fn-00"}, {"function_name": "fn-00:1"}))
    assert [o.request.target.key_qualifier for o in outcomes] == ["$LATEST", "1"]
    assert client.functions["fn-00"]["live"] == {"MaximumRetryAttempts": 2}


def test_self_destination_refused_from_another_config_of_the_function():
    """A new config named by its bare name: the ARN of another config read in the same List names the account."""
    client = FakeLambda(aws(LATEST=dict(CURRENT)))
    outcomes = converge(
        client,
        fleet(
            {"function_name": "my-function"},
            {"function_name": "my-function:1", "destination_config": destinations(on_failure=FN_ARN)},
        ),
    )
    assert isinstance(outcomes[1].error, InvalidOptionError)
    assert client.writes == []


@pytest.mark.parametrize(
    "workers, function_count, pools",
    [
        (None, 3, []),  # the default is one at a time, in the caller's thread
        (1, 3, []),
        (2, 2, [2]),
        (2, 3, [2]),
        (8, 3, [3]),
        (4, 1, []),
    ],
)
def test_converge_opens_a_pool_of_at_most_workers_threads_only_for_several_functions(
    monkeypatch, workers, function_count, pools
):
    opened = []

    class RecordingPool(ThreadPoolExecutor):
        def __init__(self, max_workers):
            opened.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(pacing, "ThreadPoolExecutor", RecordingPool)
    requests = fleet(*[{"function_name": f"fn-{n:02d}"} for n in range(function_count)], maximum_retry_attempts=1)
    kwargs = {} if workers is None else {"workers": workers}
    outcomes = converge(FakeLambda(many_functions(function_count)), requests, **kwargs)
    assert [(o.error, o.changed) for o in outcomes] == [(None, True)] * function_count
    assert opened == pools
