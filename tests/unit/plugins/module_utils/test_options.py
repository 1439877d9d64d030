# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from lambda_fakes import ACCOUNT
from lambda_fakes import BUCKET
from lambda_fakes import FN_ARN
from lambda_fakes import QUEUE
from lambda_fakes import REGION
from lambda_fakes import TOPIC
from lambda_fakes import destination_config
from lambda_fakes import settings

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import FUNCTION_NAME_FORMS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import FunctionTarget
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import CONFIG_OPTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import Request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import info_argument_spec
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import item_params
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import module_argument_spec
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import validate_metrics_hours
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import validate_pacing
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES


def params(**options):
    """Module parameters as AnsibleModule gives them: every option present, None when left out."""
    base = {
        "function_name": "my-function",
        "qualifier": None,
        "state": "present",
        RETRIES: None,
        EVENT_AGE: None,
        "destination_config": None,
        "destination_retry_timeout": 120,
    }
    base.update(options)
    return base


# --- build_request ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [
        (RETRIES, 0),
        (RETRIES, 1),
        (RETRIES, 2),
        (EVENT_AGE, 60),
        (EVENT_AGE, 61),
        (EVENT_AGE, 21599),
        (EVENT_AGE, 21600),
    ],
)
def test_build_request_accepts_values_in_range(option, value):
    assert build_request(params(**{option: value})).managed == {option: value}


@pytest.mark.parametrize(
    "option, value, low, high",
    [
        (RETRIES, -1, 0, 2),
        (RETRIES, 3, 0, 2),
        (RETRIES, 100, 0, 2),
        (EVENT_AGE, 0, 60, 21600),
        (EVENT_AGE, 59, 60, 21600),
        (EVENT_AGE, 21601, 60, 21600),
        (EVENT_AGE, -60, 60, 21600),
    ],
)
def test_build_request_refuses_values_out_of_range(option, value, low, high):
    with pytest.raises(InvalidOptionError) as raised:
        build_request(params(**{option: value}))
    assert raised.value.option == option
    assert str(raised.value) == f"{option}={value} is out of range: use a whole number from {low} to {high}."


def test_build_request_leaves_out_options_unmanaged():
    request = build_request(params())
    assert request.managed == {}
    assert request.target == FunctionTarget("my-function", None, None, None, None, "my-function")


@pytest.mark.parametrize(
    "given, managed",
    [
        ({}, {"on_success": None, "on_failure": None}),
        (destination_config(), {"on_success": None, "on_failure": None}),
        (destination_config(on_success=QUEUE), {"on_success": QUEUE, "on_failure": None}),
        ({"on_success": {"destination": QUEUE}}, {"on_success": QUEUE, "on_failure": None}),
        (destination_config(on_failure=BUCKET), {"on_success": None, "on_failure": BUCKET}),
        ({"on_failure": {"destination": TOPIC}}, {"on_success": None, "on_failure": TOPIC}),
        (destination_config(QUEUE, TOPIC), {"on_success": QUEUE, "on_failure": TOPIC}),
    ],
)
def test_build_request_destination_config_manages_both_sides(given, managed):
    assert build_request(params(destination_config=given)).managed == managed


def test_build_request_with_every_option():
    request = build_request(
        params(
            function_name=f"{FN_ARN}:prod",
            qualifier="prod",
            destination_config=destination_config(QUEUE, TOPIC),
            **{RETRIES: 1, EVENT_AGE: 7200},
        ),
        region=REGION,
    )
    assert request.target == FunctionTarget("my-function", "aws", REGION, ACCOUNT, "prod", FN_ARN)
    assert request.managed == settings(1, 7200, QUEUE, TOPIC)


@pytest.mark.parametrize(
    "given, option, text",
    [
        (
            destination_config(on_success=BUCKET),
            "destination_config.on_success.destination",
            "on_failure destination only",
        ),
        ({"on_failure": {"destination": "not-an-arn"}}, "destination_config.on_failure.destination", "is not an ARN"),
        (
            {"on_success": {"destination": None}},
            "destination_config.on_success.destination",
            "must be a destination ARN",
        ),
        ({"on_success": {}}, "destination_config.on_success.destination", "must be a destination ARN"),
    ],
)
def test_build_request_validates_destinations(given, option, text):
    with pytest.raises(InvalidOptionError) as raised:
        build_request(params(destination_config=given), region=REGION)
    assert raised.value.option == option
    assert text in str(raised.value)


def test_build_request_leaves_the_self_check_of_a_bare_name_until_the_account_is_known():
    given = destination_config(on_failure=FN_ARN)
    assert build_request(params(destination_config=given), region=REGION).managed["on_failure"] == FN_ARN
    with pytest.raises(InvalidOptionError, match="cannot be its own destination"):
        build_request(params(function_name=FN_ARN, destination_config=given), region=REGION)


@pytest.mark.parametrize(
    "options, option",
    [
        ({"function_name": "my-function:1", "qualifier": "2"}, "qualifier"),
        ({"function_name": "bad name"}, "function_name"),
        ({"function_name": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function"}, "function_name"),
        ({"qualifier": "bad.qualifier"}, "qualifier"),
    ],
)
def test_build_request_validates_the_target(options, option):
    with pytest.raises(InvalidOptionError) as raised:
        build_request(params(**options, **{RETRIES: 1}), region=REGION)
    assert raised.value.option == option


# --- many configs: defaults, validation, ambiguity, grouping, purge ------------------------------------------------

DEFAULTS = {
    "function_name": None,
    "qualifier": None,
    "state": "present",
    RETRIES: 1,
    EVENT_AGE: 600,
    "destination_config": destination_config(on_failure=TOPIC),
    "destination_retry_timeout": 120,
}


def item(**options):
    """A configs item as AnsibleModule gives it: every suboption present, None when left out."""
    base = dict.fromkeys(
        ("function_name", "qualifier", "state", RETRIES, EVENT_AGE, "destination_config", "destination_retry_timeout")
    )
    base.update(function_arn=None, last_modified=None)
    base.update(options)
    return base


def test_item_params_take_the_top_level_value_of_what_the_item_leaves_out():
    assert item_params(item(function_name="a", qualifier="prod", **{RETRIES: 0}), DEFAULTS) == {
        "function_name": "a",
        "qualifier": "prod",
        "state": "present",
        RETRIES: 0,
        EVENT_AGE: 600,
        "destination_config": destination_config(on_failure=TOPIC),
        "destination_retry_timeout": 120,
    }


def test_item_params_keep_every_value_the_item_sets_and_drop_read_only_keys():
    given = item(
        function_name="b",
        state="absent",
        destination_config={"on_success": None, "on_failure": None},
        destination_retry_timeout=0,
        function_arn=f"{FN_ARN}:$LATEST",
        last_modified="2026-11-27T14:03:12+00:00",
        **{RETRIES: 2, EVENT_AGE: 60},
    )
    assert item_params(given, DEFAULTS) == {
        "function_name": "b",
        "qualifier": None,
        "state": "absent",
        RETRIES: 2,
        EVENT_AGE: 60,
        "destination_config": {"on_success": None, "on_failure": None},
        "destination_retry_timeout": 0,
    }


def test_item_params_without_top_level_values():
    top = dict.fromkeys(DEFAULTS)
    assert item_params(item(function_name="c"), top) == dict(top, function_name="c")


def labelled(*items):
    return [(f"configs[{index}]", given) for index, given in enumerate(items)]


def test_build_requests_of_a_single_task_are_its_own_request():
    single = params(maximum_retry_attempts=1, state="absent")
    assert build_requests([(None, single)], single, REGION) == [
        Request(FunctionTarget("my-function", None, None, None, None, "my-function"), "absent", {RETRIES: 1}, 120)
    ]


def test_build_requests_apply_defaults_in_the_task_order():
    requests = build_requests(labelled(item(function_name="a"), item(function_name="b:prod", state="absent")), DEFAULTS)
    assert [(r.target.name, r.target.key_qualifier, r.state) for r in requests] == [
        ("a", "$LATEST", "present"),
        ("b", "prod", "absent"),
    ]
    assert requests[0].managed == {RETRIES: 1, EVENT_AGE: 600, "on_success": None, "on_failure": TOPIC}


def test_build_requests_of_a_single_task_raise_its_own_error():
    single = params(maximum_retry_attempts=3)
    with pytest.raises(InvalidOptionError) as raised:
        build_requests([(None, single)], single)
    assert raised.value.option == RETRIES
    assert str(raised.value).startswith("maximum_retry_attempts=3 is out of range")


@pytest.mark.parametrize(
    "first, second",
    [
        ("my-function", "my-function:$LATEST"),
        (f"{FN_ARN}", "my-function"),
        (f"{ACCOUNT}:function:my-function:prod", f"{FN_ARN}:prod"),
        ("my-function:3", f"{FN_ARN}:3"),
    ],
)
def test_build_requests_refuse_two_items_for_one_config(first, second):
    with pytest.raises(InvalidOptionError) as raised:
        build_requests(
            labelled(item(function_name=first), item(function_name="x"), item(function_name=second)), DEFAULTS
        )
    assert "configs[0] and configs[2] both address the config of function my-function" in str(raised.value)


def test_build_requests_accept_qualifiers_of_one_function():
    requests = build_requests(
        labelled(item(function_name="f"), item(function_name="f", qualifier="1"), item(function_name="f:prod")),
        DEFAULTS,
    )
    assert [request.target.key_qualifier for request in requests] == ["$LATEST", "1", "prod"]


@pytest.mark.parametrize(
    "option, value, message",
    [
        (RETRIES, True, "maximum_retry_attempts=True is a boolean, not a number: use a whole number from 0 to 2."),
        (
            EVENT_AGE,
            False,
            "maximum_event_age_in_seconds=False is a boolean, not a number: use a whole number from 60 to 21600.",
        ),
        (
            "destination_retry_timeout",
            True,
            "destination_retry_timeout=True is a boolean, not a number: give a number of seconds (0 or more).",
        ),
        (
            "destination_retry_timeout",
            -1,
            "destination_retry_timeout=-1 is too small: give a number of seconds (0 or more).",
        ),
    ],
)
def test_build_request_refusals_name_the_option(option, value, message):
    with pytest.raises(InvalidOptionError) as raised:
        build_request(params(**{option: value}))
    assert str(raised.value) == message
    assert raised.value.option == option


def test_build_requests_use_the_region_for_the_self_destination_check():
    itself = destination_config(on_success=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function")
    given = item(function_name=f"{ACCOUNT}:function:my-function", destination_config=itself)
    with pytest.raises(InvalidOptionError, match=r"^1 problem in configs, nothing was changed: configs\[0\]: "):
        build_requests(labelled(given), DEFAULTS, "eu-west-1")
    # In us-east-1 the same name is another function: a valid destination.
    assert len(build_requests(labelled(given), DEFAULTS, REGION)) == 1


def test_build_requests_report_every_problem_in_one_message():
    other = FN_ARN.replace(ACCOUNT, "210987654321")
    items = ("f", "f:$LATEST", "bad name", f"{FN_ARN}:1", f"{other}:2", "my-function:3", "g", "g", "ok", "h")
    given = [item(function_name=name) for name in items]
    given[-1][RETRIES] = 9
    with pytest.raises(InvalidOptionError) as raised:
        build_requests(labelled(*given), DEFAULTS)
    assert str(raised.value) == (
        "6 problems in configs, nothing was changed: configs[2]: function_name='bad name' is not a Lambda function "
        f"name or ARN: use {FUNCTION_NAME_FORMS}. "
        "configs[9]: maximum_retry_attempts=9 is out of range: use a whole number from 0 to 2. "
        "configs[0] and configs[1] both address the config of function f (qualifier $LATEST); "
        "give each config once (an unqualified function is the same config as $LATEST). "
        "configs[3] and configs[4] name function my-function with account 123456789012 and account 210987654321; "
        "name each function the same way in every item, and manage another account's functions in a task of its own. "
        "configs[3] and configs[5] name function my-function with account 123456789012 and no account (the caller's); "
        "name each function the same way in every item, and manage another account's functions in a task of its own. "
        "configs[6] and configs[7] both address the config of function g (qualifier $LATEST); "
        "give each config once (an unqualified function is the same config as $LATEST)."
    )


def test_a_bare_name_and_an_account_of_the_same_function_are_ambiguous():
    items = labelled(*(item(function_name=name) for name in ("f3:1", "999999999999:function:f3:2", "bad name")))
    with pytest.raises(InvalidOptionError) as raised:
        build_requests(items, DEFAULTS)
    assert str(raised.value).startswith("2 problems in configs, nothing was changed: configs[2]: ")
    assert "configs[0] and configs[1] name function f3 with no account" in str(raised.value)


@pytest.mark.parametrize("option", ["workers", "max_requests_per_second"])
@pytest.mark.parametrize("value", [True, False])
def test_validate_pacing_refuses_booleans(option, value):
    with pytest.raises(InvalidOptionError, match=f"^{option}={value} is a boolean, not a number") as raised:
        validate_pacing(dict({"workers": 4, "max_requests_per_second": 10}, **{option: value}))
    assert raised.value.option == option


@pytest.mark.parametrize(
    "workers, rate, message",
    [
        (0, 10, "workers=0 is too small: use 1 or more."),
        (1, -1, "max_requests_per_second=-1 is too small: use 0 (no limit) or more."),
    ],
)
def test_validate_pacing_bounds(workers, rate, message):
    validate_pacing({"workers": 1, "max_requests_per_second": 0})
    with pytest.raises(InvalidOptionError) as raised:
        validate_pacing({"workers": workers, "max_requests_per_second": rate})
    assert str(raised.value) == message


@pytest.mark.parametrize("hours", [None, 1, 360])
def test_validate_metrics_hours_accepts(hours):
    validate_metrics_hours({"metrics_hours": hours})


@pytest.mark.parametrize(
    "hours, message",
    [
        (0, "metrics_hours=0 is out of range: use a whole number from 1 to 360."),
        (361, "metrics_hours=361 is out of range: use a whole number from 1 to 360."),
        (True, "metrics_hours=True is a boolean, not a number: use a whole number from 1 to 360."),
        (False, "metrics_hours=False is a boolean, not a number: use a whole number from 1 to 360."),
    ],
)
def test_validate_metrics_hours_refuses(hours, message):
    with pytest.raises(InvalidOptionError) as raised:
        validate_metrics_hours({"metrics_hours": hours})
    assert (str(raised.value), raised.value.option) == (message, "metrics_hours")


def test_build_requests_accept_different_functions_in_different_accounts():
    other_account = f"arn:aws:lambda:{REGION}:210987654321:function:other-function"
    requests = build_requests(labelled(item(function_name=FN_ARN), item(function_name=other_account)), DEFAULTS)
    assert [(r.target.name, r.target.account) for r in requests] == [
        ("my-function", ACCOUNT),
        ("other-function", "210987654321"),
    ]


# --- argument specs, as ansible-core validates them -------------------------------------------------------------------


def validated(spec, params):
    result = ArgumentSpecValidator(spec).validate(params)
    return result.validated_parameters, [str(error) for error in result.errors]


def test_module_argument_spec_defaults_and_aliases():
    params, errors = validated(module_argument_spec(), {"name": "f"})
    assert errors == []
    assert params == dict(
        dict.fromkeys(CONFIG_OPTIONS),
        name="f",
        function_name="f",
        state="present",
        destination_retry_timeout=120,
        configs=None,
        purge_configs=False,
        validate_destinations=None,
        grant_destination_permissions=False,
        workers=4,
        max_requests_per_second=10,
    )


def test_module_argument_spec_items_inherit_instead_of_defaulting():
    item = {
        "name": "f",
        "function_arn": "arn",
        "last_modified": "then",
        "destination_config": {"on_failure": {"destination": "d"}},
    }
    params, errors = validated(module_argument_spec(), {"configs": [item]})
    assert errors == []
    assert params["configs"] == [
        dict(
            dict.fromkeys(CONFIG_OPTIONS),
            name="f",
            function_name="f",
            function_arn="arn",
            last_modified="then",
            destination_config={"on_success": None, "on_failure": {"destination": "d"}},
        )
    ]


@pytest.mark.parametrize(
    "params, error",
    [
        ({"configs": [{"qualifier": "1"}]}, "missing required arguments: function_name"),
        ({"function_name": "f", "destination_config": {"on_success": {}}}, "missing required arguments: destination"),
        ({"function_name": "f", "state": "gone"}, "value of state must be one of: present, absent"),
        ({"function_name": "f", "configs": [{"name": "f", "state": "gone"}]}, "value of state must be one of"),
        ({"function_name": "f", "workers": "many"}, "workers"),
        ({"function_name": "f", "max_requests_per_second": "fast"}, "max_requests_per_second"),
        ({"function_name": "f", "maximum_retry_attempts": "x"}, "maximum_retry_attempts"),
        ({"function_name": "f", "maximum_retry_attempts": 1.5}, "maximum_retry_attempts"),
        ({"function_name": "f", "maximum_event_age_in_seconds": "x"}, "maximum_event_age_in_seconds"),
        ({"function_name": "f", "maximum_event_age_in_seconds": 3600.5}, "maximum_event_age_in_seconds"),
        ({"function_name": "f", "maximum_retries": 1}, "maximum_retries. Supported parameters include"),
        ({"function_name": "f", "on_success": {"destination": "q"}}, "on_success. Supported parameters include"),
        ({"function_name": "f", "destination_config": {"on_error": {}}}, "on_error. Supported parameters include"),
        ({"function_name": "f", "destination_retry_timeout": "x"}, "destination_retry_timeout"),
        ({"function_name": "f", "purge_configs": "maybe"}, "purge_configs"),
        ({"function_name": "f", "configs": "f"}, "configs"),
        ({"function_name": "f", "configs": [{"name": "f", "maximum_retry_attempts": "x"}]}, "maximum_retry_attempts"),
        ({"function_name": "f", "destination_config": "x"}, "destination_config"),
        ({"function_name": "f", "destination_config": {"on_failure": "x"}}, "on_failure"),
    ],
)
def test_module_argument_spec_refusals(params, error):
    _params, errors = validated(module_argument_spec(), params)
    assert any(error in message for message in errors), errors


def test_info_argument_spec():
    assert validated(info_argument_spec(), {"name": "f", "qualifier": "1"}) == (
        dict(
            name="f",
            function_name="f",
            qualifier="1",
            destination_health=False,
            metrics_hours=None,
            workers=4,
            max_requests_per_second=10,
        ),
        [],
    )
    _params, errors = validated(info_argument_spec(), {"workers": "x", "max_requests_per_second": "y"})
    assert len(errors) == 2


@pytest.mark.parametrize(
    "spec, given, expected",
    [
        (module_argument_spec, {"validate_destinations": "yes", "grant_destination_permissions": "no"}, [True, False]),
        (info_argument_spec, {"destination_health": "yes", "metrics_hours": "24"}, [True, 24]),
    ],
)
def test_the_destination_options_convert_their_type(spec, given, expected):
    params, errors = validated(spec(), dict(given, name="f"))
    assert (errors, [params[option] for option in given]) == ([], expected)
