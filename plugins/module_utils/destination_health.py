# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The destination health audit of lambda_event_invoke_config_info: destination states and delivery metrics.

States: each destination of a config is read once per task and judged against the function's execution role
(destination_checks.DestinationChecks.judge, the preflight's judgement): ok, missing, unknown, fifo, or "role not
allowed (predicted)". Nothing sees an organization's SCPs or a KMS key policy, so "ok" is a prediction too.

Metrics: Lambda publishes ``AsyncEventsDropped`` and ``DestinationDeliveryFailures`` in the CloudWatch namespace
``AWS/Lambda`` under two dimension sets (Lambda developer guide, "Using CloudWatch metrics with Lambda"):
``FunctionName`` alone, the aggregate of every version and alias of the function, and ``FunctionName`` with
``Resource`` (``NAME:QUALIFIER``), one version or alias. A version's or alias's config is summed from its own
``Resource`` series; a ``$LATEST`` config from the function's aggregate (AWS documents ``Resource`` series for
versions and aliases only), which also counts the events of its versions and aliases.
A task reads every sum it needs in ceil(queries / 500) GetMetricData calls (500 queries is the API's limit),
plus the further pages AWS asks for with a NextToken.
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import LATEST
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import ACCESS_DENIED_CODES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import CallFailed
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import error_code
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SIDES

NAMESPACE = "AWS/Lambda"
# CloudWatch metric -> key of the ``metrics`` return value.
METRICS = {"AsyncEventsDropped": "async_events_dropped", "DestinationDeliveryFailures": "destination_delivery_failures"}
MAX_QUERIES_PER_CALL = 500


def metric_dimensions(function_name, qualifier):
    """The dimensions of a config's series: the function's aggregate for $LATEST, else its Resource series."""
    dimensions = [{"Name": "FunctionName", "Value": function_name}]
    if qualifier != LATEST:
        dimensions.append({"Name": "Resource", "Value": f"{function_name}:{qualifier}"})
    return dimensions


def _query_id(index, metric):
    # GetMetricData ids start with a lower-case letter and hold letters, digits and underscores only.
    return f"c{index}_{metric}"


def metric_queries(items, hours):
    """One Sum query per config item and metric, over one period as long as the window."""
    return [
        {
            "Id": _query_id(index, metric),
            "MetricStat": {
                "Metric": {
                    "Namespace": NAMESPACE,
                    "MetricName": metric,
                    "Dimensions": metric_dimensions(item["function_name"], item["qualifier"]),
                },
                "Period": hours * 3600,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for index, item in enumerate(items)
        for metric in METRICS
    ]


def metrics_window(hours, now):
    """(start, end) of the last ``hours`` hours before ``now``, on whole minutes as CloudWatch stores them."""
    end = now.replace(second=0, microsecond=0)
    return end - datetime.timedelta(hours=hours), end


class _MetricsCallFailed(CallFailed):
    @staticmethod
    def service_advice(exception):
        if error_code(exception) in ACCESS_DENIED_CODES:
            return (
                "The task needs cloudwatch:GetMetricData; grant it, or leave metrics_hours out to audit without metrics"
            )
        return ""


class CloudWatchErrors(AWSErrorHandler):
    """The error boundary of the audit's CloudWatch reads (lambda_api.LambdaErrors' counterpart)."""

    _CUSTOM_EXCEPTION = _MetricsCallFailed


@CloudWatchErrors.common_error_handler(f"read the CloudWatch metrics {' and '.join(METRICS)} (GetMetricData)")
def _metric_data(client, params):
    return client.get_metric_data(aws_retry=True, **params)


def read_sums(client, queries, start, end):
    """The sum of the values of each query id, in ceil(len(queries) / 500) calls plus their NextToken pages."""
    sums = {}
    for first in range(0, len(queries), MAX_QUERIES_PER_CALL):
        params = dict(MetricDataQueries=queries[first : first + MAX_QUERIES_PER_CALL], StartTime=start, EndTime=end)
        while True:
            page = _metric_data(client, params)
            for result in page.get("MetricDataResults", []):
                sums[result["Id"]] = sums.get(result["Id"], 0) + sum(result.get("Values", []))
            if not page.get("NextToken"):
                break
            params["NextToken"] = page["NextToken"]
    return sums


def metrics_of(items, sums, hours):
    """The ``metrics`` value of each item from the sums by query id (no data point: 0)."""
    return [
        dict(
            {key: int(round(sums.get(_query_id(index, metric), 0))) for metric, key in METRICS.items()},
            hours=hours,
        )
        for index, _item in enumerate(items)
    ]


def add_metrics(client, items, hours, now=None):
    """Give every config item its ``metrics``: the sums over the last ``hours`` hours. No call without items."""
    if not items:
        return
    start, end = metrics_window(hours, now or datetime.datetime.now(datetime.timezone.utc))
    sums = read_sums(client, metric_queries(items, hours), start, end)
    for item, metrics in zip(items, metrics_of(items, sums, hours)):
        item["metrics"] = metrics


def destination_health(checks, lambda_client, target, arn):
    """The ``{destination, state, reason}`` of one destination of a config of the function ``target``."""
    judgement = checks.judge(lambda_client, target, arn)
    return {"destination": arn, "state": judgement.state, "reason": judgement.reason}


def add_destination_health(checks, lambda_client, target, items):
    """Give every config item of the function ``target`` its ``destination_health``: per side, None or the state."""
    for item in items:
        item["destination_health"] = {
            side: (
                destination_health(checks, lambda_client, target, item["destination_config"][side]["destination"])
                if item["destination_config"][side]
                else None
            )
            for side in SIDES
        }
