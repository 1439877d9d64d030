# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination health audit of lambda_event_invoke_config_info: destination states and delivery metrics.

Configs are written with boto3, as another tool would (the module itself refuses a FIFO destination), and the
metrics are seeded with PutMetricData; then audit_region.yml runs the info module over the region and over one
function, and the call log counts the GetMetricData calls.
"""

import datetime

from reliability_support import MODULE_RETRIES_ONLY

from tests.emulator.harness import DELIVERY_POLICY
from tests.emulator.harness import TRUST_POLICY

AUDIT_TASK = "Run the info module"
HOURS = 24


def seed(cloudwatch, metric, dimensions, value, hours_ago):
    cloudwatch.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": name, "Value": dimension} for name, dimension in dimensions.items()],
                "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours_ago),
                "Value": value,
                "Unit": "Count",
            }
        ],
    )


def by_config(items):
    return {(item["function_name"], item["qualifier"]): item for item in items}


def test_audit_reports_seeded_metrics_in_one_get_metric_data_call_per_task(aws, clean_emulator, run_playbook):
    first, second = aws.functions(2, prefix="audit-fn")
    aws.put_config(first, "$LATEST", on_failure=aws.failure_queue)
    aws.put_config(first, "live", on_success=aws.success_queue)
    aws.put_config(first, "1", retries=1)
    aws.put_config(second, "blue", on_failure=aws.topic)
    cloudwatch = clean_emulator.client("cloudwatch")
    seed(cloudwatch, "AsyncEventsDropped", {"FunctionName": first}, 3, 1)
    seed(cloudwatch, "AsyncEventsDropped", {"FunctionName": first}, 4, 5)
    seed(cloudwatch, "AsyncEventsDropped", {"FunctionName": first}, 100, HOURS + 2)  # before the window
    seed(cloudwatch, "DestinationDeliveryFailures", {"FunctionName": first, "Resource": f"{first}:live"}, 5, 2)
    seed(cloudwatch, "DestinationDeliveryFailures", {"FunctionName": second, "Resource": f"{second}:blue"}, 2, 3)
    seed(cloudwatch, "DestinationDeliveryFailures", {"FunctionName": second, "Resource": f"{second}:live"}, 9, 3)
    clean_emulator.clear_calls()

    run = run_playbook(
        "audit_region.yml",
        {
            "eic_info_args": [
                {"metrics_hours": HOURS, "max_requests_per_second": 0},
                {"function_name": first, "metrics_hours": HOURS, "max_requests_per_second": 0},
            ]
        },
        env=MODULE_RETRIES_ONLY,
    )

    assert run.returncode == 0, run.output[-5000:]
    region, function = run.results(AUDIT_TASK)
    expected = {
        (first, "$LATEST"): {"async_events_dropped": 7, "destination_delivery_failures": 0, "hours": HOURS},
        (first, "1"): {"async_events_dropped": 0, "destination_delivery_failures": 0, "hours": HOURS},
        (first, "live"): {"async_events_dropped": 0, "destination_delivery_failures": 5, "hours": HOURS},
        (second, "blue"): {"async_events_dropped": 0, "destination_delivery_failures": 2, "hours": HOURS},
    }
    assert {key: item["metrics"] for key, item in by_config(region["event_invoke_configs"]).items()} == expected
    assert {key: item["metrics"] for key, item in by_config(function["event_invoke_configs"]).items()} == {
        key: metrics for key, metrics in expected.items() if key[0] == first
    }
    # Each task reads its 8 or 6 queries (two per config) in one call.
    assert [call["status"] for call in clean_emulator.calls() if call["operation"] == "GetMetricData"] == [200, 200]


def test_audit_flags_a_deleted_queue_a_fifo_queue_and_a_role_not_allowed(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1, prefix="audit-fn")
    sqs = clean_emulator.client("sqs")
    deleted_url = sqs.create_queue(QueueName="audit-deleted")["QueueUrl"]
    deleted = sqs.get_queue_attributes(QueueUrl=deleted_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.put_config(name, "$LATEST", on_failure=deleted)
    aws.put_config(name, "live", on_success=aws.fifo_queue, on_failure=aws.success_queue)
    sqs.delete_queue(QueueUrl=deleted_url)
    # A function whose role lost its delivery policy after its config was written.
    iam = clean_emulator.client("iam")
    role = iam.create_role(RoleName="audit-role", AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
    iam.put_role_policy(RoleName="audit-role", PolicyName="delivery", PolicyDocument=DELIVERY_POLICY)
    clean_emulator.create_function("audit-denied", role=role)
    aws.put_config("audit-denied", "$LATEST", on_success=aws.success_queue)
    iam.delete_role_policy(RoleName="audit-role", PolicyName="delivery")
    clean_emulator.clear_calls()

    run = run_playbook(
        "audit_region.yml",
        {
            "eic_info_args": [
                {"destination_health": True, "max_requests_per_second": 0},
                {"function_name": name, "qualifier": "live", "destination_health": True, "max_requests_per_second": 0},
            ]
        },
        env=MODULE_RETRIES_ONLY,
    )

    assert run.returncode == 0, run.output[-5000:]
    region, alias = run.results(AUDIT_TASK)
    health = {key: item["destination_health"] for key, item in by_config(region["event_invoke_configs"]).items()}
    states = {
        key: {side: (value["destination"], value["state"]) if value else None for side, value in sides.items()}
        for key, sides in health.items()
    }
    assert states == {
        (name, "$LATEST"): {"on_success": None, "on_failure": (deleted, "missing")},
        (name, "live"): {"on_success": (aws.fifo_queue, "fifo"), "on_failure": (aws.success_queue, "ok")},
        ("audit-denied", "$LATEST"): {
            "on_success": (aws.success_queue, "role not allowed (predicted)"),
            "on_failure": None,
        },
    }
    assert "sqs:SendMessage" in health[("audit-denied", "$LATEST")]["on_success"]["reason"]
    assert health[(name, "live")]["on_failure"]["reason"] is None
    assert by_config(alias["event_invoke_configs"])[(name, "live")]["destination_health"] == health[(name, "live")]
    # One existence read per destination per task (3, then 2), one simulation per (role, destination) that exists.
    calls = clean_emulator.calls()
    assert [call["operation"] for call in calls].count("GetQueueUrl") == 5
    assert [call["operation"] for call in calls].count("SimulatePrincipalPolicy") == 3
