# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accuracy matrix of the destination prediction: destination kinds x situations.

Each cell is one config of its own function, whose execution role and destination make the situation. One check
mode run of the fleet gives the prediction of every cell (destination_checks[].prediction); one real run, without
the preflight, gives what the emulator's Put does. The table holds both, and what AWS does (recorded or
inferred, tests/emulator/CONTRACT.md); the guide shows the same table (docs/docsite/rst/guide_destinations.rst).
A false positive, a refusal predicted for a config the emulator's Put accepts, fails the test whatever the table
says.
"""

import json
import os

import pytest

REGION = "us-east-1"
OTHER_REGION = "us-west-2"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
TRUST = json.dumps(
    {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)
KEY_ALIAS = "alias/accuracy-key"
FLEET_TASK = "Apply the fleet"
LIFTED = {"max_requests_per_second": 0, "workers": 8}

# kind -> (its ARN, the delivery action)
KINDS = {
    "queue": ("arn:aws:sqs:{region}:{account}:{name}", "sqs:SendMessage"),
    "encrypted queue": ("arn:aws:sqs:{region}:{account}:{name}", "sqs:SendMessage"),
    "topic": ("arn:aws:sns:{region}:{account}:{name}", "sns:Publish"),
    "encrypted topic": ("arn:aws:sns:{region}:{account}:{name}", "sns:Publish"),
    "function": ("arn:aws:lambda:{region}:{account}:function:{name}", "lambda:InvokeFunction"),
    "alias": ("arn:aws:lambda:{region}:{account}:function:{name}:live", "lambda:InvokeFunction"),
    "bus": ("arn:aws:events:{region}:{account}:event-bus/{name}", "events:PutEvents"),
    "bucket": ("arn:aws:s3:::{name}", "s3:PutObject"),
}
ENCRYPTED = ("encrypted queue", "encrypted topic")

# situation -> (prediction, the emulator's Put, what AWS does). A prediction given as a dict is per kind, "refused"
# for the kinds it does not name. Topics carry SNS's default topic policy, which allows the owner account's
# principals on a condition (AWS:SourceOwner) that no prediction can decide: a topic whose role does not allow
# sns:Publish itself is "unknown", and an encrypted one "undeliverable" (its key is denied all the same).
UNKNOWN_FOR_TOPICS = {"topic": "unknown", "encrypted topic": "undeliverable"}
SITUATIONS = {
    "allowed": ("ok", "accepted", "accepts (recorded)"),
    "missing": (
        "refused",
        "refused",
        "refuses: the destination ARN is invalid (recorded for functions; inferred for the others)",
    ),
    "lacks the action": (
        dict(UNKNOWN_FOR_TOPICS),
        "refused",
        "refuses: no permission to call the action (recorded wording)",
    ),
    "wildcard allow": ("ok", "accepted", "accepts (IAM evaluation logic)"),
    "explicit deny": ("refused", "refused", "refuses (IAM evaluation logic: an explicit deny wins)"),
    "allowed by resource policy": ("ok", "accepted", "accepts (inferred from IAM evaluation logic)"),
    "other account": ("unknown", "accepted", "its owner's policies decide (inferred)"),
    "other region": ("ok", "accepted", "accepts when the role allows it (inferred)"),
    "permissions boundary": (
        dict(UNKNOWN_FOR_TOPICS),
        "refused",
        "refuses: the boundary bounds the role's allow (IAM evaluation logic)",
    ),
    "KMS alias": ("ok", "accepted", "accepts; deliveries use the key the alias names (documented)"),
    "conditioned allow": ("unknown", "refused", "depends on the condition's context (inferred)"),
    "version with its own role": (
        dict(UNKNOWN_FOR_TOPICS),
        "refused",
        "judges the version's own role (documented: a version keeps the role it was published with)",
    ),
}
NOT_APPLICABLE = {
    ("bucket", "other account"),  # bucket ARNs name no account
    ("bucket", "other region"),  # nor a region
    *((kind, "KMS alias") for kind in KINDS if kind not in ENCRYPTED),
}
CELLS = [(kind, situation) for kind in KINDS for situation in SITUATIONS if (kind, situation) not in NOT_APPLICABLE]


def expected_prediction(kind, situation):
    prediction = SITUATIONS[situation][0]
    return prediction.get(kind, "refused") if isinstance(prediction, dict) else prediction


def slug(text):
    return "".join(word[:4] for word in text.split())


class Cell:
    """One cell of the matrix: its function, role and destination in the emulator."""

    def __init__(self, emulator, kind, situation, key_arn):
        self.emulator, self.kind, self.situation, self.key_arn = emulator, kind, situation, key_arn
        self.name = f"acc-{slug(kind)}-{slug(situation)}"
        account = OTHER_ACCOUNT if situation == "other account" else ACCOUNT
        region = OTHER_REGION if situation == "other region" else REGION
        self.region = region
        name = f"accd-{slug(kind)}-{slug(situation)}"
        self.destination = KINDS[kind][0].format(region=region, account=account, name=name)

    @property
    def name_of_alias(self):
        return self.destination.split(":function:")[1].split(":")[0]

    # --- what the role needs -----------------------------------------------------------------------------------

    def needs(self):
        """(action, resource) pairs the role needs for this destination (the module's table, restated)."""
        action = KINDS[self.kind][1]
        if self.kind == "bucket":
            return [(action, f"{self.destination}/*"), ("s3:ListBucket", self.destination)]
        pairs = [(action, self.destination)]
        if self.kind in ENCRYPTED:
            pairs += [("kms:GenerateDataKey", self.key_arn), ("kms:Decrypt", self.key_arn)]
        return pairs

    def statements(self):
        allow_all = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        exact = [{"Effect": "Allow", "Action": action, "Resource": resource} for action, resource in self.needs()]
        delivery, *rest = self.needs()
        return {
            "allowed": exact,
            "missing": exact,
            "lacks the action": [],
            "wildcard allow": allow_all,
            "explicit deny": allow_all + [{"Effect": "Deny", "Action": delivery[0], "Resource": delivery[1]}],
            "allowed by resource policy": [{"Effect": "Allow", "Action": a, "Resource": r} for a, r in rest],
            "other account": allow_all,
            "other region": allow_all,
            "permissions boundary": allow_all,
            "KMS alias": exact,
            "conditioned allow": [
                dict(statement, Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}) for statement in exact
            ],
            "version with its own role": [],
        }[self.situation]

    # --- making it ---------------------------------------------------------------------------------------------

    def role(self, name, statements, boundary=None):
        iam = self.emulator.client("iam")
        params = {"PermissionsBoundary": boundary} if boundary else {}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **params)["Role"]["Arn"]
        if statements:
            document = json.dumps({"Version": "2012-10-17", "Statement": statements})
            iam.put_role_policy(RoleName=name, PolicyName="deliver", PolicyDocument=document)
        return arn

    def create(self, boundary):
        bounded = boundary if self.situation == "permissions boundary" else None
        role = self.role(self.name, self.statements(), bounded)
        if self.situation == "version with its own role":
            self.emulator.create_function(self.name, role=role)  # version 1 is published with this role ...
            self.emulator.client("lambda").publish_version(FunctionName=self.name)
            allowed = self.role(f"{self.name}-latest", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
            self.emulator.client("lambda").update_function_configuration(FunctionName=self.name, Role=allowed)
        else:
            self.emulator.create_function(self.name, role=role)
        if self.situation not in ("missing", "other account"):
            self._destination(role)

    def _destination(self, role):
        policy = None
        if self.situation == "allowed by resource policy":
            action, resource = self.needs()[0]
            statement = {
                "Sid": "Deliver",
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": action,
                "Resource": resource,
            }
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        key = KEY_ALIAS if self.situation == "KMS alias" else self.key_arn.rsplit("/", 1)[1]
        encrypted = {"KmsMasterKeyId": key} if self.kind in ENCRYPTED else {}
        name = self.destination.rsplit(":", 1)[1].rsplit("/", 1)[-1]
        if self.kind in ("queue", "encrypted queue"):
            self.emulator.create_queue(name, region=self.region, **encrypted, **({"Policy": policy} if policy else {}))
        elif self.kind in ("topic", "encrypted topic"):
            sns = self.emulator.client("sns", region=self.region)
            topic = sns.create_topic(Name=name, Attributes=encrypted)["TopicArn"]
            if policy:
                sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=policy)
        elif self.kind in ("function", "alias"):
            target = self.name_of_alias
            self.emulator.create_function(target, region=self.region, versions=1, aliases={"live": "1"})
            if policy:
                # moto words the statement's Resource right only when the alias is the Qualifier parameter.
                qualifier = {"Qualifier": "live"} if self.kind == "alias" else {}
                self.emulator.client("lambda", region=self.region).add_permission(
                    FunctionName=target,
                    StatementId="deliver",
                    Action="lambda:InvokeFunction",
                    Principal=role,
                    **qualifier,
                )
        elif self.kind == "bus":
            events = self.emulator.client("events", region=self.region)
            events.create_event_bus(Name=name)
            if policy:
                events.put_permission(EventBusName=name, Policy=policy)
        else:
            s3 = self.emulator.client("s3")
            s3.create_bucket(Bucket=name)
            if policy:
                s3.put_bucket_policy(Bucket=name, Policy=policy)

    def config(self):
        item = {
            "function_name": self.name,
            "destination_retry_timeout": 0,
            "destination_config": {"on_failure": {"destination": self.destination}},
        }
        if self.situation == "version with its own role":
            item["qualifier"] = "1"
        return item


@pytest.fixture
def matrix(clean_emulator):
    """The cells, created in the emulator: one KMS key (with an alias) and a permissions boundary shared by all."""
    kms = clean_emulator.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=KEY_ALIAS, TargetKeyId=key_arn)
    boundary_document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    )
    boundary = clean_emulator.client("iam").create_policy(PolicyName="logs-only", PolicyDocument=boundary_document)
    cells = [Cell(clean_emulator, kind, situation, key_arn) for kind, situation in CELLS]
    for cell in cells:
        cell.create(boundary["Policy"]["Arn"])
    clean_emulator.clear_calls()
    return cells


def test_the_prediction_matches_the_table_and_raises_no_false_alarm(matrix, run_fleet, clean_emulator):
    configs = [cell.config() for cell in matrix]

    check = run_fleet(configs, LIFTED, args=("--check",))
    writes = [call for call in clean_emulator.calls() if call["operation"].startswith(("Put", "Update", "Delete"))]
    real = run_fleet(configs, dict(LIFTED, validate_destinations=False))

    assert check.returncode == 0, check.output[-3000:]  # predictions warn: the dry run does not fail
    assert writes == []
    predicted = [result["destination_checks"][0]["prediction"] for result in check.result(FLEET_TASK)["configs"]]
    put = ["refused" if result.get("failed") else "accepted" for result in real.result(FLEET_TASK)["configs"]]
    cells = [(cell.kind, cell.situation) for cell in matrix]
    found = dict(zip(cells, zip(predicted, put)))
    table = {
        (kind, situation): (expected_prediction(kind, situation), SITUATIONS[situation][1]) for kind, situation in cells
    }
    assert found == table
    false_alarms = [
        cell for cell, (prediction, answer) in found.items() if prediction == "refused" and answer == "accepted"
    ]
    assert false_alarms == []


GUIDE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    "docs/docsite/rst/guide_destinations.rst",
)


def matrix_rst():
    """The table as the guide shows it: one row per situation."""

    def words(prediction):
        if isinstance(prediction, dict):
            others = "; ".join(f"{kind}: ``{value}``" for kind, value in prediction.items())
            return f"``refused`` ({others})"
        return f"``{prediction}``"

    rows = ["   * - Situation", "     - Check mode predicts", "     - The emulator's Put", "     - AWS"]
    for situation, (prediction, put, aws) in SITUATIONS.items():
        rows += [f"   * - {situation}", f"     - {words(prediction)}", f"     - {put}", f"     - {aws}"]
    return "\n".join(rows)


def test_the_guide_shows_the_table():
    with open(GUIDE, encoding="utf-8") as guide:
        assert matrix_rst() in guide.read()
