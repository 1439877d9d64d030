# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination health audit of lambda_event_invoke_config_info: destination states and delivery metrics.

Configs are written with boto3, as another tool would (the module itself refuses a FIFO destination), and the
metrics are seeded with PutMetricData; then audit_region.yml runs the info module over the region and over one
function, and the call log counts the GetMetricData calls.
"""

import datetime

from reliability_support import MODULE_RETRIES_ONLY

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
