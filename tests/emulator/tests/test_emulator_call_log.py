# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call log (GET/DELETE /_emulator/calls): botocore operation names for every service, in order."""

from __future__ import annotations

import json
import threading
import urllib.request

from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import error_of


def entries(*triples) -> list[dict]:
    return [{"service": s, "operation": o, "status": c} for s, o, c in triples]


def test_lambda_calls_are_named_and_ordered(aws, fn):
    aws.emulator.clear_calls()
    aws.lam.get_function(FunctionName=fn.name)
    aws.lam.list_versions_by_function(FunctionName=fn.name)
    aws.lam.get_alias(FunctionName=fn.name, Name=ALIAS)
    aws.lam.list_aliases(FunctionName=fn.name)
    aws.lam.put_function_event_invoke_config(FunctionName=fn.name, MaximumRetryAttempts=1)
    error_of(aws.lam.get_function, FunctionName="ghost")
    aws.lam.list_functions()
    calls = aws.emulator.calls()
    assert [(call["service"], call["operation"]) for call in calls] == [
        ("lambda", "GetFunction"),
        ("lambda", "ListVersionsByFunction"),
        ("lambda", "GetAlias"),
        ("lambda", "ListAliases"),
        ("lambda", "PutFunctionEventInvokeConfig"),
        ("lambda", "GetFunction"),
        ("lambda", "ListFunctions"),
    ]
    # The status is what was sent: moto answers GetAlias with 201, for example.
    assert [call["status"] for call in calls] == [200, 200, 201, 200, 200, 404, 200]


def test_fixture_calls_are_logged_for_iam_and_lambda(aws, fn):
    assert aws.emulator.calls() == entries(
        ("iam", "CreateRole", 200),
        ("iam", "PutRolePolicy", 200),
        ("lambda", "CreateFunction", 201),
        ("lambda", "PublishVersion", 201),
        ("lambda", "CreateAlias", 201),
        ("lambda", "CreateFunction", 201),
    )


def test_query_protocol_services_iam_sts_sns(aws):
    aws.sts.get_caller_identity()
    aws.iam.list_roles()
    topic = aws.sns.create_topic(Name="t")["TopicArn"]
    aws.sns.publish(TopicArn=topic, Message="hello")
    error_of(aws.iam.get_role, RoleName="ghost")
    assert aws.emulator.calls() == entries(
        ("sts", "GetCallerIdentity", 200),
        ("iam", "ListRoles", 200),
        ("sns", "CreateTopic", 200),
        ("sns", "Publish", 200),
        ("iam", "GetRole", 404),
    )


def test_json_protocol_services_sqs_and_events(aws):
    url = aws.sqs.create_queue(QueueName="q")["QueueUrl"]
    aws.sqs.send_message(QueueUrl=url, MessageBody="hello")
    aws.events.create_event_bus(Name="bus")
    aws.events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": "bus"}])
    assert aws.emulator.calls() == entries(
        ("sqs", "CreateQueue", 200),
        ("sqs", "SendMessage", 200),
        ("events", "CreateEventBus", 200),
        ("events", "PutEvents", 200),
    )


def test_rest_xml_service_s3(aws):
    aws.s3.create_bucket(Bucket="log-bucket")
    aws.s3.put_object(Bucket="log-bucket", Key="dir/key.txt", Body=b"x")
    aws.s3.get_object(Bucket="log-bucket", Key="dir/key.txt")
    aws.s3.list_objects_v2(Bucket="log-bucket")
    aws.s3.put_bucket_tagging(Bucket="log-bucket", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    aws.s3.copy_object(Bucket="log-bucket", Key="copy.txt", CopySource="log-bucket/dir/key.txt")
    aws.s3.delete_object(Bucket="log-bucket", Key="copy.txt")
    aws.s3.list_buckets()
    assert [call["operation"] for call in aws.emulator.calls()] == [
        "CreateBucket",
        "PutObject",
        "GetObject",
        "ListObjectsV2",
        "PutBucketTagging",
        "CopyObject",
        "DeleteObject",
        "ListBuckets",
    ]


def test_clearing_the_log(aws):
    aws.sts.get_caller_identity()
    aws.emulator.clear_calls()
    aws.iam.list_roles()
    assert aws.emulator.calls() == entries(("iam", "ListRoles", 200))


def test_control_and_moto_api_requests_are_not_logged(aws):
    aws.emulator.faults()
    aws.emulator.calls()
    with urllib.request.urlopen(aws.emulator.url + "/moto-api/data.json", timeout=60) as response:
        json.loads(response.read())
    assert aws.emulator.calls() == []


def test_concurrent_calls_are_all_logged(aws):
    barrier = threading.Barrier(8)

    def call():
        barrier.wait()
        aws.sts.get_caller_identity()  # boto3 clients are thread-safe

    threads = [threading.Thread(target=call) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert aws.emulator.calls() == entries(*[("sts", "GetCallerIdentity", 200)] * 8)
