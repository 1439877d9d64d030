# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


import types

import lambda_fakes
import pytest
from lambda_fakes import access_denied
from lambda_fakes import client_error
from lambda_fakes import no_such_entity

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.serverless.aws_lambda.plugins.module_utils import grant
from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.converge import converge
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT
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
NAME = f"serverless-aws-lambda-destinations-{REGION}"


def grants(document):
    """The document's statements as (actions, resource), sorted: what the policy allows."""
    return sorted((statement["Action"], statement["Resource"]) for statement in document["Statement"])


def test_policy_name_is_per_region_within_iam_s_limit():
    assert grant.policy_name(REGION) == NAME
    assert grant.policy_name("eu-west-1") != NAME
    assert len(grant.policy_name("us-isob-east-1")) <= 128


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


@pytest.mark.parametrize(
    "destination, key",
    [
        (QUEUE, "arn:aws:kms:*:*:*"),
        (QUEUE, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"),
        (QUEUE, "arn:aws:kms:?"),
        (f"{QUEUE}*", None),  # a destination AWS has that the task did not give, so never validated
    ],
)
def test_the_policy_never_holds_a_wildcard(destination, key):
    with pytest.raises(InvalidOptionError) as raised:
        grant.policy_document([(destination, key)])
    assert str(raised.value) == (
        f"Cannot grant destination permissions: {key or destination!r} (for the destination {destination}) is not an "
        "exact resource, and "
        "the grant never writes a wildcard. Fix the destination, or set grant_destination_permissions: false."
    )
    assert raised.value.option == "grant_destination_permissions"


@pytest.mark.parametrize("destinations", [[], iter([])])
def test_no_destination_no_policy(destinations):
    assert grant.policy_document(destinations) is None
    assert grant.policy_size(None) == 0


def test_statements_are_sorted_marked_and_named_after_their_resource():
    """The order of the destinations does not matter, and names differing only by '-' or '_' get distinct Sids:
    the grant's mark, the service and the resource in words, then a hash of the resource."""
    queues = [f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}" for name in ("my-queue", "my_queue", "Orders-DLQ")]
    destinations = [(queue, None) for queue in queues] + [(BUCKET, None), (FUNCTION, None)]
    document = grant.policy_document(destinations)
    assert grant.policy_document(reversed(destinations)) == document
    assert [statement["Sid"] for statement in document["Statement"]] == [
        "LambdaDestinationLambdaFunctionOtherFunctionLiveb29b3dd6",
        "LambdaDestinationS3FailedEvents38f2660b",
        "LambdaDestinationS3FailedEventsbf968cf1",
        "LambdaDestinationSqsMyQueue08572c15",
        "LambdaDestinationSqsMyQueue811d0ff4",
        "LambdaDestinationSqsOrdersDLQ40614487",
    ]


@pytest.mark.parametrize(
    "before, needed, expected",
    [
        (None, None, None),
        (None, [(QUEUE, None)], [(QUEUE, None)]),
        ([(TOPIC, None)], None, [(TOPIC, None)]),
        ([(TOPIC, KEY)], [(QUEUE, None)], [(TOPIC, KEY), (QUEUE, None)]),
        ([(TOPIC, KEY)], [(TOPIC, KEY)], [(TOPIC, KEY)]),
    ],
)
def test_widened_keeps_every_statement_and_adds_the_needed(before, needed, expected):
    def document(pairs):
        return grant.policy_document(pairs) if pairs else None

    assert grant.widened(document(before), document(needed)) == document(expected)


def test_widened_joins_the_actions_of_one_resource():
    before = grant.policy_document([(QUEUE, None)])
    before["Statement"][0]["Action"] = "sqs:GetQueueUrl"
    (statement,) = grant.widened(before, grant.policy_document([(QUEUE, None)]))["Statement"]
    assert statement["Action"] == ["sqs:GetQueueUrl", "sqs:SendMessage"]


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


# --- the grant in a task: converge(grant=Grant(checks)) -------------------------------------------------------------

FN_ROLE = lambda_fakes.ROLE  # the execution role FakeLambda gives my-function
FN_ROLE_NAME = FN_ROLE.rsplit("/", 1)[1]
OTHER = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def topic_reader(attributes=None, failure=None):
    def get_topic_attributes(TopicArn):
        if failure is not None:
            raise failure
        return {"Attributes": {"KmsMasterKeyId": KEY} if attributes is None else attributes}

    return lambda_fakes.FakeService(get_topic_attributes=get_topic_attributes)


def task(iam, configs, sns=None):
    """(Lambda client, Grant) over my-function with ``configs`` by qualifier, a topic (encrypted with KEY unless
    ``sns`` says otherwise) and the default bus."""
    functions = {"my-function": {"$LATEST": None, "1": None}}
    functions["my-function"].update(configs)
    clients = {
        "iam": iam,
        "sns": sns or topic_reader(),
        "events": lambda_fakes.FakeService(describe_event_bus=lambda Name: {"Arn": Name}),
    }
    return lambda_fakes.FakeLambda(functions), grant.Grant(DestinationChecks(lambda service, region: clients[service]))


def request(**options):
    params = dict.fromkeys(CONFIG_OPTIONS)
    params.update(function_name="my-function", state="present", destination_retry_timeout=0)
    params.update(options)
    return build_requests([(None, params)], params, REGION)


ON_FAILURE_TOPIC = {"DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": TOPIC}}}
TO_BUS = {"on_failure": {"destination": BUS}}


def record_policies(client, iam):
    """The role's inline policies at each config write of ``client``."""
    seen = []
    client.on_call = lambda call: (
        seen.append(dict(iam.role_policies[FN_ROLE_NAME])) if call.operation.startswith(("Put", "Update")) else None
    )
    return seen


@pytest.mark.parametrize("check_mode", [False, True])
def test_the_grant_allows_every_qualifier_s_destinations_before_the_write(check_mode):
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {"other": OTHER}})
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})
    written_with = record_policies(client, iam)

    (outcome,) = converge(
        client,
        request(qualifier="1", destination_config={"on_success": {"destination": BUS}}),
        check_mode=check_mode,
        grant=granting,
    )

    expected = grant.policy_document([(TOPIC, KEY), (BUS, None)])
    assert outcome.error is None
    assert client.operations()[0] == "ListFunctionEventInvokeConfigs"  # every qualifier's destinations
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 1  # nothing shrinks: no second read
    assert granting.policies == [
        dict(role_arn=FN_ROLE, policy_name=NAME, functions=["my-function"], changed=True, before=None, after=expected)
    ]
    assert iam.role_policies[FN_ROLE_NAME] == ({"other": OTHER} if check_mode else {"other": OTHER, NAME: expected})
    assert written_with == ([] if check_mode else [{"other": OTHER, NAME: expected}])
    assert all(call.params["RoleName"] == FN_ROLE_NAME for call in iam.calls)


@pytest.mark.parametrize("check_mode", [False, True])
def test_switching_a_destination_widens_before_the_write_and_narrows_after(check_mode):
    stored = grant.policy_document([(TOPIC, KEY)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC)})
    written_with = record_policies(client, iam)

    (outcome,) = converge(client, request(destination_config=TO_BUS), check_mode=check_mode, grant=granting)

    assert outcome.error is None
    assert [(policy["before"], policy["after"]) for policy in granting.policies] == [
        (stored, grant.policy_document([(BUS, None)]))
    ]
    assert granting.warnings == []
    assert client.operations().count("ListFunctions") == 1  # who else on the role uses the topic
    if check_mode:
        assert (iam.writes, iam.role_policies[FN_ROLE_NAME]) == ([], {NAME: stored})
        assert client.operations().count("ListFunctionEventInvokeConfigs") == 1  # its own configs are the plan's
        return
    assert written_with == [{NAME: grant.policy_document([(TOPIC, KEY), (BUS, None)])}]  # both, while the Put runs
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(BUS, None)])}
    assert [call.operation for call in iam.calls] == ["GetRolePolicy", "PutRolePolicy", "PutRolePolicy"]
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 2  # read again before the topic goes


def test_before_a_statement_goes_the_configs_are_read_again():
    """Another task points version 1 at the topic while this one moves $LATEST from the topic to the bus: the
    topic's statement stays, since a config uses it when the policy narrows."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(TOPIC, KEY)])}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC)})

    def concurrent(call):
        if call.operation == "UpdateFunctionEventInvokeConfig":
            client.functions["my-function"]["1"] = dict(ON_FAILURE_TOPIC)

    client.on_call = concurrent

    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)

    assert outcome.error is None
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(TOPIC, KEY), (BUS, None)])}
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 2  # the read, and the one before narrowing


def test_a_failed_write_keeps_what_the_config_still_uses():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(TOPIC, KEY)])}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC)})
    client.failures["UpdateFunctionEventInvokeConfig"] = [client_error("InvalidParameterValueException", {}, "Update")]

    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)

    wide = grant.policy_document([(TOPIC, KEY), (BUS, None)])
    assert isinstance(outcome.error, EventInvokeConfigError)
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: wide}
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 2  # the config still sends to the topic
    assert [(policy["changed"], policy["after"]) for policy in granting.policies] == [(True, wide)]
    assert granting.warnings == []


def test_the_grant_removes_the_policy_after_the_last_config():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(TOPIC, None)])}})
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})
    deleted_with = []
    client.on_call = lambda call: deleted_with.append(dict(iam.role_policies[FN_ROLE_NAME]))

    (outcome,) = converge(client, request(state="absent"), grant=granting)

    assert (outcome.error, outcome.changed) == (None, True)
    assert deleted_with[-1] == {NAME: grant.policy_document([(TOPIC, None)])}  # still there at the Delete
    assert iam.role_policies[FN_ROLE_NAME] == {}
    assert [(policy["before"], policy["after"]) for policy in granting.policies] == [
        (grant.policy_document([(TOPIC, None)]), None)
    ]


def test_topics_that_cannot_be_read_keep_their_key_statement():
    """The keys of unreadable topics are unknown: the statements are kept, and the task says why."""
    other_topic = f"{TOPIC}-2"
    stored = grant.policy_document([(TOPIC, KEY), (other_topic, KEY)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    denied = access_denied("GetTopicAttributes", "sns:GetTopicAttributes")
    configs = {
        "$LATEST": dict(ON_FAILURE_TOPIC),
        "1": {"DestinationConfig": {"OnFailure": {"Destination": other_topic}}},
    }
    client, granting = task(iam, configs, sns=topic_reader(failure=denied))

    (outcome,) = converge(client, request(maximum_retry_attempts=1), grant=granting)

    assert outcome.error is None
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: stored}
    assert iam.writes == []
    (warning,) = granting.warnings
    assert warning.startswith(
        f"The grant could not judge every statement of the inline policy {NAME} of role {FN_ROLE}"
    )
    assert f"the destination {TOPIC} could not be read to learn its KMS key" in warning
    assert (
        "could not be read to learn its KMS key (it could not be read (AccessDenied): the caller may not read it "
        f"(sns:GetTopicAttributes), or it is in another account; it may still exist); the destination {other_topic} "
        "could" in warning
    )


@pytest.mark.parametrize(
    "key, granted",
    [
        ("1234abcd-12ab-34cd-56ef-1234567890ab", KEY),
        ("arn:aws:kms:*:*:*", None),
    ],
)
def test_a_key_is_granted_by_its_exact_arn_or_not_at_all(key, granted):
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    client, granting = task(iam, {}, sns=topic_reader({"KmsMasterKeyId": key}))

    (outcome,) = converge(client, request(destination_config={"on_failure": {"destination": TOPIC}}), grant=granting)

    if granted:
        assert outcome.error is None
        assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(TOPIC, granted)])}
    else:
        assert str(outcome.error) == (
            f"Cannot grant destination permissions for {TOPIC}: its KMS key {key!r} is not an exact KMS key ARN of "
            "partition aws: no key policy statement can be written or judged for it. The grant writes only exact key "
            "ARNs: point the destination at a key by id, key ARN or alias, or set grant_destination_permissions: "
            "false and allow the key yourself."
        )
        assert (iam.writes, client.writes, outcome.error.option) == ([], [], "grant_destination_permissions")


def test_a_policy_of_the_grant_s_name_it_did_not_write_is_never_touched():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: OTHER}})
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})

    (outcome,) = converge(client, request(maximum_retry_attempts=1), grant=granting)

    assert str(outcome.error) == (
        f"Cannot grant destination permissions: the inline policy {NAME} of role {FN_ROLE} was not written by this "
        "module (a statement's Sid does not start with LambdaDestination), and it is never changed or deleted. "
        "Rename or remove that policy, or set grant_destination_permissions: false."
    )
    assert (iam.role_policies[FN_ROLE_NAME], iam.writes, client.writes) == ({NAME: OTHER}, [], [])
    assert outcome.error.option == "grant_destination_permissions"


def uses(*arns, name="my-function", role=FN_ROLE, before=()):
    """The FunctionUse of a function whose qualifiers on ``role`` send to ``arns`` after the task."""
    return grant.FunctionUse(name, REGION, {role: grant.RoleUse(frozenset(before), frozenset(arns))})


def test_a_policy_over_iam_s_quota_is_refused_before_any_write():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    _client, granting = task(iam, {})
    functions = [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:destination-{index:03d}" for index in range(80)]
    size = grant.policy_size(grant.policy_document([(function, None) for function in functions]))

    refused = granting.widen([uses(*functions[:40]), uses(*functions[40:], name="other")], check_mode=False, workers=1)

    assert refused["my-function"] is refused["other"]
    assert str(refused["other"]) == (
        f"Cannot grant destination permissions: the destinations of 2 function(s) on role {FN_ROLE} (my-function, "
        f"other) need the inline policy {NAME} of {size} characters, and IAM allows 10240 characters of inline policy "
        "per role in all (whitespace not counted). Nothing was written. Ways out: fewer destinations for the "
        "functions of that role; an execution role of their own for some of them; or set "
        "grant_destination_permissions: false and attach managed policies you write (6,144 characters each, 10 per "
        "role by default)."
    )
    assert size > 10240
    assert ([call.operation for call in iam.calls], refused["other"].option) == (
        ["GetRolePolicy"],
        "grant_destination_permissions",
    )


def test_a_policy_exactly_at_iam_s_quota_is_written(monkeypatch):
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    _client, granting = task(iam, {})
    monkeypatch.setattr(grant, "INLINE_POLICY_QUOTA", grant.policy_size(grant.policy_document([(BUS, None)])))
    assert granting.widen([uses(BUS)], check_mode=False, workers=1) == {}
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(BUS, None)])}


def test_check_mode_counts_the_role_s_other_inline_policies(monkeypatch):
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    """A real run learns the quota from IAM's LimitExceeded; check mode reads the other policies to tell (its own
    policy, which the new document replaces, does not count)."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {"other": OTHER, NAME: grant.policy_document([(QUEUE, None)])}})
    _client, granting = task(iam, {})
    for operation in ("ListRolePolicies", "GetRolePolicy"):  # throttled once each: retried as every IAM call
        iam.failures[operation] = [client_error("Throttling", {"Message": "Rate exceeded"}, operation, 400)]
    wide = grant.policy_size(grant.policy_document([(QUEUE, None), (BUS, None)]))
    monkeypatch.setattr(grant, "INLINE_POLICY_QUOTA", wide + grant.policy_size(OTHER) - 1)

    refused = granting.widen([uses(BUS)], check_mode=True, workers=1)

    assert f"of {wide} characters and its other inline policies hold {grant.policy_size(OTHER)}, and IAM allows" in str(
        refused["my-function"]
    )
    assert [call.operation for call in iam.calls] == ["GetRolePolicy"] * 2 + ["ListRolePolicies"] * 2 + [
        "GetRolePolicy"
    ]


def test_the_role_s_other_policies_that_cannot_be_read_are_named():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    _client, granting = task(iam, {})
    iam.failures["ListRolePolicies"] = [access_denied("ListRolePolicies", "iam:ListRolePolicies")]

    refused = granting.widen([uses(BUS)], check_mode=True, workers=1)

    assert refused["my-function"].message == (
        f"Failed to read the inline policies of role {FN_ROLE}. The identity that runs Ansible needs "
        "iam:ListRolePolicies on the role: allow it, or set grant_destination_permissions: "
        "false and give the role the delivery permissions yourself"
    )


@pytest.mark.parametrize("count, named", [(5, "f0, f1, f2, f3, f4"), (6, "f0, f1, f2, f3, f4, ...")])
def test_the_quota_refusal_names_the_first_five_functions(monkeypatch, count, named):
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    _client, granting = task(iam, {})
    monkeypatch.setattr(grant, "INLINE_POLICY_QUOTA", 10)
    refused = granting.widen([uses(BUS, name=f"f{index}") for index in range(count)], check_mode=False, workers=1)
    assert f"the destinations of {count} function(s) on role {FN_ROLE} ({named}) need" in str(refused["f0"])


@pytest.mark.parametrize("denied", [True, False])
@pytest.mark.parametrize(
    "stored, options, operation, verb",
    [
        (None, dict(destination_config=TO_BUS), "GetRolePolicy", "read"),
        (None, dict(destination_config=TO_BUS), "PutRolePolicy", "write"),
        (grant.policy_document([(BUS, None)]), dict(state="absent"), "DeleteRolePolicy", "delete"),
    ],
)
def test_a_failed_policy_call_says_what_to_do(stored, options, operation, verb, denied):
    """Access denied names the missing permission; another error is AWS's to explain (the module adds it)."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored} if stored else {}})
    client, granting = task(
        iam, {"$LATEST": {"DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": BUS}}}}
    )
    error = access_denied(operation, f"iam:{operation}") if denied else client_error("InvalidInput", {}, operation)
    iam.failures[operation] = [error]

    (outcome,) = converge(client, request(**options), grant=granting)

    advice = (
        f". The identity that runs Ansible needs iam:{operation} on the role: allow it, or set "
        "grant_destination_permissions: false and give the role the delivery permissions yourself"
    )
    assert outcome.error.message == f"Failed to {verb} the policy {NAME} of role {FN_ROLE}{advice if denied else ''}"
    assert outcome.error.exception is error


def test_a_missing_role_is_named():
    client, granting = task(lambda_fakes.FakeIAM({}), {})
    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)
    assert outcome.error.message == (
        f"Failed to write the policy {NAME} of role {FN_ROLE}. The role does not exist: give the function an existing "
        "execution role, or set grant_destination_permissions: false"
    )
    assert outcome.error.exception.response["Error"]["Code"] == "NoSuchEntity"


def test_a_policy_deleted_meanwhile_is_gone_as_wanted():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(TOPIC, None)])}}, encoded=True)
    client, granting = task(iam, {"$LATEST": ON_FAILURE_TOPIC})
    iam.failures["DeleteRolePolicy"] = [
        no_such_entity(f"The role policy with name {NAME} cannot be found.", "DeleteRolePolicy")
    ]
    (outcome,) = converge(client, request(state="absent"), grant=granting)
    assert outcome.error is None
    assert granting.policies[0]["after"] is None


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

    outcomes = converge(
        client, build_requests(labelled, top, REGION), checks=granting.checks, preflight=STRICT, grant=granting
    )

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
        granting.uses(client, parse_function_name("my-function"), {}, {"1": [TOPIC]})
    assert (str(raised.value), raised.value.option) == (
        "Cannot grant destination permissions: the configuration of function my-function (qualifier 1) could "
        "not be read "
        "(lambda:GetFunctionConfiguration) to find its execution role. Allow that read, or set "
        "grant_destination_permissions: false.",
        "grant_destination_permissions",
    )
    assert iam.calls == []


def test_each_role_of_a_function_s_qualifiers_holds_its_qualifiers_destinations():
    """Version 1 keeps the role it was published with: its topic stays in that role's policy, while $LATEST's role
    moves from the topic to the bus."""
    old_role_name = "old-role"
    stored = grant.policy_document([(TOPIC, KEY)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}, old_role_name: {NAME: stored}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC), "1": dict(ON_FAILURE_TOPIC)})
    client.roles[("my-function", "1")] = f"arn:aws:iam::{ACCOUNT}:role/{old_role_name}"

    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)

    assert outcome.error is None
    assert iam.role_policies == {
        FN_ROLE_NAME: {NAME: grant.policy_document([(BUS, None)])},
        old_role_name: {NAME: stored},
    }


def test_a_refused_role_writes_nothing_of_the_function():
    iam = lambda_fakes.FakeIAM({})
    client, granting = task(iam, {})
    client.roles["my-function"] = "arn:aws:iam::210987654321:role/elsewhere"

    (outcome,) = converge(client, request(destination_config={"on_failure": {"destination": TOPIC}}), grant=granting)

    assert isinstance(outcome.error, InvalidOptionError)
    assert "belongs to account 210987654321" in str(outcome.error)
    assert (client.writes, iam.calls) == ([], [])


@pytest.mark.parametrize(
    "operation, code",
    [("GetRolePolicy", "ServiceFailure"), ("PutRolePolicy", "Throttling"), ("DeleteRolePolicy", "ServiceFailure")],
)
def test_iam_s_server_errors_and_throttling_are_retried(monkeypatch, operation, code):
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    stored = {NAME: grant.policy_document([(BUS, None)])} if operation == "DeleteRolePolicy" else {}
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: dict(stored)})
    client, granting = task(iam, {"$LATEST": {"DestinationConfig": {"OnFailure": {"Destination": BUS}}}})
    iam.failures[operation] = [client_error(code, {"Message": code}, operation, 500)]
    options = dict(state="absent") if operation == "DeleteRolePolicy" else dict(destination_config=TO_BUS)

    (outcome,) = converge(client, request(**options), grant=granting)

    assert outcome.error is None
    assert [call.operation for call in iam.calls].count(operation) == 2


def test_iam_s_inline_quota_is_explained_with_the_numbers():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {"other": OTHER, NAME: grant.policy_document([(QUEUE, None)])}})
    client, granting = task(iam, {})
    error = client_error("LimitExceeded", {"Message": "Maximum policy size exceeded"}, "PutRolePolicy", 409)
    iam.failures["PutRolePolicy"] = [error]

    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)

    size = grant.policy_size(grant.policy_document([(QUEUE, None), (BUS, None)]))
    assert str(outcome.error).startswith(
        f"Cannot grant destination permissions: the destinations of 1 function(s) on role {FN_ROLE} (my-function) "
        f"need the inline policy {NAME} of {size} characters and its other inline policies hold "
        f"{grant.policy_size(OTHER)}, and IAM allows 10240 characters"
    )
    assert outcome.error.__cause__ is error
    assert client.writes == []


# --- one role, many functions ------------------------------------------------------------------------------------

QUEUE_CONFIG = {"DestinationConfig": {"OnFailure": {"Destination": QUEUE}}}


def shared(iam, sns=None, **functions):
    """(Lambda client, Grant) over functions that all use FN_ROLE: name -> {qualifier: config or None}; a topic
    read by ``sns``."""
    sqs = lambda_fakes.FakeService(
        get_queue_url=lambda QueueName, QueueOwnerAWSAccountId: {"QueueUrl": QueueName},
        get_queue_attributes=lambda **params: {"Attributes": {}},
    )
    clients = {
        "iam": iam,
        "sqs": sqs,
        "events": lambda_fakes.FakeService(describe_event_bus=lambda Name: {"Arn": Name}),
        "sns": sns,
    }
    return lambda_fakes.FakeLambda(functions), grant.Grant(DestinationChecks(lambda service, region: clients[service]))


def fleet(*items):
    top = dict(dict.fromkeys(CONFIG_OPTIONS), state="present", destination_retry_timeout=0)
    labelled = [(f"configs[{index}]", dict(dict.fromkeys(CONFIG_OPTIONS), **item)) for index, item in enumerate(items)]
    return build_requests(labelled, top, REGION)


def test_functions_on_one_role_share_one_statement_per_destination_and_re_apply_writes_nothing():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    names = [f"fn-{index}" for index in range(3)]
    client, granting = shared(iam, **{name: {"$LATEST": None} for name in names})
    items = [dict(function_name=name, destination_config=TO_BUS) for name in names]

    assert all(outcome.error is None for outcome in converge(client, fleet(*items), grant=granting, workers=2))
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(BUS, None)])}
    assert [call.operation for call in iam.calls] == ["GetRolePolicy", "PutRolePolicy"]
    assert granting.policies[0]["functions"] == names

    client.calls.clear()
    iam.calls.clear()
    again = grant.Grant(granting.checks)
    assert all(outcome.error is None for outcome in converge(client, fleet(*items), grant=again, workers=2))
    assert ([call.operation for call in iam.calls], again.policies[0]["changed"]) == (["GetRolePolicy"], False)
    assert "ListFunctions" not in client.operations()  # nothing the task's configs used goes


def test_a_statement_goes_only_when_no_function_on_the_role_uses_it():
    stored = grant.policy_document([(QUEUE, None)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)}, other={"$LATEST": dict(QUEUE_CONFIG)})

    converge(client, fleet(dict(function_name="left", destination_config=TO_BUS)), grant=granting)

    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(QUEUE, None), (BUS, None)])}
    assert client.operations().count("ListFunctions") == 1
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 3  # left's read, then left and other

    granting = grant.Grant(granting.checks)
    converge(client, fleet(dict(function_name="other", state="absent")), grant=granting)

    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(BUS, None)])}


def test_a_function_of_another_role_does_not_keep_a_statement():
    """Only the functions with a version on the role count: one on another role using the queue does not."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(QUEUE, None)])}, "own": {}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)}, apart={"$LATEST": dict(QUEUE_CONFIG)})
    client.roles["apart"] = f"arn:aws:iam::{ACCOUNT}:role/own"

    converge(client, fleet(dict(function_name="left", state="absent")), grant=granting)

    assert iam.role_policies[FN_ROLE_NAME] == {}
    assert client.operations().count("ListFunctionEventInvokeConfigs") == 2  # apart is not read


def test_what_no_function_on_the_role_uses_is_reported_and_left():
    stored = grant.policy_document([(QUEUE, None), (BUS, None), (FUNCTION, None)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)})

    converge(client, fleet(dict(function_name="left", state="absent")), grant=granting)

    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(BUS, None), (FUNCTION, None)])}
    assert granting.warnings == [
        f"The inline policy {NAME} of role {FN_ROLE} allows resources no function of {REGION} on the role uses: "
        f"{BUS}, {FUNCTION}. The module removes a statement only when a config of the task stops using it; remove these "
        "statements yourself if nothing else needs them."
    ]


def test_when_the_role_s_functions_cannot_be_read_nothing_goes():
    stored = grant.policy_document([(QUEUE, None)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)})
    client.failures["ListFunctions"] = [access_denied("ListFunctions", "lambda:ListFunctions")]

    (outcome,) = converge(client, fleet(dict(function_name="left", state="absent")), grant=granting)

    assert outcome.error is None
    assert (iam.role_policies[FN_ROLE_NAME], iam.writes) == ({NAME: stored}, [])
    (warning,) = granting.warnings
    assert "what the functions on the role use could not be read (Failed to list the Lambda functions" in warning


def test_check_mode_predicts_the_narrowing_from_the_plan_and_the_others_configs():
    """The task's own function counts with its configs after the task (not read again); every other function on
    the role is read: other still uses the queue, so the prediction keeps it."""
    stored = grant.policy_document([(QUEUE, None)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)}, other={"$LATEST": dict(QUEUE_CONFIG)})

    converge(client, fleet(dict(function_name="left", state="absent")), grant=granting, check_mode=True)

    assert [(policy["changed"], policy["after"]) for policy in granting.policies] == [(False, stored)]
    reads = [call.params["FunctionName"] for call in client.calls if call.operation == "ListFunctionEventInvokeConfigs"]
    assert reads == ["left", "other"]


def test_a_config_on_an_alias_of_another_function_keeps_the_statement():
    """An alias answers for a version the listing does not name: its config counts for every role of its function."""
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: grant.policy_document([(QUEUE, None)])}})
    client, granting = shared(iam, left={"$LATEST": dict(QUEUE_CONFIG)}, other={"$LATEST": None, "live": QUEUE_CONFIG})

    converge(client, fleet(dict(function_name="left", state="absent")), grant=granting)

    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(QUEUE, None)])}


@pytest.mark.parametrize(
    "topic_reader_args, reason",
    [
        (
            dict(failure=access_denied("GetTopicAttributes", "sns:GetTopicAttributes")),
            "(it could not be read (AccessDenied)",
        ),
        (dict(attributes={"KmsMasterKeyId": "arn:aws:kms:*:*:*"}), "is not an exact KMS key ARN"),
    ],
)
def test_leaving_a_topic_whose_key_cannot_be_judged_removes_nothing(topic_reader_args, reason):
    """The task leaves the topic; its key is unknown (unreadable, or not an exact key ARN): nothing goes, the task
    does not fail for a key it no longer grants, and the warning says why."""
    stored = grant.policy_document([(TOPIC, KEY)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    client, granting = task(iam, {"$LATEST": dict(ON_FAILURE_TOPIC)}, sns=topic_reader(**topic_reader_args))

    (outcome,) = converge(client, request(destination_config=TO_BUS), grant=granting)

    assert outcome.error is None
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: grant.policy_document([(TOPIC, KEY), (BUS, None)])}
    (warning,) = granting.warnings
    assert warning.startswith(
        f"The grant could not judge every statement of the inline policy {NAME} of role {FN_ROLE}: the destination "
        f"{TOPIC} could not be read to learn its KMS key ("
    )
    assert reason in warning
    assert warning.endswith(
        ". It removed nothing, and granted no key it could not learn; run the task again once that is resolved."
    )
    assert "ListFunctions" not in client.operations()


def test_a_key_another_function_s_destination_cannot_be_judged_by_keeps_what_goes():
    """left leaves the queue; other, on the role, sends to a topic whose key is a wildcard: what other needs cannot
    be judged, so nothing goes, and the task does not fail for a key it does not grant."""
    stored = grant.policy_document([(QUEUE, None)])
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {NAME: stored}})
    wildcard = topic_reader({"KmsMasterKeyId": "arn:aws:kms:*:*:*"})
    client, granting = shared(
        iam, sns=wildcard, left={"$LATEST": dict(QUEUE_CONFIG)}, other={"$LATEST": dict(ON_FAILURE_TOPIC)}
    )

    (outcome,) = converge(client, fleet(dict(function_name="left", state="absent")), grant=granting)

    assert outcome.error is None
    assert iam.role_policies[FN_ROLE_NAME] == {NAME: stored}
    (warning,) = granting.warnings
    assert (
        f": the destination {TOPIC} could not be read to learn its KMS key (its KMS key 'arn:aws:kms:*:*:*'" in warning
    )


def test_a_missing_function_asks_nothing_of_the_grant():
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {}})
    client, granting = shared(iam)

    (outcome,) = converge(client, fleet(dict(function_name="gone", destination_config=TO_BUS)), grant=granting)

    assert "gone" in str(outcome.error.message)
    assert (iam.calls, granting.policies) == ([], [])


def test_the_other_policies_are_read_with_retries(monkeypatch):
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    iam = lambda_fakes.FakeIAM({FN_ROLE_NAME: {"other": OTHER, "more": OTHER}})
    iam.failures["ListRolePolicies"] = [
        client_error("Throttling", {"Message": "Rate exceeded"}, "ListRolePolicies", 400)
    ]
    iam.failures["GetRolePolicy"] = [client_error("Throttling", {"Message": "Rate exceeded"}, "GetRolePolicy", 400)]
    size = grant._other_policies_size(lambda_api.retrying(iam), FN_ROLE, NAME)
    assert size == 2 * grant.policy_size(OTHER)
    assert [call.operation for call in iam.calls] == ["ListRolePolicies"] * 2 + ["GetRolePolicy"] * 3
