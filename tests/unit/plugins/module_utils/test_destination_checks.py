# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DestinationChecks: the reads of each destination type, the simulation, and each read made once per task."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import REGION
from lambda_fakes import ROLE
from lambda_fakes import FakeLambda
from lambda_fakes import FakeService
from lambda_fakes import client_error
from lambda_fakes import function_arn
from lambda_fakes import simulator

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import FIFO
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import MISSING
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import OK
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNKNOWN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationState
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
BUCKET = "arn:aws:s3:::failed-events"
OTHER_FUNCTION = function_arn("other-function")
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"


def error(code, status=400):
    return client_error(code, {"Message": code}, "Read", status)


def raises(exception):
    def handler(**params):
        raise exception

    return handler


def queue(attributes=None, missing=False):
    """An SQS client with one queue (``orders``) with ``attributes``, or with none."""

    def get_queue_url(QueueName, QueueOwnerAWSAccountId):
        if missing:
            raise error("AWS.SimpleQueueService.NonExistentQueue")
        return {"QueueUrl": f"https://sqs/{QueueOwnerAWSAccountId}/{QueueName}"}

    return FakeService(
        get_queue_url=get_queue_url,
        get_queue_attributes=lambda **params: {"Attributes": attributes} if attributes else {},
    )


def checks(**clients):
    return DestinationChecks(lambda service, region: clients[service])


def lambda_client():
    return FakeLambda({"my-function": {"$LATEST": None, "1": None}, "other-function": {"$LATEST": None}})


TARGET = parse_function_name("my-function", "1")


@pytest.mark.parametrize(
    "clients, arn, state, kms_key",
    [
        (dict(sqs=queue()), QUEUE, OK, None),
        (dict(sqs=queue({"KmsMasterKeyId": KEY_ID})), QUEUE, OK, KEY),
        (dict(sqs=queue({"KmsMasterKeyId": "alias/aws/sqs"})), QUEUE, OK, None),
        (
            dict(sqs=queue({"KmsMasterKeyId": "alias/orders"})),
            QUEUE,
            OK,
            f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders",
        ),
        (dict(sqs=queue({"FifoQueue": "true"})), QUEUE, FIFO, None),
        (dict(sqs=queue(missing=True)), QUEUE, MISSING, None),
        (dict(sqs=FakeService(get_queue_url=raises(error("AccessDenied", 403)))), QUEUE, UNKNOWN, None),
        (
            dict(sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"KmsMasterKeyId": KEY}})),
            TOPIC,
            OK,
            KEY,
        ),
        (
            dict(sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"FifoTopic": "true"}})),
            TOPIC,
            FIFO,
            None,
        ),
        (dict(sns=FakeService(get_topic_attributes=raises(error("NotFound", 404)))), TOPIC, MISSING, None),
        (dict(sns=FakeService(get_topic_attributes=raises(error("AuthorizationError", 403)))), TOPIC, UNKNOWN, None),
        (dict(events=FakeService(describe_event_bus=lambda Name: {"Arn": Name})), BUS, OK, None),
        (dict(events=FakeService(describe_event_bus=raises(error("ResourceNotFoundException")))), BUS, MISSING, None),
        (dict(s3=FakeService(head_bucket=lambda Bucket: {})), BUCKET, OK, None),
        (dict(s3=FakeService(head_bucket=raises(error("404", 404)))), BUCKET, MISSING, None),
        (dict(s3=FakeService(head_bucket=raises(error("403", 403)))), BUCKET, UNKNOWN, None),
        ({}, OTHER_FUNCTION, OK, None),
        ({}, function_arn("gone-function"), MISSING, None),
    ],
)
def test_destination_state_per_service(clients, arn, state, kms_key):
    found = checks(**clients).destination(lambda_client(), arn)
    assert (found.arn, found.state, found.kms_key) == (arn, state, kms_key)
    assert (found.reason is None) == (state == OK)


def test_a_queue_is_read_by_name_and_owner():
    sqs = queue()
    checks(sqs=sqs).destination(lambda_client(), QUEUE)
    assert [call.params for call in sqs.calls] == [
        {"QueueName": "orders", "QueueOwnerAWSAccountId": ACCOUNT},
        {"QueueUrl": f"https://sqs/{ACCOUNT}/orders", "AttributeNames": ["FifoQueue", "KmsMasterKeyId"]},
    ]


@pytest.mark.parametrize(
    "arn, kms_key, asked",
    [
        (QUEUE, None, (["sqs:SendMessage"], [QUEUE])),
        (QUEUE, KEY, (["kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"], [KEY, QUEUE])),
        (BUCKET, None, (["s3:ListBucket", "s3:PutObject"], [BUCKET, f"{BUCKET}/*"])),
    ],
)
def test_one_simulation_asks_every_action_and_resource(arn, kms_key, asked):
    iam = simulator()
    assert checks(iam=iam).denied(ROLE, DestinationState(arn, OK, kms_key, None)) == []
    (call,) = iam.calls
    assert (call.params["PolicySourceArn"], call.params["ActionNames"], call.params["ResourceArns"]) == (ROLE, *asked)


@pytest.mark.parametrize(
    "denied",
    [
        [("s3:PutObject", f"{BUCKET}/*")],  # allowed on the bucket itself, which is not where objects go
        [("s3:ListBucket", BUCKET)],
        [("s3:PutObject", f"{BUCKET}/*"), ("s3:ListBucket", BUCKET)],
    ],
)
def test_denied_pairs_are_those_of_the_destination_only(denied):
    iam = simulator(denied=denied)
    assert checks(iam=iam).denied(ROLE, DestinationState(BUCKET, OK, None, None)) == denied


def test_an_explicit_deny_is_denied_and_a_failed_simulation_is_no_answer():
    deny = FakeService(
        simulate_principal_policy=lambda **params: {
            "EvaluationResults": [
                {"EvalActionName": "sqs:sendmessage", "EvalResourceName": QUEUE, "EvalDecision": "explicitDeny"}
            ]
        }
    )
    assert checks(iam=deny).denied(ROLE, DestinationState(QUEUE, OK, None, None)) == [("sqs:SendMessage", QUEUE)]
    no_access = FakeService(simulate_principal_policy=raises(error("AccessDenied", 403)))
    assert checks(iam=no_access).denied(ROLE, DestinationState(QUEUE, OK, None, None)) is None


def test_predict_names_a_missing_destination_and_each_denied_action():
    task = checks(
        sqs=queue(missing=True),
        sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {}}),
        iam=simulator(denied=[("sns:Publish", TOPIC)]),
    )
    reasons = task.predict(lambda_client(), TARGET, [QUEUE, TOPIC])
    assert reasons == [
        f"the destination {QUEUE} cannot receive records: AWS answered AWS.SimpleQueueService.NonExistentQueue: "
        "it does not exist",
        f"the execution role {ROLE} is not allowed sns:Publish on {TOPIC}",
    ]
    assert task.predict(lambda_client(), TARGET, [TOPIC], permissions=False) == []


def test_an_unknown_destination_or_role_is_not_held_against_the_config():
    task = checks(sqs=FakeService(get_queue_url=raises(error("AccessDenied", 403))), iam=simulator(denied=[]))
    assert task.predict(lambda_client(), TARGET, [QUEUE]) == []
    gone = checks(sqs=queue(), iam=simulator(denied=[("sqs:SendMessage", QUEUE)]))
    assert gone.predict(lambda_client(), parse_function_name("gone-function"), [QUEUE]) == []


def test_each_read_once_per_task_across_threads():
    lambda_ = lambda_client()
    lambda_.roles["other-function"] = f"arn:aws:iam::{ACCOUNT}:role/other-role"
    sqs, iam = queue(), simulator()
    task = checks(sqs=sqs, iam=iam)
    targets = [
        parse_function_name(name, qualifier)
        for name in ("my-function", "other-function")
        for qualifier in ("$LATEST", "1")
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda target: task.predict(lambda_, target, [QUEUE, OTHER_FUNCTION]), targets * 10))
    assert answers == [[]] * 40
    assert lambda_.operations().count("GetFunctionConfiguration") == 2  # one per function
    assert lambda_.operations().count("GetFunction") == 1
    assert sqs.operations() == ["get_queue_url", "get_queue_attributes"]
    assert sorted((c.params["PolicySourceArn"], c.params["ResourceArns"][0]) for c in iam.calls) == sorted(
        (role, arn) for role in (ROLE, f"arn:aws:iam::{ACCOUNT}:role/other-role") for arn in (QUEUE, OTHER_FUNCTION)
    )
