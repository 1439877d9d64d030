# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""moto's answers, through the emulator, to the reads the destination preflight and audit make (CONTRACT.md item 64)."""

from __future__ import annotations

import datetime

from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import REGION
from tests.emulator.tests.emulator_helpers import error_of


def test_sqs_queue_attributes_fifo_and_kms_key(aws):
    url = aws.sqs.create_queue(
        QueueName="reads.fifo", Attributes={"FifoQueue": "true", "KmsMasterKeyId": "alias/queue-key"}
    )["QueueUrl"]
    attributes = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["FifoQueue"], attributes["KmsMasterKeyId"]) == ("true", "alias/queue-key")
    assert attributes["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:reads.fifo"
    assert error_of(aws.sqs.get_queue_url, QueueName="missing")["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_sns_topic_attributes(aws):
    arn = aws.sns.create_topic(
        Name="reads.fifo", Attributes={"FifoTopic": "true", "KmsMasterKeyId": "alias/topic-key"}
    )["TopicArn"]
    attributes = aws.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attributes["FifoTopic"], attributes["KmsMasterKeyId"]) == ("true", "alias/topic-key")
    missing = error_of(aws.sns.get_topic_attributes, TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:missing")
    assert (missing["Code"], missing["Status"]) == ("NotFound", 404)


def test_lambda_function_and_its_role(aws):
    arn = aws.emulator.create_function("reads-fn", versions=1)
    role = f"arn:aws:iam::{ACCOUNT}:role/emulator-execution-role"
    assert aws.lam.get_function(FunctionName="reads-fn")["Configuration"]["Role"] == role
    assert aws.lam.get_function_configuration(FunctionName=arn, Qualifier="1")["Role"] == role
    assert error_of(aws.lam.get_function, FunctionName="missing")["Code"] == "ResourceNotFoundException"


def test_eventbridge_event_bus(aws):
    aws.events.create_event_bus(Name="reads-bus")
    described = aws.events.describe_event_bus(Name="reads-bus")
    assert described["Arn"] == f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/reads-bus"
    assert aws.events.describe_event_bus()["Name"] == "default"
    assert error_of(aws.events.describe_event_bus, Name="missing")["Code"] == "ResourceNotFoundException"


def test_s3_head_bucket(aws):
    aws.s3.create_bucket(Bucket="reads-bucket")
    assert aws.s3.head_bucket(Bucket="reads-bucket")["ResponseMetadata"]["HTTPStatusCode"] == 200
    missing = error_of(aws.s3.head_bucket, Bucket="reads-missing")
    assert (missing["Code"], missing["Status"]) == ("404", 404)


def test_cloudwatch_lambda_metric_sums_seeded_with_put_metric_data(aws):
    cloudwatch = aws.emulator.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    functions = [f"fn-{index:03d}" for index in range(260)]
    for start in range(0, len(functions), 20):
        data = [
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": name}],
                "Timestamp": now - datetime.timedelta(minutes=30),
                "Value": float(index + offset),
                "Unit": "Count",
            }
            for index, name in enumerate(functions[start : start + 20], start)
            for metric, offset in (("AsyncEventsDropped", 0), ("DestinationDeliveryFailures", 1))
        ]
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data)
    queries = [
        {
            "Id": f"m{metric[0].lower()}{index}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "FunctionName", "Value": name}],
                },
                "Period": 3 * 3600,
                "Stat": "Sum",
            },
        }
        for index, name in enumerate(functions[:250])
        for metric in ("AsyncEventsDropped", "DestinationDeliveryFailures")
    ]
    assert len(queries) == 500
    aws.emulator.clear_calls()
    results = cloudwatch.get_metric_data(
        MetricDataQueries=queries, StartTime=now - datetime.timedelta(hours=3), EndTime=now
    )["MetricDataResults"]
    sums = {result["Id"]: result["Values"] for result in results}
    assert len(sums) == 500
    assert sums["ma7"] == [7.0]
    assert sums["md7"] == [8.0]
    assert sums["ma249"] == [249.0]
    assert aws.emulator.calls() == [{"service": "monitoring", "operation": "GetMetricData", "status": 200}]


def test_kms_describe_key_by_alias_and_the_caller_s_account(aws):
    kms = aws.emulator.client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/reads", TargetKeyId=key)
    for alias in ("alias/reads", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/reads"):
        assert kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"] == key
    assert error_of(kms.describe_key, KeyId="alias/missing")["Code"] == "NotFoundException"
    assert aws.emulator.client("sts").get_caller_identity()["Account"] == ACCOUNT
