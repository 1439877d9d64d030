# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


import lambda_fakes
import pytest
from lambda_fakes import FakeIAM
from lambda_fakes import access_denied
from lambda_fakes import client_error
from lambda_fakes import no_such_entity

from ansible_collections.serverless.aws_lambda.plugins.module_utils import grant
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import DestinationChecks
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import CONFIG_OPTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import build_requests

ACCOUNT = lambda_fakes.ACCOUNT
REGION = lambda_fakes.REGION
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:success-queue"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:failure-topic"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other-function:live"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
BUCKET = "arn:aws:s3:::failed-events"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KMS = ["kms:Decrypt", "kms:GenerateDataKey"]
ROLE_NAME = "my-function-role"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/{ROLE_NAME}"
NAME = "serverless-aws-lambda-destinations-my-function"


def grants(document):
    """The document's statements as (actions, resource[, condition]), sorted: what the policy allows."""
    return sorted(
        (statement["Action"], statement["Resource"], *([statement["Condition"]] if "Condition" in statement else []))
        for statement in document["Statement"]
    )


def test_policy_name_says_who_owns_it():
    assert grant.policy_name("my-function") == NAME


@pytest.mark.parametrize(
    "destinations, expected",
    [
        ([(QUEUE, None)], [(["sqs:SendMessage"], QUEUE)]),
        ([(TOPIC, None)], [(["sns:Publish"], TOPIC)]),
        ([(FUNCTION, None)], [(["lambda:InvokeFunction"], FUNCTION)]),
        ([(BUS, None)], [(["events:PutEvents"], BUS)]),
        ([(BUCKET, None)], [(["s3:ListBucket"], BUCKET), (["s3:PutObject"], BUCKET + "/*")]),
        ([(QUEUE, KEY)], [(KMS, KEY), (["sqs:SendMessage"], QUEUE)]),
        ([(TOPIC, KEY)], [(KMS, KEY), (["sns:Publish"], TOPIC)]),
        # An alias cannot be a Resource: it becomes a condition on the keys of its account.
        (
            [(QUEUE, f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders")],
            [
                (
                    KMS,
                    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*",
                    {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/orders"}},
                ),
                (["sqs:SendMessage"], QUEUE),
            ],
        ),
        # A destination of several configs, and a key of several queues, are granted once.
        (
            [(QUEUE, KEY), (TOPIC, KEY), (QUEUE, KEY), (BUS, None)],
            [(KMS, KEY), (["events:PutEvents"], BUS), (["sns:Publish"], TOPIC), (["sqs:SendMessage"], QUEUE)],
        ),
    ],
)
def test_policy_allows_exactly_what_each_destination_needs(destinations, expected):
    document = grant.policy_document(destinations)
    assert document["Version"] == "2012-10-17"
    assert {statement["Effect"] for statement in document["Statement"]} == {"Allow"}
    assert grants(document) == sorted(expected)


@pytest.mark.parametrize("destinations", [[], iter([])])
def test_no_destination_no_policy(destinations):
    assert grant.policy_document(destinations) is None


def test_statements_are_sorted_and_named_after_their_resource():
    """The order of the destinations does not matter, and names differing only by '-' or '_' get distinct Sids:
    the service and the resource in words, then a hash of the resource."""
    queues = [f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}" for name in ("my-queue", "my_queue", "Orders-DLQ")]
    destinations = [(queue, None) for queue in queues] + [(BUCKET, None), (FUNCTION, None)]
    document = grant.policy_document(destinations)
    assert grant.policy_document(reversed(destinations)) == document
    assert [statement["Sid"] for statement in document["Statement"]] == [
        "LambdaFunctionOtherFunctionLiveb29b3dd6",
        "S3FailedEvents38f2660b",
        "S3FailedEventsbf968cf1",
        "SqsMyQueue08572c15",
        "SqsMyQueue811d0ff4",
        "SqsOrdersDLQ40614487",
    ]


@pytest.mark.parametrize(
    "role, refusal",
    [
        (
            "arn:aws:iam::999999999999:role/my-function-role",
            "belongs to account 999999999999, not to the function's account",
        ),
        (
            f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda",
            "is a service-linked role",
        ),
        (f"arn:aws:iam::{ACCOUNT}:user/ansible", "is not an IAM role ARN"),
    ],
)
def test_refuses_a_role_the_grant_must_not_write(role, refusal):
    with pytest.raises(InvalidOptionError) as raised:
        grant.refuse_role(role, ACCOUNT)
    assert refusal in str(raised.value)
    assert "set grant_destination_permissions: false" in str(raised.value)
    assert raised.value.option == "grant_destination_permissions"


@pytest.mark.parametrize("role", [ROLE, f"arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}"])
def test_accepts_a_role_of_the_function_account(role):
    """The console's roles live under /service-role/, which is not the service-linked /aws-service-role/."""
    assert grant.refuse_role(role, ACCOUNT) is None


DOCUMENT = grant.policy_document([(QUEUE, None)])
OLD = grant.policy_document([(TOPIC, None)])
OTHER = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.mark.parametrize("encoded", [False, True])
@pytest.mark.parametrize(
    "stored, document, write",
    [
        (None, DOCUMENT, "PutRolePolicy"),
        (OLD, DOCUMENT, "PutRolePolicy"),
        (DOCUMENT, DOCUMENT, None),
        (OLD, None, "DeleteRolePolicy"),
        (None, None, None),
    ],
)
@pytest.mark.parametrize("check_mode", [False, True])
def test_ensure_policy(encoded, stored, document, write, check_mode):
    """A write is due when the stored document differs (changed, in check mode too); only a real run makes it."""
    changed = write is not None
    policies = {"other": OTHER, **({NAME: stored} if stored else {})}
    iam = FakeIAM({ROLE_NAME: dict(policies)}, encoded=encoded)
    assert grant.ensure_policy(iam, ROLE, NAME, document, check_mode) == (changed, stored, document)
    writes = [call.operation for call in iam.writes]
    if check_mode or not write:
        assert writes == []
        assert iam.role_policies[ROLE_NAME] == policies
    else:
        assert writes == [write]
        assert iam.role_policies[ROLE_NAME] == {"other": OTHER, **({NAME: document} if document else {})}
    assert [call.params["RoleName"] for call in iam.calls] == [ROLE_NAME] * len(iam.calls)
    assert all(call.aws_retry for call in iam.calls)


def test_a_written_policy_reads_back_unchanged():
    iam = FakeIAM({ROLE_NAME: {}}, encoded=True)
    document = grant.policy_document(
        [(BUCKET, None), (QUEUE, KEY), (TOPIC, f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders")]
    )
    assert grant.ensure_policy(iam, ROLE, NAME, document, False)[0] is True
    assert grant.ensure_policy(iam, ROLE, NAME, document, False) == (False, document, document)
    assert len(iam.writes) == 1


def test_a_policy_deleted_meanwhile_is_gone_as_wanted():
    iam = FakeIAM({ROLE_NAME: {NAME: OLD}})
    iam.failures["DeleteRolePolicy"] = [
        no_such_entity(f"The role policy with name {NAME} cannot be found.", "DeleteRolePolicy")
    ]
    assert grant.ensure_policy(iam, ROLE, NAME, None, False) == (True, OLD, None)


@pytest.mark.parametrize("denied", [True, False])
@pytest.mark.parametrize(
    "stored, document, operation, verb",
    [
        (None, DOCUMENT, "GetRolePolicy", "read"),
        (None, DOCUMENT, "PutRolePolicy", "write"),
        (OLD, None, "DeleteRolePolicy", "delete"),
    ],
)
def test_a_failed_policy_call_says_what_to_do(stored, document, operation, verb, denied):
    """Access denied names the missing permission; another error is AWS's to explain (the module adds it)."""
    iam = FakeIAM({ROLE_NAME: {NAME: stored} if stored else {}})
    error = access_denied(operation, f"iam:{operation}") if denied else client_error("InvalidInput", {}, operation)
    iam.failures[operation] = [error]
    with pytest.raises(EventInvokeConfigError) as raised:
        grant.ensure_policy(iam, ROLE, NAME, document, False)
    advice = (
        f". The identity that runs Ansible needs iam:{operation} on {ROLE}: allow it, or set "
        "grant_destination_permissions: false and give the role the delivery permissions yourself"
    )
    assert raised.value.message == f"Failed to {verb} the policy {NAME} of role {ROLE}{advice if denied else ''}"
    assert raised.value.exception is error


def test_a_missing_role_is_named():
    with pytest.raises(EventInvokeConfigError) as raised:
        grant.ensure_policy(FakeIAM({}), ROLE, NAME, DOCUMENT, False)
    assert raised.value.message == (
        f"Failed to write the policy {NAME} of role {ROLE}. The role does not exist: give the function an existing "
        "execution role, or set grant_destination_permissions: false"
    )
    assert raised.value.exception.response["Error"]["Code"] == "NoSuchEntity"


# --- the grant in a task: converge(grant=Grant(checks)) -------------------------------------------------------------

FN_ROLE = lambda_fakes.ROLE  # the execution role FakeLambda gives my-function
FN_ROLE_NAME = FN_ROLE.rsplit("/", 1)[1]


def task(iam, configs):
    """(Lambda client, Grant) over my-function with ``configs`` by qualifier, a topic and the default bus."""
    functions = {"my-function": {"$LATEST": None, "1": None}}
    functions["my-function"].update(configs)
    clients = {
        "iam": iam,
        "sns": lambda_fakes.FakeService(get_topic_attributes=lambda TopicArn: {"Attributes": {"KmsMasterKeyId": KEY}}),
        "events": lambda_fakes.FakeService(describe_event_bus=lambda Name: {"Arn": Name}),
    }
    return lambda_fakes.FakeLambda(functions), grant.Grant(DestinationChecks(lambda service, region: clients[service]))


def request(**options):
    params = dict.fromkeys(CONFIG_OPTIONS)
    params.update(function_name="my-function", state="present", destination_retry_timeout=0)
    params.update(options)
    return build_requests([(None, params)], params, REGION)


ON_FAILURE_TOPIC = {"DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}}}


@pytest.mark.parametrize("check_mode", [False, True])
def test_the_grant_allows_every_qualifier_s_destinations_before_the_write(check_mode):
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})
    written_with = []
    client.on_call = lambda call: (
        written_with.append(dict(iam.role_policies[FN_ROLE_NAME])) if call.operation.startswith("Put") else None
    )

    (outcome,) = converge(
        client,
        request(qualifier="1", destination_config={"on_success": {"destination": BUS}}),
        check_mode=check_mode,
        grant=granting,
    )

    expected = grant.policy_document([(TOPIC, KEY), (BUS, None)])
    assert outcome.error is None
    assert client.operations()[0] == "ListFunctionEventInvokeConfigs"  # every qualifier's destinations
    assert granting.policies == [
        dict(function_name="my-function", role_arn=FN_ROLE, policy_name=NAME, changed=True, before=None, after=expected)
    ]
    assert iam.role_policies[FN_ROLE_NAME] == ({} if check_mode else {NAME: expected})
    assert written_with == ([] if check_mode else [{NAME: expected}])


def test_the_grant_removes_the_policy_with_the_last_destination():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(TOPIC, None)])}})
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})

    (outcome,) = converge(client, request(state="absent"), grant=granting)

    assert (outcome.error, outcome.changed) == (None, True)
    assert iam.role_policies[FN_ROLE_NAME] == {}
    assert [(policy["before"], policy["after"]) for policy in granting.policies] == [
        (grant.policy_document([(TOPIC, None)]), None)
    ]


def test_the_grant_keeps_a_destination_the_task_leaves_and_the_preflight_leaves_it_the_role():
    """Retries set on $LATEST keep its topic, whose key the policy grants too; with the grant on, the preflight
    judges the destinations only (no simulation: the role's permissions are the grant's to give)."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC)})  # the Update changes the fake's dict
    top = dict(dict.fromkeys(CONFIG_OPTIONS), state="present", destination_retry_timeout=0)
    items = [
        {"function_name": "my-function", "maximum_retry_attempts": 1},
        {"function_name": "my-function", "qualifier": "1", "destination_config": {"on_success": {"destination": BUS}}},
    ]
    labelled = [(f"configs[{index}]", dict(dict.fromkeys(CONFIG_OPTIONS), **item)) for index, item in enumerate(items)]

    outcomes = converge(client, build_requests(labelled, top, REGION), checks=granting.checks, grant=granting)

    assert [(outcome.error, outcome.changed) for outcome in outcomes] == [(None, True), (None, True)]
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(TOPIC, KEY), (BUS, None)])}
    assert [call.operation for call in iam.calls] == ["GetRolePolicy", "PutRolePolicy"]


def test_the_grant_needs_the_function_configuration():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    client, granting = task(iam, {})
    client.failures["GetFunctionConfiguration"] = [
        access_denied("GetFunctionConfiguration", "lambda:GetFunctionConfiguration")
    ]
    with pytest.raises(InvalidOptionError) as raised:
        granting.ensure(client, parse_function_name("my-function"), [TOPIC], False)
    assert (str(raised.value), raised.value.option) == (
        "Cannot grant destination permissions: the configuration of function my-function could not be read "
        "(lambda:GetFunctionConfiguration) to find its execution role. Allow that read, or set "
        "grant_destination_permissions: false.",
        "grant_destination_permissions",
    )
    assert iam.calls == []


def test_a_refused_role_writes_nothing_of_the_function():
    iam = lambda_fakes.FakeIAM({})
    client, granting = task(iam, {})
    client.roles["my-function"] = "arn:aws:iam::210987654321:role/elsewhere"

    (outcome,) = converge(client, request(destination_config={"on_failure": {"destination": TOPIC}}), grant=granting)

    assert isinstance(outcome.error, InvalidOptionError)
    assert "belongs to account 210987654321" in str(outcome.error)
    assert (client.writes, iam.calls) == ([], [])
