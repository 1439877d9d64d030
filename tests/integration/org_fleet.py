# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An organisation in the emulator, for the org integration test and the org benchmark: member accounts, and in
each account and region functions, a failure queue and the configs that apply them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from dataclasses import field

import yaml

from tests.emulator.harness import DELIVERY_POLICY
from tests.emulator.harness import ROOT
from tests.emulator.harness import TRUST_POLICY
from tests.emulator.harness import function_zip

ACCESS_ROLE = "OrganizationAccountAccessRole"
QUEUE = "lambda-failures"
# Every host's configs: each function keeps its failures in its own account and region's queue.
QUEUE_ARN = "arn:aws:sqs:{{ aws_region }}:{{ aws_account_id }}:" + QUEUE


@dataclass
class Organization:
    accounts: dict = field(default_factory=dict)  # name -> account id
    regions: tuple = ()
    functions: int = 0

    def hosts(self) -> list[str]:
        """The inventory's host names (its default template), in the inventory's order."""
        return [f"{name}-{region}" for name in self.accounts for region in self.regions]


def create_organization(
    emulator, accounts: int, regions: tuple, functions: int, *, no_queue=(), no_role=(), untrusted=()
):
    """``accounts`` member accounts ``team-00``...; in each account and region ``functions`` functions ``fn-<n>``
    and the queue ``lambda-failures`` (not in the accounts of ``no_queue``). Accounts in ``no_role`` lose
    OrganizationAccountAccessRole, and in ``untrusted`` it trusts another account only: AssumeRole into either is
    denied."""
    org = emulator.client("organizations")
    org.create_organization(FeatureSet="ALL")
    made = Organization(regions=tuple(regions), functions=functions)
    for number in range(accounts):
        name = f"team-{number:02d}"
        status = org.create_account(
            AccountName=name, Email=f"{name}@example.com", Tags=[{"Key": "team", "Value": name}]
        )
        made.accounts[name] = account = status["CreateAccountStatus"]["AccountId"]
        access = f"arn:aws:iam::{account}:role/{ACCESS_ROLE}"
        iam = emulator.client("iam", role=access)
        role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
        iam.put_role_policy(RoleName="fn-role", PolicyName="delivery", PolicyDocument=DELIVERY_POLICY)
        for region in regions:
            lam = emulator.client("lambda", region=region, role=access)
            for index in range(functions):
                lam.create_function(
                    FunctionName=f"fn-{index}",
                    Runtime="python3.12",
                    Handler="index.handler",
                    Role=role,
                    Code={"ZipFile": function_zip()},
                )
            if name not in no_queue:
                emulator.client("sqs", region=region, role=access).create_queue(QueueName=QUEUE)
        if name in no_role:
            iam.delete_role(RoleName=ACCESS_ROLE)
        if name in untrusted:
            elsewhere = {"AWS": "arn:aws:iam::999999999999:root"}
            trust = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": elsewhere, "Action": "sts:AssumeRole"}],
            }
            iam.update_assume_role_policy(RoleName=ACCESS_ROLE, PolicyDocument=json.dumps(trust))
    return made


def write_static_inventory(directory: str, org: Organization) -> str:
    """examples/org_static_inventory.yml with the organisation's accounts and regions as its hosts, each shaped as
    the example's first host."""
    with open(os.path.join(ROOT, "examples", "org_static_inventory.yml"), encoding="utf-8") as stream:
        example = yaml.safe_load(stream)
    group = example["aws_organization"]
    template = next(iter(group["hosts"].values()))
    group["hosts"] = {
        f"{name}-{region}": dict(
            template,
            aws_account_id=account,
            aws_account_name=name,
            aws_region=region,
            aws_role_arn=f"arn:aws:iam::{account}:role/{ACCESS_ROLE}",
        )
        for name, account in org.accounts.items()
        for region in org.regions
    }
    path = os.path.join(directory, "static.yml")
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(example, stream)
    return path


def write_inventory(directory: str, regions: tuple, functions: int) -> str:
    """The guide's organisation inventory (examples/org.aws_organization.yml) in ``regions``, and in configs.yml
    org_apply's org_configs."""
    with open(os.path.join(ROOT, "examples", "org.aws_organization.yml"), encoding="utf-8") as stream:
        inventory = yaml.safe_load(stream)
    inventory["regions"] = list(regions)
    path = os.path.join(directory, "org.aws_organization.yml")
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(inventory, stream)
    with open(os.path.join(directory, "configs.yml"), "w", encoding="utf-8") as stream:
        stream.write("org_configs:\n")
        for index in range(functions):
            stream.write(
                f"  - function_name: fn-{index}\n    maximum_retry_attempts: 1\n"
                f'    destination_config: {{on_failure: {{destination: "{QUEUE_ARN}"}}}}\n'
            )
    return path


def read_summary(report_dir: str) -> dict:
    with open(os.path.join(report_dir, "summary.json"), encoding="utf-8") as stream:
        return json.load(stream)
