# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination health audit: CloudWatch metric queries, their batching and the sums per config."""

import datetime
import math

import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import REGION
from lambda_fakes import ROLE
from lambda_fakes import FakeCloudWatch
from lambda_fakes import FakeLambda
from lambda_fakes import FakeService
from lambda_fakes import client_error
from lambda_fakes import simulator

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import FIFO
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import MISSING
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import NOT_ALLOWED
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import OK
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import add_destination_health
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import add_metrics
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import destination_health
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import metric_dimensions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import metric_queries
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import metrics_window
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_health import read_sums
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name

NOW = datetime.datetime(2026, 11, 27, 14, 3, 12, 500, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2026, 11, 27, 14, 3, tzinfo=datetime.timezone.utc)
HOUR = datetime.timedelta(hours=1)
DROPPED = "AsyncEventsDropped"
FAILURES = "DestinationDeliveryFailures"


def item(function_name, qualifier):
    return {"function_name": function_name, "qualifier": qualifier}


def series(function_name, qualifier=None):
    """The dimensions under which Lambda publishes a function's aggregate (no qualifier) or a version's/alias's series."""
    dimensions = {"FunctionName": function_name}
    if qualifier is not None:
        dimensions["Resource"] = f"{function_name}:{qualifier}"
    return dimensions


@pytest.mark.parametrize(
    "qualifier, expected",
    [
        ("$LATEST", [{"Name": "FunctionName", "Value": "f"}]),
        ("3", [{"Name": "FunctionName", "Value": "f"}, {"Name": "Resource", "Value": "f:3"}]),
        ("live", [{"Name": "FunctionName", "Value": "f"}, {"Name": "Resource", "Value": "f:live"}]),
    ],
)
def test_metric_dimensions(qualifier, expected):
    assert metric_dimensions("f", qualifier) == expected


def test_metrics_window_ends_on_the_last_whole_minute():
    assert metrics_window(3, NOW) == (END - 3 * HOUR, END)


def test_metric_queries_ask_one_sum_over_the_window_per_metric():
    dimensions = metric_dimensions("f", "1")
    assert metric_queries([item("f", "1")], 3) == [
        {
            "Id": f"c0_{metric}",
            "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dimensions},
                "Period": 3 * 3600,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for metric in (DROPPED, FAILURES)
    ]


def test_add_metrics_ends_the_window_now_in_utc():
    cloudwatch = FakeCloudWatch()
    add_metrics(cloudwatch, [item("f", "$LATEST")], 2)
    (call,) = cloudwatch.calls
    assert call.params["EndTime"].tzinfo is datetime.timezone.utc
    assert call.params["EndTime"] - call.params["StartTime"] == 2 * HOUR


def test_read_sums_of_pages_without_results_or_values():
    """CloudWatch may leave an empty list out: a page without results, a result without values (no data)."""
    pages = iter([{"NextToken": "1"}, {"MetricDataResults": [{"Id": "q", "StatusCode": "Complete"}]}])
    assert read_sums(FakeService(get_metric_data=lambda **params: next(pages)), [{"Id": "q"}], END - HOUR, END) == {
        "q": 0
    }


def test_add_metrics_sums_each_configs_own_series_over_the_window():
    cloudwatch = FakeCloudWatch()
    cloudwatch.put(DROPPED, series("f"), 2, END - HOUR)  # the function's aggregate: its $LATEST config
    cloudwatch.put(DROPPED, series("f"), 3, END - 2 * HOUR)
    cloudwatch.put(DROPPED, series("f"), 100, END - 2 * HOUR - datetime.timedelta(minutes=1))  # before the window
    cloudwatch.put(DROPPED, series("f"), 100, END)  # the minute in progress: after the window
    cloudwatch.put(FAILURES, series("f"), 4, END - datetime.timedelta(minutes=1))
    cloudwatch.put(DROPPED, series("f", "live"), 7, END - HOUR)
    cloudwatch.put(FAILURES, series("f", "1"), 1, END - HOUR)
    cloudwatch.put(FAILURES, series("g", "live"), 50, END - HOUR)  # another function's alias of the same name
    items = [item("f", "$LATEST"), item("f", "1"), item("f", "live"), item("g", "$LATEST")]
    add_metrics(cloudwatch, items, 2, NOW)
    assert [entry["metrics"] for entry in items] == [
        {"async_events_dropped": 5, "destination_delivery_failures": 4, "hours": 2},
        {"async_events_dropped": 0, "destination_delivery_failures": 1, "hours": 2},
        {"async_events_dropped": 7, "destination_delivery_failures": 0, "hours": 2},
        {"async_events_dropped": 0, "destination_delivery_failures": 0, "hours": 2},
    ]
    (call,) = cloudwatch.calls
    assert call.aws_retry is True
    assert (call.params["StartTime"], call.params["EndTime"]) == (END - 2 * HOUR, END)
    assert {query["MetricStat"]["Period"] for query in call.params["MetricDataQueries"]} == {2 * 3600}


@pytest.mark.parametrize("configs", [1, 250, 251, 500, 501, 1000])
def test_add_metrics_batches_500_queries_a_call(configs):
    cloudwatch = FakeCloudWatch()
    items = [item(f"fn-{index:04d}", "live") for index in range(configs)]
    for index in sorted({0, configs - 1}):
        cloudwatch.put(FAILURES, series(f"fn-{index:04d}", "live"), index + 1, END - HOUR)
    add_metrics(cloudwatch, items, 24, NOW)
    sizes = [len(call.params["MetricDataQueries"]) for call in cloudwatch.calls]
    assert len(sizes) == math.ceil(2 * configs / 500)
    assert sum(sizes) == 2 * configs and max(sizes) <= 500
    assert items[0]["metrics"]["destination_delivery_failures"] == 1
    assert items[-1]["metrics"]["destination_delivery_failures"] == configs


def test_add_metrics_follows_next_tokens():
    cloudwatch = FakeCloudWatch(page_size=2)
    items = [item(f"fn-{index}", "$LATEST") for index in range(3)]
    for index in range(3):
        cloudwatch.put(DROPPED, series(f"fn-{index}"), index + 1, END - HOUR)
        cloudwatch.put(FAILURES, series(f"fn-{index}"), 10 * (index + 1), END - HOUR)
    add_metrics(cloudwatch, items, 1, NOW)
    assert [call.params.get("NextToken") for call in cloudwatch.calls] == [None, "2", "4"]
    assert [
        (entry["metrics"]["async_events_dropped"], entry["metrics"]["destination_delivery_failures"]) for entry in items
    ] == [
        (1, 10),
        (2, 20),
        (3, 30),
    ]


def test_read_sums_adds_the_values_of_one_query_across_pages():
    cloudwatch = FakeCloudWatch(page_size=2)
    for hour in range(1, 4):
        cloudwatch.put(DROPPED, series("f"), hour, END - hour * HOUR)
    query = {
        "Id": "q",
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": DROPPED,
                "Dimensions": metric_dimensions("f", "$LATEST"),
            },
            "Period": 3600,
            "Stat": "Sum",
        },
    }
    assert read_sums(cloudwatch, [query], END - 3 * HOUR, END) == {"q": 6}
    assert len(cloudwatch.calls) == 2


def test_add_metrics_without_configs_makes_no_call():
    cloudwatch = FakeCloudWatch()
    add_metrics(cloudwatch, [], 3, NOW)
    assert cloudwatch.calls == []


@pytest.mark.parametrize(
    "error, advice",
    [
        (
            client_error("AccessDenied", {"Message": "not authorized"}, "GetMetricData", 403),
            "The task needs cloudwatch:GetMetricData; grant it, or leave metrics_hours out to audit without metrics",
        ),
        (
            client_error("Throttling", {"Message": "Rate exceeded"}, "GetMetricData", 400),
            "AWS answered Throttling to all 10 attempts, retried with back-off: AWS kept throttling the requests or "
            "failing on its side. Run the task again later",
        ),
    ],
)
def test_add_metrics_errors_say_what_to_do(error, advice):
    cloudwatch = FakeCloudWatch()
    cloudwatch.failures.append(error)
    with pytest.raises(EventInvokeConfigError) as raised:
        add_metrics(cloudwatch, [item("f", "$LATEST")], 3, NOW)
    assert raised.value.message == (
        f"Failed to read the CloudWatch metrics AsyncEventsDropped and DestinationDeliveryFailures (GetMetricData). {advice}"
    )
    assert raised.value.exception is error


# --- destination states ------------------------------------------------------------------------------------------

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
FIFO_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders.fifo"
SEALED_QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:sealed"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/sealed"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other-function"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
TARGET = parse_function_name("my-function")


def sqs(queues):
    """An SQS client with ``queues``: name -> attributes; any other queue does not exist."""

    def get_queue_url(QueueName, QueueOwnerAWSAccountId):
        if QueueName not in queues:
            raise client_error("AWS.SimpleQueueService.NonExistentQueue", {"Message": "no queue"}, "GetQueueUrl")
        return {"QueueUrl": QueueName}

    def attributes(QueueUrl, AttributeNames):
        # SQS leaves Attributes out when the queue has none of those asked for (a standard queue without KMS).
        return {"Attributes": queues[QueueUrl]} if queues[QueueUrl] else {}

    return FakeService(
        get_queue_url=get_queue_url,
        get_queue_attributes=attributes,
    )


def checks(iam=None, queues=None):
    clients = {
        "sqs": sqs(
            queues
            if queues is not None
            else {"orders": {}, "orders.fifo": {"FifoQueue": "true"}, "sealed": {"KmsMasterKeyId": KEY}}
        ),
        "iam": iam or simulator(),
        "sts": FakeService(get_caller_identity=lambda: {"Account": ACCOUNT}),
    }
    return DestinationChecks(lambda service, region: clients[service]), clients


def lambda_client(functions=("my-function",)):
    return FakeLambda({name: {"$LATEST": None} for name in functions})


@pytest.mark.parametrize(
    "arn, iam, functions, state, reason",
    [
        (QUEUE, None, ("my-function",), OK, None),
        (
            f"arn:aws:sqs:{REGION}:{ACCOUNT}:gone",
            None,
            ("my-function",),
            MISSING,
            f"the destination arn:aws:sqs:{REGION}:{ACCOUNT}:gone does not exist (AWS answered "
            "AWS.SimpleQueueService.NonExistentQueue: it does not exist)",
        ),
        (
            SEALED_QUEUE,
            simulator(denied={("kms:Decrypt", KEY)}),
            ("my-function",),
            NOT_ALLOWED,
            f"the execution role {ROLE} is not allowed kms:Decrypt on {KEY} (IAM's policy simulation, and no resource "
            "policy of the destination allows it)",
        ),
    ],
)
def test_destination_health_is_the_preflight_s_judgement(arn, iam, functions, state, reason):
    """The audit and the preflight judge alike (the rules: test_destination_checks)."""
    task_checks, _clients = checks(iam)
    health = destination_health(task_checks, lambda_client(functions), TARGET, arn)
    assert health == {"destination": arn, "state": state, "reason": reason}


def test_add_destination_health_reads_each_destination_and_role_once():
    task_checks, clients = checks()
    function = lambda_client()
    items = [
        {"destination_config": {"on_success": {"destination": QUEUE}, "on_failure": {"destination": FIFO_QUEUE}}},
        {"destination_config": {"on_success": None, "on_failure": {"destination": QUEUE}}},
        {"destination_config": {"on_success": None, "on_failure": None}},
    ]
    add_destination_health(task_checks, function, TARGET, items)
    assert [item["destination_health"] for item in items] == [
        {
            "on_success": {"destination": QUEUE, "state": OK, "reason": None},
            "on_failure": {
                "destination": FIFO_QUEUE,
                "state": FIFO,
                "reason": items[0]["destination_health"]["on_failure"]["reason"],
            },
        },
        {"on_success": None, "on_failure": {"destination": QUEUE, "state": OK, "reason": None}},
        {"on_success": None, "on_failure": None},
    ]
    assert clients["sqs"].operations() == ["get_queue_url", "get_queue_attributes"] * 2  # orders, orders.fifo
    assert [call.params["PolicySourceArn"] for call in clients["iam"].calls] == [ROLE]  # the FIFO queue is not
    assert function.operations() == ["GetFunctionConfiguration"]
