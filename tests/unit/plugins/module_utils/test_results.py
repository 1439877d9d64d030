# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import random
import types

import pytest
from lambda_fakes import BUCKET
from lambda_fakes import FN_ARN
from lambda_fakes import NO_DESTINATIONS
from lambda_fakes import QUEUE
from lambda_fakes import TOPIC
from lambda_fakes import WHEN
from lambda_fakes import settings

from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_sort_key
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import Outcome
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import config_item
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import item_sort_key
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import options_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import result_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import sorted_items
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES

ITEM_KEYS = {
    "function_name",
    "function_arn",
    "qualifier",
    "last_modified",
    "maximum_retry_attempts",
    "maximum_event_age_in_seconds",
    "destination_config",
}


def api_config(qualifier, function_arn=FN_ARN, **settings):
    """A config as Get/List return it: DestinationConfig always there, unset integers absent."""
    config = {"FunctionArn": f"{function_arn}:{qualifier}", "LastModified": WHEN, "DestinationConfig": NO_DESTINATIONS}
    config.update(settings)
    return config


def item(function_name, qualifier):
    return {"function_name": function_name, "qualifier": qualifier}


# --- config_item ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, expected",
    [
        pytest.param(
            api_config("$LATEST", MaximumRetryAttempts=0),
            {
                "function_arn": f"{FN_ARN}:$LATEST",
                "qualifier": "$LATEST",
                "maximum_retry_attempts": 0,
                "maximum_event_age_in_seconds": None,
                "destination_config": {"on_success": None, "on_failure": None},
            },
            id="latest-retries-zero-is-kept",
        ),
        pytest.param(
            api_config("7", MaximumEventAgeInSeconds=21600),
            {
                "function_arn": f"{FN_ARN}:7",
                "qualifier": "7",
                "maximum_retry_attempts": None,
                "maximum_event_age_in_seconds": 21600,
                "destination_config": {"on_success": None, "on_failure": None},
            },
            id="version",
        ),
        pytest.param(
            api_config(
                "live",
                MaximumRetryAttempts=2,
                MaximumEventAgeInSeconds=60,
                DestinationConfig={"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": TOPIC}},
            ),
            {
                "function_arn": f"{FN_ARN}:live",
                "qualifier": "live",
                "maximum_retry_attempts": 2,
                "maximum_event_age_in_seconds": 60,
                "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": {"destination": TOPIC}},
            },
            id="alias-with-both-destinations",
        ),
        pytest.param(
            api_config("live", DestinationConfig={"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}}),
            {
                "function_arn": f"{FN_ARN}:live",
                "qualifier": "live",
                "maximum_retry_attempts": None,
                "maximum_event_age_in_seconds": None,
                "destination_config": {"on_success": None, "on_failure": {"destination": TOPIC}},
            },
            id="empty-side-is-null",
        ),
    ],
)
def test_config_item_shape(config, expected):
    result = config_item("my-function", config)
    assert set(result) == ITEM_KEYS
    assert result["function_name"] == "my-function"
    assert result["last_modified"] == "2026-11-27T14:03:12+00:00"
    for key, value in expected.items():
        assert result[key] == value, key


def test_config_item_missing_destination_config_means_no_destinations():
    config = {"FunctionArn": f"{FN_ARN}:1", "LastModified": WHEN, "MaximumRetryAttempts": 1}
    assert config_item("my-function", config)["destination_config"] == {"on_success": None, "on_failure": None}


def test_config_item_epoch_last_modified_is_a_string():
    config = dict(api_config("1", MaximumRetryAttempts=1), LastModified=1764252192.5)
    assert config_item("my-function", config)["last_modified"] == "1764252192.5"


def test_config_item_does_not_change_its_input():
    config = api_config("live", MaximumRetryAttempts=1)
    before = dict(config)
    config_item("my-function", config)
    assert config == before


def test_config_item_function_name_comes_from_the_caller():
    assert config_item("given", api_config("1", MaximumRetryAttempts=1))["function_name"] == "given"


# --- qualifier_sort_key ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "smaller, larger",
    [
        ("$LATEST", "0"),
        ("$LATEST", "1"),
        ("$LATEST", "live"),
        ("$LATEST", "A"),
        ("1", "2"),
        ("2", "10"),  # numeric, not text order
        ("9", "100"),
        ("99", "1000"),
        ("10", "live"),
        ("123456789", "a"),
        ("a", "b"),
        ("alias-10", "alias-9"),  # aliases are text
        ("Prod", "prod"),  # case-sensitive, as AWS alias names are
        ("live", "live-2"),
        ("a_b", "ab"),
    ],
)
def test_qualifier_sort_key_order(smaller, larger):
    assert qualifier_sort_key(smaller) < qualifier_sort_key(larger)
    assert not qualifier_sort_key(larger) < qualifier_sort_key(smaller)


@pytest.mark.parametrize(
    "qualifier, group",
    [("$LATEST", 0), ("1", 1), ("0", 1), ("10", 1), ("live", 2), ("v1", 2), ("1a", 2), ("-1", 2), ("LATEST", 2)],
)
def test_qualifier_sort_key_groups(qualifier, group):
    assert qualifier_sort_key(qualifier)[0] == group


def test_qualifier_sort_key_huge_version_number():
    assert qualifier_sort_key("9" * 40) > qualifier_sort_key("9" * 39)


def test_qualifier_sort_key_sorts_a_shuffled_list():
    expected = ["$LATEST", "1", "2", "3", "10", "11", "100", "Beta", "alias-10", "alias-2", "live", "prod"]
    shuffled = list(expected)
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=qualifier_sort_key) == expected


# --- item_sort_key ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "smaller, larger",
    [
        (item("a", "live"), item("b", "$LATEST")),  # function name first
        (item("fn", "$LATEST"), item("fn", "1")),
        (item("fn", "2"), item("fn", "10")),
        (item("fn", "10"), item("fn", "alias")),
        (item("fn", "zeta"), item("fn2", "$LATEST")),
        (item("Fn", "live"), item("fn", "$LATEST")),
    ],
)
def test_item_sort_key_order(smaller, larger):
    assert item_sort_key(smaller) < item_sort_key(larger)


def test_item_sort_key_ignores_other_keys():
    assert item_sort_key(dict(item("fn", "1"), maximum_retry_attempts=0)) == item_sort_key(
        dict(item("fn", "1"), maximum_retry_attempts=2)
    )


# --- sorted_items ----------------------------------------------------------------------------------------------


def test_sorted_items_keeps_each_config_once():
    # The order of each kind of qualifier: test_qualifier_sort_key_*; here whole items move.
    configs = [api_config(str(n), MaximumRetryAttempts=n % 3) for n in range(1, 120)]
    random.Random(3).shuffle(configs)
    result = sorted_items("my-function", configs)
    assert [i["qualifier"] for i in result] == [str(n) for n in range(1, 120)]
    assert [i["maximum_retry_attempts"] for i in result] == [n % 3 for n in range(1, 120)]


@pytest.mark.parametrize("configs", [[], ()])
def test_sorted_items_empty(configs):
    assert sorted_items("my-function", configs) == []


def test_sorted_items_accepts_a_generator():
    configs = (api_config(q, MaximumRetryAttempts=1) for q in ["live", "$LATEST"])
    assert [i["qualifier"] for i in sorted_items("my-function", configs)] == ["$LATEST", "live"]


# --- views --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, expected",
    [
        (None, {}),
        (
            settings(),
            {RETRIES: None, EVENT_AGE: None, "destination_config": {"on_success": None, "on_failure": None}},
        ),
        (
            settings(0, 60, QUEUE, TOPIC),
            {
                RETRIES: 0,
                EVENT_AGE: 60,
                "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": {"destination": TOPIC}},
            },
        ),
        (
            settings(on_failure=BUCKET),
            {
                RETRIES: None,
                EVENT_AGE: None,
                "destination_config": {"on_success": None, "on_failure": {"destination": BUCKET}},
            },
        ),
    ],
)
def test_options_view(current, expected):
    assert options_view(current) == expected


@pytest.mark.parametrize(
    "function_arn, last_modified, identity",
    [
        (
            f"{FN_ARN}:$LATEST",
            WHEN,
            {"function_arn": f"{FN_ARN}:$LATEST", "qualifier": "$LATEST", "last_modified": "2026-11-27T14:03:12+00:00"},
        ),
        (
            f"{FN_ARN}:3",
            datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc),
            {"function_arn": f"{FN_ARN}:3", "qualifier": "3", "last_modified": "2026-01-02T03:04:05.678000+00:00"},
        ),
        (
            f"{FN_ARN}:prod",
            "2026-11-27T14:03:12.000+0000",
            {"function_arn": f"{FN_ARN}:prod", "qualifier": "prod", "last_modified": "2026-11-27T14:03:12.000+0000"},
        ),
        (FN_ARN, None, {"function_arn": FN_ARN, "qualifier": "$LATEST", "last_modified": None}),
        (None, None, {"function_arn": None, "qualifier": None, "last_modified": None}),
    ],
)
def test_result_view(function_arn, last_modified, identity):
    current = settings(1, 60, QUEUE)
    options = {
        RETRIES: 1,
        EVENT_AGE: 60,
        "destination_config": {"on_success": {"destination": QUEUE}, "on_failure": None},
    }
    assert result_view(current, function_arn, last_modified) == dict(options, **identity)


def test_result_view_of_no_config():
    assert result_view(None, f"{FN_ARN}:$LATEST", WHEN) == {}


@pytest.mark.parametrize(
    "config, expected",
    [
        (None, {}),
        (
            {"FunctionArn": f"{FN_ARN}:7", "MaximumRetryAttempts": 2},
            {
                "function_arn": f"{FN_ARN}:7",
                "qualifier": "7",
                "last_modified": None,
                RETRIES: 2,
                EVENT_AGE: None,
                "destination_config": {"on_success": None, "on_failure": None},
            },
        ),
    ],
)
def test_result_from_api(config, expected):
    assert result_from_api(config) == expected


@pytest.mark.parametrize(
    "before, after, noted",
    [
        (settings(retries=1, event_age=60), settings(retries=0, event_age=60), False),
        (settings(retries=1, event_age=60), settings(event_age=60), True),  # the retries go back to AWS's default
        (None, settings(retries=0), True),  # a new config without an event age
        (settings(retries=1, event_age=60), None, False),  # deleted: {} after, nothing shows as null
    ],
)
def test_a_diff_is_headed_by_its_config_and_says_what_null_means(before, after, noted):
    outcome = Outcome(types.SimpleNamespace(target=parse_function_name("my-function", "prod")))
    outcome.before, outcome.after = before, after
    diff = outcome.diff()
    note = "; null = not set, AWS's default applies (2 retries, 21600 s)"
    header = "function my-function (qualifier prod)" + (note if noted else "")
    assert (diff["before_header"], diff["after_header"]) == (header, header)
