# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import copy

import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import BUCKET
from lambda_fakes import FN_ARN
from lambda_fakes import NO_DESTINATIONS
from lambda_fakes import QUEUE
from lambda_fakes import REGION
from lambda_fakes import TOPIC
from lambda_fakes import WHEN
from lambda_fakes import settings

from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import Request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import Plan
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import desired_settings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import plan_change
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import plan_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import unmanaged_warnings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import update_params
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES

QUEUE_2 = f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-queue"


# --- settings_from_api ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, expected",
    [
        (None, None),
        ({"FunctionArn": f"{FN_ARN}:$LATEST", "DestinationConfig": NO_DESTINATIONS}, settings()),
        ({"FunctionArn": f"{FN_ARN}:$LATEST"}, settings()),
        ({"DestinationConfig": {}}, settings()),
        ({"DestinationConfig": None}, settings()),
        ({"MaximumRetryAttempts": 0, "DestinationConfig": NO_DESTINATIONS}, settings(retries=0)),
        ({"MaximumRetryAttempts": 2}, settings(retries=2)),
        ({"MaximumEventAgeInSeconds": 60, "DestinationConfig": NO_DESTINATIONS}, settings(event_age=60)),
        (
            {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {}}},
            settings(on_success=QUEUE),
        ),
        ({"DestinationConfig": {"OnFailure": {"Destination": BUCKET}}}, settings(on_failure=BUCKET)),
        ({"DestinationConfig": {"OnSuccess": {"Destination": ""}, "OnFailure": None}}, settings()),
        (
            {
                "FunctionArn": f"{FN_ARN}:prod",
                "LastModified": WHEN,
                "MaximumRetryAttempts": 1,
                "MaximumEventAgeInSeconds": 21600,
                "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}},
            },
            settings(1, 21600, QUEUE, TOPIC),
        ),
    ],
)
def test_settings_from_api(config, expected):
    assert settings_from_api(config) == expected


# --- update_params (put_params: the Put bodies of test_plan_change) -----------------------------------------


@pytest.mark.parametrize(
    "current, desired, expected",
    [
        (settings(2, 60, QUEUE, TOPIC), settings(2, 60, QUEUE, TOPIC), {}),
        (settings(2, 60), settings(0, 60), {"MaximumRetryAttempts": 0}),
        (settings(2, 60, QUEUE), settings(2, 120, QUEUE), {"MaximumEventAgeInSeconds": 120}),
        (settings(), settings(1, 300), {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 300}),
        (
            settings(1, None, QUEUE, TOPIC),
            settings(1, None, QUEUE_2, TOPIC),
            {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE_2}, "OnFailure": {"Destination": TOPIC}}},
        ),
        (
            settings(1, None, QUEUE, None),
            settings(1, None, QUEUE, TOPIC),
            {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}}},
        ),
        (settings(1), settings(1, None, QUEUE), {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}}),
        (settings(1), settings(1, None, None, BUCKET), {"DestinationConfig": {"OnFailure": {"Destination": BUCKET}}}),
        (
            settings(2, 60, QUEUE),
            settings(0, 60, QUEUE_2),
            {"MaximumRetryAttempts": 0, "DestinationConfig": {"OnSuccess": {"Destination": QUEUE_2}}},
        ),
    ],
)
def test_update_params_carry_only_what_changed(current, desired, expected):
    assert update_params(current, desired) == expected


# --- desired_settings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, managed, expected",
    [
        (None, {}, settings()),
        (None, {RETRIES: 1}, settings(retries=1)),
        (settings(2, 60, QUEUE), {}, settings(2, 60, QUEUE)),
        (settings(2, 60, QUEUE), {RETRIES: 0}, settings(0, 60, QUEUE)),
        (settings(2, 60, QUEUE, TOPIC), {"on_success": None, "on_failure": None}, settings(2, 60)),
    ],
)
def test_desired_settings(current, managed, expected):
    before = copy.deepcopy(current)
    assert desired_settings(current, managed) == expected
    assert current == before


# --- plan_change --------------------------------------------------------------------------------------------------

# What settings_from_api makes of AWS's {"MaximumRetryAttempts": 2, "DestinationConfig": {"OnSuccess": {}, "OnFailure": {}}}.
AWS_EMPTY_SIDES = settings(retries=2)


@pytest.mark.parametrize(
    "current, managed, expected",
    [
        # No config: Put the whole desired state.
        (
            None,
            {RETRIES: 1},
            Plan("put", {"MaximumRetryAttempts": 1, "DestinationConfig": NO_DESTINATIONS}, settings(retries=1)),
        ),
        (
            None,
            {RETRIES: 0, EVENT_AGE: 60, "on_success": QUEUE, "on_failure": TOPIC},
            Plan(
                "put",
                {
                    "MaximumRetryAttempts": 0,
                    "MaximumEventAgeInSeconds": 60,
                    "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}},
                },
                settings(0, 60, QUEUE, TOPIC),
            ),
        ),
        (
            None,
            {"on_success": None, "on_failure": BUCKET},
            Plan(
                "put",
                {"DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": BUCKET}}},
                settings(on_failure=BUCKET),
            ),
        ),
        # Equal: nothing to do.
        (settings(1, 60, QUEUE, TOPIC), {RETRIES: 1}, Plan("none", {}, settings(1, 60, QUEUE, TOPIC))),
        (settings(1, 60, QUEUE, TOPIC), {}, Plan("none", {}, settings(1, 60, QUEUE, TOPIC))),
        (
            settings(1, 60, QUEUE, TOPIC),
            {RETRIES: 1, EVENT_AGE: 60, "on_success": QUEUE, "on_failure": TOPIC},
            Plan("none", {}, settings(1, 60, QUEUE, TOPIC)),
        ),
        (AWS_EMPTY_SIDES, {RETRIES: 2}, Plan("none", {}, settings(retries=2))),
        (AWS_EMPTY_SIDES, {"on_success": None, "on_failure": None}, Plan("none", {}, settings(retries=2))),
        (settings(), {"on_success": None, "on_failure": None}, Plan("none", {}, settings())),
        # An integer changes: Update carrying only that field.
        (
            settings(2, 60, QUEUE, TOPIC),
            {RETRIES: 0},
            Plan("update", {"MaximumRetryAttempts": 0}, settings(0, 60, QUEUE, TOPIC)),
        ),
        (
            settings(2, 60, QUEUE, TOPIC),
            {RETRIES: 2, EVENT_AGE: 21600},
            Plan("update", {"MaximumEventAgeInSeconds": 21600}, settings(2, 21600, QUEUE, TOPIC)),
        ),
        (AWS_EMPTY_SIDES, {EVENT_AGE: 120}, Plan("update", {"MaximumEventAgeInSeconds": 120}, settings(2, 120))),
        # A destination is added or replaced: Update with every set side.
        (
            settings(2, 60, QUEUE, TOPIC),
            {"on_success": QUEUE_2, "on_failure": TOPIC},
            Plan(
                "update",
                {"DestinationConfig": {"OnSuccess": {"Destination": QUEUE_2}, "OnFailure": {"Destination": TOPIC}}},
                settings(2, 60, QUEUE_2, TOPIC),
            ),
        ),
        (
            settings(2),
            {"on_success": None, "on_failure": BUCKET},
            Plan(
                "update", {"DestinationConfig": {"OnFailure": {"Destination": BUCKET}}}, settings(2, None, None, BUCKET)
            ),
        ),
        # A destination is removed: Put with the full desired state, unmanaged current values included.
        (
            settings(1, 120, QUEUE, TOPIC),
            {"on_success": None, "on_failure": TOPIC},
            Plan(
                "put",
                {
                    "MaximumRetryAttempts": 1,
                    "MaximumEventAgeInSeconds": 120,
                    "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}},
                },
                settings(1, 120, None, TOPIC),
            ),
        ),
        (
            settings(1, 120, QUEUE, TOPIC),
            {"on_success": None, "on_failure": None},
            Plan(
                "put",
                {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 120, "DestinationConfig": NO_DESTINATIONS},
                settings(1, 120),
            ),
        ),
        (
            settings(None, 3600, QUEUE),
            {RETRIES: 0, "on_success": None, "on_failure": None},
            Plan(
                "put",
                {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 3600, "DestinationConfig": NO_DESTINATIONS},
                settings(0, 3600),
            ),
        ),
    ],
)
def test_plan_change(current, managed, expected):
    before = copy.deepcopy(current)
    assert plan_change(current, managed) == expected
    assert current == before


@pytest.mark.parametrize(
    "managed",
    [
        {},
        {"on_success": None, "on_failure": None},
        {"on_success": None},
    ],
)
def test_plan_change_with_no_config_and_no_setting_is_a_no_op(managed):
    assert plan_change(None, managed) == Plan("none", {}, None)


@pytest.mark.parametrize(
    "state, current, managed, expected",
    [
        ("absent", None, {}, Plan("none", {}, None)),
        ("absent", settings(1), {}, Plan("delete", {}, None)),
        ("absent", settings(1), {RETRIES: 1}, Plan("delete", {}, None)),
        ("present", None, {}, Plan("none", {}, None)),
        ("present", settings(1), {}, Plan("none", {}, settings(1))),
        ("present", settings(1), {RETRIES: 2}, Plan("update", {"MaximumRetryAttempts": 2}, settings(2))),
    ],
)
def test_plan_request(state, current, managed, expected):
    request = Request(parse_function_name("my-function"), state, managed, 0)
    assert plan_request(request, current) == expected


FIFO_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders.fifo"


@pytest.mark.parametrize(
    "state, current, managed, sides",
    [
        ("present", settings(2, None, None, FIFO_QUEUE), {RETRIES: 1}, ["on_failure"]),
        ("present", settings(2, None, FIFO_QUEUE, FIFO_QUEUE), {}, ["on_success", "on_failure"]),
        ("present", settings(2, None, FIFO_QUEUE, FIFO_QUEUE), {"on_success": None, "on_failure": QUEUE}, []),
        ("present", settings(2, None, QUEUE, TOPIC), {RETRIES: 1}, []),
        ("present", None, {RETRIES: 1}, []),
        ("absent", settings(2, None, None, FIFO_QUEUE), {}, []),
    ],
)
def test_unmanaged_warnings_name_only_unmanaged_fifo_destinations(state, current, managed, sides):
    request = Request(parse_function_name("my-function"), state, managed, 0)
    warnings = unmanaged_warnings(request, current)
    assert [warning.split(" ")[1] for warning in warnings] == sides
    assert all(FIFO_QUEUE in warning for warning in warnings)


@pytest.mark.parametrize(
    "current, managed",
    [
        (None, {RETRIES: 1}),
        (settings(2, 60, QUEUE, TOPIC), {RETRIES: 0}),
        (settings(2, 60, QUEUE, TOPIC), {"on_success": None, "on_failure": TOPIC}),
        (settings(2, 60, QUEUE, TOPIC), {"on_success": QUEUE_2, "on_failure": TOPIC}),
    ],
)
def test_plan_is_idempotent(current, managed):
    plan = plan_change(current, managed)
    assert plan.action != "none"
    assert plan_change(plan.after, managed) == Plan("none", {}, plan.after)
