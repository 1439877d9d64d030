# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DestinationChecks: the reads of each destination type, the simulation, and each read made once per task."""

import threading
import types
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import REGION
from lambda_fakes import ROLE
from lambda_fakes import FakeLambda
from lambda_fakes import FakeService
from lambda_fakes import client_error
from lambda_fakes import function_arn
from lambda_fakes import simulator
from lambda_fakes import throttled

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import FIFO
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import MISSING
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import OK
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNKNOWN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationState
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import module_checks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import CONFIG_OPTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import Pacer

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
        (dict(sqs=queue({"FifoQueue": "true", "KmsMasterKeyId": KEY_ID})), QUEUE, FIFO, KEY),
        (dict(sqs=queue(missing=True)), QUEUE, MISSING, None),
        (dict(sqs=FakeService(get_queue_url=raises(error("AccessDenied", 403)))), QUEUE, UNKNOWN, None),
        (
            dict(sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"KmsMasterKeyId": KEY}})),
            TOPIC,
            OK,
            KEY,
        ),
        (
            dict(sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"KmsMasterKeyId": KEY_ID}})),
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


@pytest.mark.parametrize(
    "clients, arn, reason",
    [
        (
            dict(sqs=queue({"FifoQueue": "true"})),
            QUEUE,
            "it is FIFO, and Lambda never delivers to a FIFO queue or topic",
        ),
        (
            dict(sqs=FakeService(get_queue_url=raises(error("AccessDenied", 403)))),
            QUEUE,
            "it could not be read (AccessDenied): the caller may not read it, or it is in another account; "
            "it may still exist",
        ),
        (
            {},
            OTHER_FUNCTION,
            "it could not be read (AccessDeniedException): the caller may not read it (lambda:GetFunction), "
            "or it is in another account",
        ),
    ],
)
def test_a_destination_that_is_not_ok_says_why(clients, arn, reason):
    lambda_ = lambda_client()
    lambda_.failures["GetFunction"] = [error("AccessDeniedException", 403)]
    assert checks(**clients).destination(lambda_, arn).reason == reason


@pytest.fixture
def no_back_off(monkeypatch):
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=lambda seconds: None))


def throttled_once(answer):
    """A handler that AWS throttles once: only a call made with aws_retry=True gets to ``answer``."""
    pending = [throttled("Read")]

    def handler(**params):
        if pending:
            raise pending.pop()
        return answer

    return handler


EU_QUEUE, EU_TOPIC = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders", f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"
EU_BUS = f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"
ORDERS_URL = f"https://sqs/{ACCOUNT}/orders"


@pytest.mark.parametrize(
    "arn, service, region, reads",
    [
        (
            EU_QUEUE,
            "sqs",
            "eu-west-1",
            [
                ("get_queue_url", {"QueueName": "orders", "QueueOwnerAWSAccountId": ACCOUNT}, {"QueueUrl": ORDERS_URL}),
                (
                    "get_queue_attributes",
                    {"QueueUrl": ORDERS_URL, "AttributeNames": ["FifoQueue", "KmsMasterKeyId"]},
                    {},
                ),
            ],
        ),
        (EU_TOPIC, "sns", "eu-west-1", [("get_topic_attributes", {"TopicArn": EU_TOPIC}, {"Attributes": {}})]),
        (EU_BUS, "events", "eu-west-1", [("describe_event_bus", {"Name": EU_BUS}, {"Arn": EU_BUS})]),
        (BUCKET, "s3", None, [("head_bucket", {"Bucket": "failed-events"}, {})]),
    ],
)
def test_each_destination_read_is_retried_in_the_destination_region(no_back_off, arn, service, region, reads):
    client = FakeService(**{name: throttled_once(answer) for name, _params, answer in reads})
    asked = []
    task = DestinationChecks(lambda service, region: asked.append((service, region)) or client)
    assert task.destination(lambda_client(), arn) == DestinationState(arn, OK, None, None)
    assert asked == [(service, region)]
    assert [(call.operation, call.params) for call in client.calls] == [
        (name, params) for name, params, _answer in reads for _attempt in (1, 2)
    ]


def test_the_function_role_and_simulation_reads_are_retried(no_back_off):
    lambda_ = lambda_client()
    lambda_.failures = {operation: [throttled(operation)] for operation in ("GetFunction", "GetFunctionConfiguration")}
    allowed = {
        "EvaluationResults": [
            {"EvalActionName": "lambda:InvokeFunction", "EvalResourceName": OTHER_FUNCTION, "EvalDecision": "allowed"}
        ]
    }
    task = checks(iam=FakeService(simulate_principal_policy=throttled_once(allowed)))
    state = task.destination(lambda_, OTHER_FUNCTION)
    assert (state.state, task.execution_role(lambda_, TARGET), task.denied(ROLE, state)) == (OK, ROLE, [])
    assert lambda_.operations() == ["GetFunction"] * 2 + ["GetFunctionConfiguration"] * 2


def test_module_checks_pace_every_client_at_the_task_rate():
    asked = []

    def client(service, **region):
        asked.append((service, region))
        return boto3.client(
            service, region_name=region.get("region", REGION), aws_access_key_id="A", aws_secret_access_key="S"
        )

    task = module_checks(types.SimpleNamespace(params={"max_requests_per_second": 5}, client=client))
    clients = {"sqs": task.client("sqs", "eu-west-1"), "iam": task.client("iam")}
    assert asked == [("sqs", {"region": "eu-west-1"}), ("iam", {})]
    hooks = [
        handler
        for service, paced in clients.items()
        for handler, _answer in paced.client.meta.events.emit(f"before-send.{service}", request=None)
    ]
    (pacer,) = {hook.__self__ for hook in hooks if isinstance(getattr(hook, "__self__", None), Pacer)}
    assert pacer.interval == 1.02 / 5


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


def test_reads_of_different_destinations_run_at_once():
    """A read waits for the same read only: the reads of two queues are in flight together."""
    both = threading.Barrier(2, timeout=10)

    def get_queue_url(QueueName, QueueOwnerAWSAccountId):
        both.wait()  # returns once the other queue's read has started too
        return {"QueueUrl": QueueName}

    task = checks(sqs=FakeService(get_queue_url=get_queue_url, get_queue_attributes=lambda **params: {}))
    with ThreadPoolExecutor(max_workers=2) as pool:
        states = pool.map(lambda arn: task.destination(lambda_client(), arn).state, [QUEUE, f"{QUEUE}-dlq"])
        assert list(states) == [OK, OK]


@pytest.mark.parametrize("check_mode, predicted", [(True, "Check mode predicts this"), (False, "Predicted")])
def test_the_preflight_refuses_with_every_reason_and_what_to_do(check_mode, predicted):
    client = lambda_client()
    task = checks(
        sqs=queue(missing=True),
        s3=FakeService(head_bucket=lambda Bucket: {}),
        iam=simulator(denied=[("s3:PutObject", f"{BUCKET}/*"), ("s3:ListBucket", BUCKET)]),
    )
    params = dict.fromkeys(CONFIG_OPTIONS)
    params.update(
        function_name="my-function",
        qualifier="1",
        state="present",
        destination_retry_timeout=0,
        destination_config={"on_success": {"destination": QUEUE}, "on_failure": {"destination": BUCKET}},
    )
    (outcome,) = converge(client, build_requests([(None, params)], params, REGION), check_mode=check_mode, checks=task)
    assert outcome.error.message == (
        f"AWS would refuse the config of function my-function (qualifier 1): the destination {QUEUE} cannot receive "
        "records: AWS answered AWS.SimpleQueueService.NonExistentQueue: it does not exist; the execution role "
        f"{ROLE} is not allowed s3:PutObject on {BUCKET}/*, s3:ListBucket on {BUCKET}. {predicted} from reads of "
        "the destinations and an IAM policy simulation of the execution role, which cannot see the destination's "
        "resource policy or a KMS key policy; nothing was written. Create the destination or allow the role those "
        "actions (grant_destination_permissions: true writes that policy), or, when a resource policy allows the "
        "delivery, set validate_destinations: false"
    )
    assert client.writes == []


def test_check_mode_s_own_read_of_a_new_config_s_function_gives_the_role():
    client = lambda_client()
    task = checks(sqs=queue(), iam=simulator())
    top = dict.fromkeys(CONFIG_OPTIONS, None)
    top.update(state="present", destination_retry_timeout=0)
    items = [
        (
            "configs[0]",
            dict(
                top,
                function_name="my-function",
                qualifier="1",
                destination_config={"on_success": {"destination": QUEUE}},
            ),
        ),
        (
            "configs[1]",
            dict(top, function_name="my-function", destination_config={"on_failure": {"destination": QUEUE}}),
        ),
    ]
    outcomes = converge(client, build_requests(items, top, REGION), check_mode=True, checks=task)
    assert [(outcome.error, outcome.changed) for outcome in outcomes] == [(None, True), (None, True)]
    # One read per new config, which check mode makes anyway; the preflight adds none for the role.
    assert client.operations().count("GetFunctionConfiguration") == 2
    assert [call.params["PolicySourceArn"] for call in task.client("iam").client.calls] == [ROLE]
