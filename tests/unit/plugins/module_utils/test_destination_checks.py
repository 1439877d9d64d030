# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DestinationChecks: the reads of each destination type, the simulation, and each read made once per task."""

import json
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.exceptions
import pytest
from lambda_fakes import ACCOUNT
from lambda_fakes import FN_ARN
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
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import NOT_ALLOWED
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import OK
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import REFUSED
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT_ADVICE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNDELIVERABLE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNKNOWN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import WARN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationState
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import Judgement
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import module_checks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import prediction_warnings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import resource_policy_allows
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
    """DestinationChecks over fake clients; Lambda reads of destination functions use ``lambda`` (a FakeLambda)."""
    clients.setdefault("lambda", lambda_client())
    clients.setdefault("sts", FakeService(get_caller_identity=lambda: {"Account": ACCOUNT}))
    return DestinationChecks(lambda service, region: clients[service])


def lambda_client():
    return FakeLambda({"my-function": {"$LATEST": None, "1": None}, "other-function": {"$LATEST": None}})


TARGET = parse_function_name("my-function", "1")
MISSING_QUEUE_REASON = (
    f"the destination {QUEUE} does not exist (AWS answered AWS.SimpleQueueService.NonExistentQueue: it does not exist)"
)


def existing(arn, kms_key=None, policy=None):
    """The DestinationState of a destination that exists."""
    return DestinationState(arn, OK, kms_key, None, policy, None)


def bucket():
    """An S3 client with one bucket, without a bucket policy."""
    return FakeService(head_bucket=lambda Bucket: {}, get_bucket_policy=raises(error("NoSuchBucketPolicy", 404)))


def key_aliases(aliases):
    """A KMS client whose DescribeKey knows ``aliases`` (alias name or ARN -> key ARN)."""

    def describe_key(KeyId):
        if KeyId not in aliases:
            raise error("NotFoundException", 400)
        return {"KeyMetadata": {"Arn": aliases[KeyId]}}

    return FakeService(describe_key=describe_key)


@pytest.mark.parametrize(
    "clients, arn, state, kms_key",
    [
        (dict(sqs=queue()), QUEUE, OK, None),
        (dict(sqs=queue({"KmsMasterKeyId": KEY_ID})), QUEUE, OK, KEY),
        (dict(sqs=queue({"KmsMasterKeyId": "alias/aws/sqs"})), QUEUE, OK, None),
        (
            dict(sqs=queue({"KmsMasterKeyId": "alias/orders"}), kms=key_aliases({"alias/orders": KEY})),
            QUEUE,
            OK,
            KEY,
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
        (dict(s3=bucket()), BUCKET, OK, None),
        (dict(s3=FakeService(head_bucket=raises(error("404", 404)))), BUCKET, MISSING, None),
        (dict(s3=FakeService(head_bucket=raises(error("403", 403)))), BUCKET, UNKNOWN, None),
        ({}, OTHER_FUNCTION, OK, None),
        ({}, function_arn("gone-function"), MISSING, None),
    ],
)
def test_destination_state_per_service(clients, arn, state, kms_key):
    found = checks(**clients).destination(arn)
    assert (found.arn, found.state, found.kms_key, found.kms_problem) == (arn, state, kms_key, None)
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
            "it could not be read (AccessDenied): the caller may not read it (sqs:GetQueueAttributes), or it is in "
            "another account; it may still exist",
        ),
        (
            {},
            OTHER_FUNCTION,
            "it could not be read (AccessDeniedException): the caller may not read it (lambda:GetFunction), "
            "or it is in another account; it may still exist",
        ),
    ],
)
def test_a_destination_that_is_not_ok_says_why(clients, arn, reason):
    lambda_ = lambda_client()
    lambda_.failures["GetFunction"] = [error("AccessDeniedException", 403)]
    assert checks(**dict(clients, **{"lambda": lambda_})).destination(arn).reason == reason


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
EU_FUNCTION = function_arn("other-function").replace(REGION, "eu-west-1")
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
                    {"QueueUrl": ORDERS_URL, "AttributeNames": ["FifoQueue", "KmsMasterKeyId", "Policy"]},
                    {},
                ),
            ],
        ),
        (EU_TOPIC, "sns", "eu-west-1", [("get_topic_attributes", {"TopicArn": EU_TOPIC}, {"Attributes": {}})]),
        (EU_BUS, "events", "eu-west-1", [("describe_event_bus", {"Name": EU_BUS}, {"Arn": EU_BUS})]),
        (EU_FUNCTION, "lambda", "eu-west-1", [("get_function", {"FunctionName": EU_FUNCTION}, {})]),
        (BUCKET, "s3", None, [("head_bucket", {"Bucket": "failed-events"}, {})]),
    ],
)
def test_each_destination_read_is_retried_in_the_destination_region(no_back_off, arn, service, region, reads):
    client = FakeService(**{name: throttled_once(answer) for name, _params, answer in reads})
    asked = []
    task = DestinationChecks(lambda service, region: asked.append((service, region)) or client)
    assert task.destination(arn) == DestinationState(arn, OK, None, None, None, None)
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
    task = checks(iam=FakeService(simulate_principal_policy=throttled_once(allowed)), **{"lambda": lambda_})
    state = task.destination(OTHER_FUNCTION)
    assert (state.state, task.execution_role(lambda_, TARGET), task.denied(ROLE, state)) == (OK, ROLE, [])
    assert lambda_.operations() == ["GetFunction"] * 2 + ["GetFunctionConfiguration"] * 2


@pytest.mark.parametrize("rate, paced_at", [(5, 5), (15, 10), (0, 10)])
def test_module_checks_pace_every_client_at_the_task_rate_and_at_most_ten(rate, paced_at):
    """Lifting Lambda's limit (0) does not unleash IAM and the other services."""
    asked = []

    def client(service, **region):
        asked.append((service, region))
        return boto3.client(
            service, region_name=region.get("region", REGION), aws_access_key_id="A", aws_secret_access_key="S"
        )

    task = module_checks(types.SimpleNamespace(params={"max_requests_per_second": rate}, client=client))
    clients = {"sqs": task.client("sqs", "eu-west-1"), "iam": task.client("iam")}
    assert asked == [("sqs", {"region": "eu-west-1"}), ("iam", {})]
    hooks = [
        handler
        for service, paced in clients.items()
        for handler, _answer in paced.client.meta.events.emit(f"before-send.{service}", request=None)
    ]
    (pacer,) = {hook.__self__ for hook in hooks if isinstance(getattr(hook, "__self__", None), Pacer)}
    assert pacer.interval == 1.02 / paced_at


def test_a_queue_is_read_by_name_and_owner():
    sqs = queue()
    checks(sqs=sqs).destination(QUEUE)
    assert [call.params for call in sqs.calls] == [
        {"QueueName": "orders", "QueueOwnerAWSAccountId": ACCOUNT},
        {"QueueUrl": f"https://sqs/{ACCOUNT}/orders", "AttributeNames": ["FifoQueue", "KmsMasterKeyId", "Policy"]},
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
    assert checks(iam=iam).denied(ROLE, existing(arn, kms_key=kms_key)) == []
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
    assert checks(iam=iam).denied(ROLE, existing(BUCKET)) == denied


def test_a_failed_simulation_is_no_answer_and_said_once():
    task = checks(iam=FakeService(simulate_principal_policy=raises(error("AccessDenied", 403))))
    assert task.denied(ROLE, existing(QUEUE)) is None
    assert task.blind_spots() == [("iam:SimulatePrincipalPolicy", "AccessDenied", [ROLE])]


def judged(task, arn, target=TARGET, permissions=True):
    judgement = task.judge(lambda_client(), target, arn, permissions=permissions)
    assert judgement.destination == arn
    return judgement.state, judgement.prediction, judgement.reason


OTHER_ACCOUNT_QUEUE = QUEUE.replace(ACCOUNT, "210987654321")
TOPIC_READ = FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {}})


def not_allowed(needs, prediction=REFUSED):
    reason = f"the execution role {ROLE} is not allowed {needs} (IAM's policy simulation, and no resource policy of "
    return NOT_ALLOWED, prediction, reason + "the destination allows it)"


CONDITIONED = (
    UNKNOWN,
    UNKNOWN,
    f"whether the execution role {ROLE} may do sqs:SendMessage on {QUEUE} depends on a condition the prediction "
    "cannot evaluate",
)


def queue_policy(principal, condition=None, effect="Allow"):
    statement = {"Effect": effect, "Principal": principal, "Action": "sqs:SendMessage", "Resource": QUEUE}
    if condition:
        statement["Condition"] = condition
    return {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


def allow(principal=ROLE, action="sqs:SendMessage", resource=QUEUE, **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    return dict(statement, Resource=resource) if resource else statement


DENIED_QUEUE = simulator([("sqs:SendMessage", QUEUE)])


@pytest.mark.parametrize(
    "clients, arn, expected",
    [
        # Put checks existence and the delivery action: those are refusals.
        (dict(sqs=queue(missing=True)), QUEUE, (MISSING, REFUSED, MISSING_QUEUE_REASON)),
        (dict(sns=TOPIC_READ, iam=simulator([("sns:Publish", TOPIC)])), TOPIC, not_allowed(f"sns:Publish on {TOPIC}")),
        (dict(sqs=queue(), iam=simulator("*", "explicitDeny")), QUEUE, not_allowed(f"sqs:SendMessage on {QUEUE}")),
        # What only deliveries need: Lambda accepts the config.
        (
            dict(s3=bucket(), iam=simulator([("s3:ListBucket", BUCKET)])),
            BUCKET,
            not_allowed(f"s3:ListBucket on {BUCKET}", UNDELIVERABLE),
        ),
        (
            dict(sqs=queue({"KmsMasterKeyId": KEY_ID}), iam=simulator([("kms:Decrypt", KEY)])),
            QUEUE,
            not_allowed(f"kms:Decrypt on {KEY}", UNDELIVERABLE),
        ),
        # Another account's queue answers "does not exist" for one the caller may not read: unknown.
        (
            dict(sqs=queue(missing=True)),
            OTHER_ACCOUNT_QUEUE,
            (
                UNKNOWN,
                UNKNOWN,
                f"the destination {OTHER_ACCOUNT_QUEUE} was not checked: it is in account 210987654321, not in the "
                f"caller's account {ACCOUNT}, and AWS answers AWS.SimpleQueueService.NonExistentQueue both for a "
                "destination that does not exist and for one the caller may not read; whether it exists and accepts "
                "deliveries is for its owner's policy to say",
            ),
        ),
        # A resource policy that allows the role itself or everyone: no refusal predicted.
        *[
            (
                dict(sqs=queue(queue_policy(principal)), iam=DENIED_QUEUE),
                QUEUE,
                (OK, OK, "allowed by the destination's resource policy, not simulated"),
            )
            for principal in ({"AWS": ROLE}, {"AWS": [ACCOUNT, ROLE]}, {"AWS": "*"}, "*", ROLE)
        ],
        # A statement for the role's account delegates to the role's policies; a deny stands; so does the role's own
        # explicit deny, whatever the destination allows.
        *[
            (dict(sqs=queue(policy), iam=iam), QUEUE, not_allowed(f"sqs:SendMessage on {QUEUE}"))
            for policy, iam in (
                (queue_policy({"AWS": ACCOUNT}), DENIED_QUEUE),
                (queue_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), DENIED_QUEUE),
                (queue_policy({"AWS": ROLE}, effect="Deny"), DENIED_QUEUE),
                (queue_policy({"AWS": ROLE}), simulator("*", "explicitDeny")),
            )
        ],
        # Topics and buses carry their policy in their read.
        (
            dict(
                sns=FakeService(
                    get_topic_attributes=lambda TopicArn: {
                        "Attributes": {
                            "Policy": json.dumps({"Statement": [allow(action="sns:Publish", resource=TOPIC)]})
                        }
                    }
                ),
                iam=simulator("*"),
            ),
            TOPIC,
            (OK, OK, "allowed by the destination's resource policy, not simulated"),
        ),
        (
            dict(
                events=FakeService(
                    describe_event_bus=lambda Name: {
                        "Policy": json.dumps({"Statement": [allow(action="events:PutEvents", resource=BUS)]})
                    }
                ),
                iam=simulator("*"),
            ),
            BUS,
            (OK, OK, "allowed by the destination's resource policy, not simulated"),
        ),
        # A queue's policy cannot allow its key; a bucket's may allow its objects and not the bucket.
        (
            dict(
                sqs=queue(
                    {"Policy": json.dumps({"Statement": [allow(action="*", resource=None)]}), "KmsMasterKeyId": KEY_ID}
                ),
                iam=simulator("*"),
            ),
            QUEUE,
            not_allowed(f"kms:GenerateDataKey on {KEY}, kms:Decrypt on {KEY}", UNDELIVERABLE),
        ),
        (
            dict(
                s3=FakeService(
                    head_bucket=lambda Bucket: {},
                    get_bucket_policy=lambda Bucket: {
                        "Policy": json.dumps({"Statement": [allow(action="s3:PutObject", resource=f"{BUCKET}/*")]})
                    },
                ),
                iam=simulator("*"),
            ),
            BUCKET,
            not_allowed(f"s3:ListBucket on {BUCKET}", UNDELIVERABLE),
        ),
        # A condition decides: unknown, in the resource policy or in the simulation.
        (
            dict(sqs=queue(queue_policy("*", condition={"ArnEquals": {"aws:SourceArn": FN_ARN}})), iam=DENIED_QUEUE),
            QUEUE,
            CONDITIONED,
        ),
        (dict(sqs=queue(), iam=simulator("*", missing_context=["aws:SourceVpc"])), QUEUE, CONDITIONED),
        # A key the queue names by an alias that cannot be resolved: the key part is unknown.
        (
            dict(sqs=queue({"KmsMasterKeyId": "alias/gone"}), kms=key_aliases({}), iam=simulator()),
            QUEUE,
            (
                UNKNOWN,
                UNKNOWN,
                f"the destination {QUEUE} was not fully checked: its KMS key alias alias/gone could not be resolved to "
                "a key (kms:DescribeKey answered NotFoundException)",
            ),
        ),
    ],
)
def test_judgement_of_a_destination(clients, arn, expected):
    assert judged(checks(**clients), arn) == expected


def test_a_lambda_destination_s_resource_policy_is_read_only_when_the_simulation_denies():
    lambda_ = lambda_client()
    lambda_.policies["other-function"] = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROLE},
                "Action": "lambda:InvokeFunction",
                "Resource": OTHER_FUNCTION,
            }
        ]
    }
    allowed = checks(iam=simulator(), **{"lambda": lambda_})
    assert judged(allowed, OTHER_FUNCTION) == (OK, OK, None)
    assert "GetPolicy" not in lambda_.operations()
    denied = checks(iam=simulator([("lambda:InvokeFunction", OTHER_FUNCTION)]), **{"lambda": lambda_})
    assert judged(denied, OTHER_FUNCTION) == (OK, OK, "allowed by the destination's resource policy, not simulated")
    assert lambda_.operations().count("GetPolicy") == 1


def test_with_the_grant_only_the_destination_is_judged():
    iam = simulator([("sns:Publish", TOPIC)])
    task = checks(sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {}}), iam=iam)
    assert judged(task, TOPIC, permissions=False) == (OK, OK, None)
    assert iam.calls == []


def test_an_unreadable_role_or_destination_is_unknown_and_said_once():
    lambda_ = lambda_client()
    lambda_.failures["GetFunctionConfiguration"] = [error("AccessDeniedException", 403)]
    task = checks(
        sqs=FakeService(get_queue_url=raises(error("AccessDenied", 403))),
        sns=FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {}}),
        iam=simulator(),
    )
    assert [task.judge(lambda_, TARGET, arn).prediction for arn in (QUEUE, TOPIC)] == [UNKNOWN, UNKNOWN]
    assert task.blind_spots() == [
        (
            "lambda:GetFunctionConfiguration",
            "AccessDeniedException",
            ["the execution role of function my-function (qualifier 1)"],
        ),
        ("sqs:GetQueueAttributes", "AccessDenied", [QUEUE]),
    ]


@pytest.mark.parametrize(
    "key, kms, kms_key, problem",
    [
        (
            f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders",
            {f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders": KEY},
            KEY,
            None,
        ),
        ("alias/aws/sqs", {}, None, None),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/sqs", {}, None, None),
        (
            "arn:aws:kms:*:*:*",
            {},
            None,
            "its KMS key 'arn:aws:kms:*:*:*' is not an exact KMS key ARN of partition aws: no key policy statement can be "
            "written or judged for it",
        ),
        (
            KEY.replace("arn:aws:", "arn:aws-cn:"),
            {},
            None,
            f"its KMS key '{KEY.replace('arn:aws:', 'arn:aws-cn:')}' is not an exact KMS key ARN of partition aws: no "
            "key policy statement can be written or judged for it",
        ),
        (
            "alias/orders",
            {"alias/orders": "arn:aws:kms:*:*:key/*"},
            None,
            "its KMS key 'alias/orders' is not an exact KMS key ARN of partition aws: no key policy statement can be written or judged for it",
        ),
    ],
)
def test_a_kms_key_is_an_exact_key_arn_or_a_problem(key, kms, kms_key, problem):
    found = checks(sqs=queue({"KmsMasterKeyId": key}), kms=key_aliases(kms)).destination(QUEUE)
    assert (found.state, found.kms_key, found.kms_problem) == (OK, kms_key, problem)


def test_one_describe_key_per_alias_per_task():
    kms = key_aliases({"alias/orders": KEY, "alias/other": EU_KEY})

    def attributes(QueueUrl, AttributeNames):
        return {"Attributes": {"KmsMasterKeyId": "alias/other" if QueueUrl.endswith("other") else "alias/orders"}}

    sqs = FakeService(get_queue_url=lambda QueueName, QueueOwnerAWSAccountId: {"QueueUrl": QueueName})
    sqs.handlers["get_queue_attributes"] = attributes
    task = checks(sqs=sqs, kms=kms)
    arns = (QUEUE, f"{QUEUE}-dlq", f"{QUEUE}-other")
    assert [task.destination(arn).kms_key for arn in arns] == [KEY, KEY, EU_KEY]
    assert [call.params["KeyId"] for call in kms.calls] == ["alias/orders", "alias/other"]


def test_the_caller_s_account_is_read_once_and_only_for_an_answer_of_missing(no_back_off):
    sts = FakeService(get_caller_identity=throttled_once({"Account": ACCOUNT}))
    task = checks(sqs=queue(missing=True), sts=sts)
    assert [task.destination(arn).state for arn in (QUEUE, OTHER_ACCOUNT_QUEUE)] == [MISSING, UNKNOWN]
    assert task.destination(OTHER_ACCOUNT_QUEUE).arn == OTHER_ACCOUNT_QUEUE
    assert sts.operations() == ["get_caller_identity"] * 2  # throttled once, then answered
    assert (task.missing_here(QUEUE), task.missing_here(OTHER_ACCOUNT_QUEUE)) == (True, False)
    found = checks(sqs=queue()).destination(QUEUE)
    assert found.state == OK


def test_an_unknown_caller_makes_a_missing_answer_unknown():
    task = checks(sqs=queue(missing=True), sts=FakeService(get_caller_identity=raises(error("AccessDenied", 403))))
    assert task.destination(QUEUE) == DestinationState(
        QUEUE,
        UNKNOWN,
        None,
        None,
        None,
        f"the caller's account could not be read, so account {ACCOUNT} may be another's, and AWS answers "
        "AWS.SimpleQueueService.NonExistentQueue both for a destination that does not exist and for one the caller "
        "may not read; whether it exists and accepts deliveries is for its owner's policy to say",
    )
    assert task.blind_spots() == [("sts:GetCallerIdentity", "AccessDenied", ["the caller's account"])]


def test_a_missing_bucket_needs_no_caller_and_a_missing_function_is_no_blind_spot():
    sts = FakeService(get_caller_identity=raises(error("AccessDenied", 403)))
    task = checks(s3=FakeService(head_bucket=raises(error("404", 404))), sqs=queue(), iam=simulator(), sts=sts)
    assert task.destination(BUCKET).state == MISSING
    assert task.judge(lambda_client(), parse_function_name("gone-function"), QUEUE).prediction == UNKNOWN
    assert (sts.calls, task.blind_spots()) == ([], [])


def test_a_simulation_that_leaves_a_pair_out_denies_it_and_a_read_without_an_answer_is_named():
    silent = FakeService(simulate_principal_policy=lambda **params: {"EvaluationResults": []})
    assert checks(iam=silent).denied(ROLE, existing(QUEUE)) == [("sqs:SendMessage", QUEUE)]
    unreachable = botocore.exceptions.EndpointConnectionError(endpoint_url="https://sqs")
    task = checks(sqs=FakeService(get_queue_url=raises(unreachable)))
    assert task.destination(QUEUE).state == UNKNOWN
    assert task.blind_spots() == [("sqs:GetQueueAttributes", "EndpointConnectionError", [QUEUE])]


def test_each_destination_has_its_own_resource_policy():
    other = function_arn("third-function")
    lambda_ = lambda_client()
    lambda_.functions["third-function"] = {"$LATEST": None}
    lambda_.policies["other-function"] = {"Statement": [allow(action="lambda:*", resource=None)]}
    task = checks(iam=simulator("*"), **{"lambda": lambda_})
    assert [task.judge(lambda_, TARGET, arn).prediction for arn in (OTHER_FUNCTION, other)] == [OK, REFUSED]


def test_a_resource_policy_that_is_no_object_allows_nothing():
    task = checks(sqs=queue({"Policy": '["not a policy"]'}), iam=DENIED_QUEUE)
    assert task.judge(lambda_client(), TARGET, QUEUE).prediction == REFUSED


def test_each_read_once_per_task_across_threads():
    lambda_ = lambda_client()
    lambda_.functions["other-function"]["1"] = None
    lambda_.roles["other-function"] = f"arn:aws:iam::{ACCOUNT}:role/other-role"
    sqs, iam = queue(), simulator()
    task = checks(sqs=sqs, iam=iam, **{"lambda": lambda_})
    targets = [
        parse_function_name(name, qualifier)
        for name in ("my-function", "other-function")
        for qualifier in ("$LATEST", "1")
    ]

    def predictions(target):
        return [task.judge(lambda_, target, arn).prediction for arn in (QUEUE, OTHER_FUNCTION)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(predictions, targets * 10))
    assert answers == [[OK, OK]] * 40
    assert lambda_.operations().count("GetFunctionConfiguration") == 4  # one per qualifier
    assert lambda_.operations().count("GetFunction") == 1
    assert sqs.operations() == ["get_queue_url", "get_queue_attributes"]
    assert sorted((c.params["PolicySourceArn"], c.params["ResourceArns"][0]) for c in iam.calls) == sorted(
        (role, arn) for role in (ROLE, f"arn:aws:iam::{ACCOUNT}:role/other-role") for arn in (QUEUE, OTHER_FUNCTION)
    )


def test_each_qualifier_is_judged_by_its_own_role_in_any_order():
    """Version 1 was published with a role that may not send to the queue; $LATEST's role may."""
    old_role = f"arn:aws:iam::{ACCOUNT}:role/old-role"

    def simulate_principal_policy(PolicySourceArn, ActionNames, ResourceArns):
        decision = "implicitDeny" if PolicySourceArn == old_role else "allowed"
        results = [
            {"EvalActionName": a, "EvalResourceName": r, "EvalDecision": decision}
            for a in ActionNames
            for r in ResourceArns
        ]
        return {"EvaluationResults": results}

    latest, version = parse_function_name("my-function"), parse_function_name("my-function", "1")
    for order in ([latest, version], [version, latest]):
        lambda_ = lambda_client()
        lambda_.roles[("my-function", "1")] = old_role
        task = checks(sqs=queue(), iam=FakeService(simulate_principal_policy=simulate_principal_policy))
        predictions = {target.key_qualifier: task.judge(lambda_, target, QUEUE).prediction for target in order}
        assert predictions == {"$LATEST": OK, "1": REFUSED}


def test_reads_of_different_destinations_run_at_once():
    """A read waits for the same read only: the reads of two queues are in flight together."""
    both = threading.Barrier(2, timeout=10)

    def get_queue_url(QueueName, QueueOwnerAWSAccountId):
        both.wait()  # returns once the other queue's read has started too
        return {"QueueUrl": QueueName}

    task = checks(sqs=FakeService(get_queue_url=get_queue_url, get_queue_attributes=lambda **params: {}))
    with ThreadPoolExecutor(max_workers=2) as pool:
        states = pool.map(lambda arn: task.destination(arn).state, [QUEUE, f"{QUEUE}-dlq"])
        assert list(states) == [OK, OK]


def single_params(destination_config):
    params = dict.fromkeys(CONFIG_OPTIONS)
    params.update(
        function_name="my-function",
        qualifier="1",
        state="present",
        destination_retry_timeout=0,
        destination_config=destination_config,
    )
    return params


@pytest.mark.parametrize("check_mode", [True, False])
def test_strict_preflight_refuses_with_every_reason_and_what_to_do(check_mode):
    client = lambda_client()
    task = checks(
        sqs=queue(missing=True),
        s3=bucket(),
        iam=simulator(denied=[("s3:PutObject", f"{BUCKET}/*"), ("s3:ListBucket", BUCKET)]),
    )
    params = single_params({"on_success": {"destination": QUEUE}, "on_failure": {"destination": BUCKET}})
    requests = build_requests([(None, params)], params, REGION)
    (outcome,) = converge(client, requests, check_mode=check_mode, checks=task, preflight=STRICT)
    assert outcome.error.message == (
        f"AWS would refuse the config of function my-function (qualifier 1): {MISSING_QUEUE_REASON}; the execution "
        f"role {ROLE} is not allowed s3:PutObject on {BUCKET}/*, s3:ListBucket on {BUCKET} (IAM's policy simulation, "
        f"and no resource policy of the destination allows it). {STRICT_ADVICE}"
    )
    assert client.writes == []


def test_strict_preflight_says_when_lambda_accepts_and_deliveries_fail():
    task = checks(s3=bucket(), iam=simulator(denied=[("s3:ListBucket", BUCKET)]))
    params = single_params({"on_failure": {"destination": BUCKET}})
    requests = build_requests([(None, params)], params, REGION)
    (outcome,) = converge(lambda_client(), requests, checks=task, preflight=STRICT)
    assert outcome.error.message.startswith(
        "Lambda would accept, but deliveries would fail for the config of function my-function (qualifier 1): the "
        f"execution role {ROLE} is not allowed s3:ListBucket on {BUCKET}"
    )


def test_check_mode_predicts_and_plans_without_failing():
    client = lambda_client()
    task = checks(sqs=queue(missing=True), iam=simulator())
    params = single_params({"on_success": {"destination": QUEUE}})
    requests = build_requests([(None, params)], params, REGION)
    (outcome,) = converge(client, requests, check_mode=True, checks=task, preflight=WARN)
    assert (outcome.error, outcome.changed, outcome.after["on_success"]) == (None, True, QUEUE)
    assert outcome.result()["destination_checks"] == [
        {"destination": QUEUE, "state": MISSING, "prediction": REFUSED, "reason": MISSING_QUEUE_REASON}
    ]
    assert client.writes == []


def test_prediction_warnings_list_each_destination_and_reason_once():
    missing = Judgement(QUEUE, MISSING, REFUSED, "the destination Q does not exist")
    slow = Judgement(BUCKET, NOT_ALLOWED, UNDELIVERABLE, "the role may not s3:ListBucket")
    unknown = Judgement(TOPIC, UNKNOWN, UNKNOWN, "the role could not be read")
    fine = Judgement(QUEUE, OK, OK, None)
    judged_configs = [(f"function f{index}", missing) for index in range(100)] + [
        ("function g", slow),
        ("function h", unknown),
        ("function i", fine),
    ]
    warnings = prediction_warnings(judged_configs, [("iam:SimulatePrincipalPolicy", "AccessDenied", [ROLE])], True)
    assert warnings == [
        "Predicted (check mode): AWS would refuse the configs of "
        + ", ".join(f"function f{index}" for index in range(100))
        + ": the destination Q does not exist.",
        "Predicted (check mode): Lambda would accept, but deliveries would fail for the config of function g: the "
        "role may not s3:ListBucket.",
        "Predicted (check mode): not known for the config of function h: the role could not be read.",
        "The destination checks could not read or simulate everything, so part of the prediction is unknown: "
        f"iam:SimulatePrincipalPolicy (AccessDenied) for {ROLE}. Allow those actions to the identity that runs "
        "Ansible for a complete prediction.",
    ]
    assert prediction_warnings([("function i", fine)], [], False) == []


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
    outcomes = converge(client, build_requests(items, top, REGION), check_mode=True, checks=task, preflight=WARN)
    assert [(outcome.error, outcome.changed) for outcome in outcomes] == [(None, True), (None, True)]
    # One read per new config, which check mode makes anyway; the preflight adds none for the role.
    assert client.operations().count("GetFunctionConfiguration") == 2
    assert [call.params["PolicySourceArn"] for call in task.client("iam").client.calls] == [ROLE]


@pytest.mark.parametrize(
    "statements, expected",
    [
        ([], None),
        ([allow()], "allowed"),
        ([allow(action="SQS:Send?essage")], "allowed"),  # actions: case-insensitive, ? one character
        ([allow(action=["sns:Publish", "sqs:*"])], "allowed"),
        ([allow(action="sqs:Send?Message")], None),
        ([allow(resource=QUEUE.replace("orders", "ord?rs"))], "allowed"),
        ([allow(resource=QUEUE.replace("orders", "ORDERS"))], None),  # resources: case-sensitive
        ([allow(resource=QUEUE.replace("orders", "*"))], "allowed"),
        ([allow(resource=None)], "allowed"),  # no Resource: the destination's own policy
        ([{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}], None),  # no Principal
        ([allow(principal={"AWS": "arn:aws:iam::210987654321:role/other"}), allow()], "allowed"),
        ([allow(action="sns:Publish"), allow()], "allowed"),
        ([allow(resource=f"{QUEUE}-dlq"), allow()], "allowed"),
        ([allow(), dict(allow(), Effect="Deny")], None),
        ([allow(Condition={"Bool": {"aws:SecureTransport": "true"}})], "conditional"),
        ([allow(Condition={"Bool": {"aws:SecureTransport": "true"}}), allow()], "allowed"),
        ([allow(), allow(Condition={"Bool": {"aws:SecureTransport": "true"}})], "allowed"),
    ],
)
def test_resource_policy_allows(statements, expected):
    assert resource_policy_allows({"Statement": statements}, ROLE, "sqs:SendMessage", QUEUE) == expected


EU_ALIAS = f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/orders"
EU_KEY = KEY.replace(REGION, "eu-west-1")
DENIED = simulator("*")


def read_with(service, method, answer):
    """The clients of a judgement whose read ``method`` of ``service`` is throttled once, then answers."""
    clients = {
        "sqs": queue({"KmsMasterKeyId": EU_ALIAS}),
        "lambda": lambda_client(),
        "s3": bucket(),
        "iam": DENIED,
        "kms": key_aliases({EU_ALIAS: EU_KEY}),
    }
    clients[service] = FakeService(**{method: throttled_once(answer)})
    clients[service].handlers.update(get_function=lambda **params: {}, head_bucket=lambda **params: {})
    return clients


POLICY_READS = {
    "get_policy": (
        EU_FUNCTION,
        ("lambda", "eu-west-1", {"FunctionName": EU_FUNCTION}),
        {"Policy": json.dumps({"Statement": [allow(action="lambda:*", resource=EU_FUNCTION)]})},
    ),
    "get_bucket_policy": (
        BUCKET,
        ("s3", None, {"Bucket": "failed-events"}),
        {"Policy": json.dumps({"Statement": [allow(action="s3:*", resource=f"{BUCKET}*")]})},
    ),
    "describe_key": (QUEUE, ("kms", "eu-west-1", {"KeyId": EU_ALIAS}), {"KeyMetadata": {"Arn": EU_KEY}}),
}


@pytest.mark.parametrize("method", POLICY_READS)
def test_the_policy_and_key_reads_are_retried_in_their_region_once(no_back_off, method):
    arn, (service, region, params), answer = POLICY_READS[method]
    clients = read_with(service, method, answer)
    asked = []
    task = DestinationChecks(lambda name, where: asked.append((name, where)) or clients[name])
    for _judgement in range(2):
        judgement = task.judge(lambda_client(), TARGET, arn)
    assert {where for name, where in asked if name == service} == {region}
    assert [(call.operation, call.params) for call in clients[service].calls if call.operation == method] == [
        (method, params)
    ] * 2  # throttled once, then answered; the second judgement reads nothing
    if service != "kms":
        assert judgement.reason == "allowed by the destination's resource policy, not simulated"


@pytest.mark.parametrize(
    "arn, service, method, failure, spot",
    [
        (
            OTHER_FUNCTION,
            "lambda",
            "get_policy",
            error("AccessDeniedException", 403),
            ("lambda:GetPolicy", "AccessDeniedException", [OTHER_FUNCTION]),
        ),
        (
            BUCKET,
            "s3",
            "get_bucket_policy",
            error("AccessDenied", 403),
            ("s3:GetBucketPolicy", "AccessDenied", [BUCKET]),
        ),
        (BUCKET, "s3", "get_bucket_policy", error("NoSuchBucketPolicy", 404), None),
        (
            QUEUE,
            "kms",
            "describe_key",
            error("AccessDeniedException", 400),
            ("kms:DescribeKey", "AccessDeniedException", [EU_ALIAS]),
        ),
    ],
)
def test_a_policy_or_key_that_cannot_be_read_is_said_once(arn, service, method, failure, spot):
    clients = {"sqs": queue({"KmsMasterKeyId": EU_ALIAS}), "s3": bucket(), "iam": DENIED}
    fake = FakeService(**{method: raises(failure)}, get_function=lambda **params: {}, head_bucket=lambda **params: {})
    clients[service] = fake
    task = checks(**clients)
    judgement = task.judge(lambda_client(), TARGET, arn)
    assert task.blind_spots() == ([spot] if spot else [])
    assert judgement.prediction == REFUSED  # the role may not use the delivery action


def test_the_other_judgements_say_why():
    lambda_ = lambda_client()
    lambda_.failures["GetFunctionConfiguration"] = [error("AccessDeniedException", 403)]
    fifo = checks(sqs=queue({"FifoQueue": "true"}))
    assert fifo.judge(lambda_, TARGET, QUEUE) == Judgement(
        QUEUE,
        FIFO,
        UNDELIVERABLE,
        f"the destination {QUEUE} it is FIFO, and Lambda never delivers to a FIFO queue or topic",
    )
    assert checks(sqs=queue()).judge(lambda_, TARGET, QUEUE) == Judgement(
        QUEUE,
        UNKNOWN,
        UNKNOWN,
        f"the execution role of function my-function (qualifier 1) could not be read, so whether it may deliver to "
        f"{QUEUE} was not checked",
    )
    unsimulated = checks(s3=bucket(), iam=FakeService(simulate_principal_policy=raises(error("AccessDenied", 403))))
    assert unsimulated.judge(lambda_client(), TARGET, BUCKET) == Judgement(
        BUCKET,
        UNKNOWN,
        UNKNOWN,
        f"whether the execution role {ROLE} may deliver to {BUCKET} was not checked: IAM's policy simulation could "
        "not run (the task needs iam:SimulatePrincipalPolicy)",
    )
    conditioned = checks(s3=bucket(), iam=simulator("*", missing_context=["aws:SourceIp"]))
    assert conditioned.judge(lambda_client(), TARGET, BUCKET).reason == (
        f"whether the execution role {ROLE} may do s3:PutObject on {BUCKET}/*, s3:ListBucket on {BUCKET} depends on a "
        "condition the prediction cannot evaluate"
    )


def test_prediction_warnings_before_the_writes_and_every_blind_spot():
    missing = Judgement(QUEUE, MISSING, REFUSED, "the destination Q does not exist")
    spots = [
        ("kms:DescribeKey", "AccessDenied", ["alias/a", "alias/b"]),
        ("sts:GetCallerIdentity", "Throttling", ["x"]),
    ]
    assert prediction_warnings([("function f", missing), ("function g", missing)], spots, False) == [
        "Predicted (before the writes): AWS would refuse the configs of function f, function g: the destination Q "
        "does not exist.",
        "The destination checks could not read or simulate everything, so part of the prediction is unknown: "
        "kms:DescribeKey (AccessDenied) for alias/a, alias/b; sts:GetCallerIdentity (Throttling) for x. Allow those "
        "actions to the identity that runs Ansible for a complete prediction.",
    ]


def test_a_real_run_reads_a_rejected_destination_and_fails_at_once_when_it_is_missing():
    client = lambda_client()
    client.failures["PutFunctionEventInvokeConfig"] = [
        client_error("InvalidParameterValueException", {"message": f"The destination ARN {QUEUE} is invalid."}, "Put")
    ]
    params = dict(single_params({"on_success": {"destination": QUEUE}}), destination_retry_timeout=600)
    (outcome,) = converge(
        client, build_requests([(None, params)], params, REGION), checks=checks(sqs=queue(missing=True))
    )
    assert f"The destination {QUEUE} does not exist in this account" in outcome.error.message
    assert client.operations().count("PutFunctionEventInvokeConfig") == 1
