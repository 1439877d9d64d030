# -*- coding: utf-8 -*-

# Copyright: Contributors to the serverless.aws_lambda collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_organization
short_description: One host per account and region of an AWS Organization
version_added: 0.2.0
description:
  - Reads the accounts of an AWS Organization (from its management account, or a delegated administrator) and makes
    one inventory host per account and region, to run a play in every account and region at once.
  - Lambda's quota of control-plane requests is per account and region, so the hosts never contend for it;
    C(forks) and AWX job slicing decide how many run at once.
  - Each host runs on the controller (C(ansible_connection=local)) and carries the ARN of the role to assume in its
    account; the role C(serverless.aws_lambda.org) and the playbooks C(serverless.aws_lambda.org_audit) and
    C(serverless.aws_lambda.org_apply) use it.
  - Uses a YAML configuration file whose name ends with C(aws_organization.yml) or C(aws_organization.yaml).
  - Calls C(organizations:ListAccounts), C(organizations:ListRoots), C(organizations:ListOrganizationalUnitsForParent)
    and C(organizations:ListAccountsForParent) (the OU tree), and C(organizations:ListTagsForResource) once per
    active account.
options:
  regions:
    description:
      - The regions; each active account gets one host per region.
    type: list
    elements: str
    required: true
  role_name:
    description:
      - The name of the role to assume in each account. C({account_id}) and C({account_name}) in braces are
        replaced by the account's id and name.
      - The role ARN is host variable C(aws_role_arn).
    type: str
    default: OrganizationAccountAccessRole
  hostname_template:
    description:
      - The host name of an account and region. C({account_id}), C({account_name}) and C({region}) in braces are
        replaced; characters other than letters, digits, C(-), C(_) and C(.) become C(_).
    type: str
    default: "{account_name}-{region}"
  include_filters:
    description:
      - Keep only accounts that match at least one of these filters (all accounts when empty).
      - A filter is a dictionary whose keys must all match. C(account_id) an id or a list of ids; C(name) a name or
        list of names, shell-style wildcards allowed (V(prod-*)); C(ou) an OU id or a list of them, matched by
        every account below that OU, however deep; C(tag:<key>) a value or list of values (wildcards allowed).
    type: list
    elements: dict
    default: []
  exclude_filters:
    description:
      - Drop accounts that match any of these filters, in the form of O(include_filters). Exclusion wins.
    type: list
    elements: dict
    default: []
notes:
  - Only accounts whose status is C(ACTIVE) become hosts.
  - Host variables are C(aws_account_id), C(aws_account_name), C(aws_account_tags), C(aws_account_ou_path) (the OU
    ids from the root down to the account's parent), C(aws_region), C(aws_role_arn), C(ansible_connection=local) and
    C(ansible_python_interpreter) (the controller's own Python, as for the implicit localhost).
  - Every host is in the group C(aws_organization); use O(keyed_groups) for groups by account, region or tag.
  - A static inventory with the same host variables works with the same role and playbooks.
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
author:
  - serverless.aws_lambda maintainers (@serverless-aws-lambda)
"""

EXAMPLES = r"""
# org.aws_organization.yml: every active account in two regions, except the sandbox OU.
plugin: serverless.aws_lambda.aws_organization
regions:
  - us-east-1
  - eu-west-1
exclude_filters:
  - ou: ou-abcd-sandbox1
keyed_groups:
  - key: aws_region
    prefix: region
  - key: aws_account_tags.env | default('none')
    prefix: env

# Only the production accounts, assumed through a role of your own.
plugin: serverless.aws_lambda.aws_organization
regions: [us-east-1]
role_name: platform-automation
include_filters:
  - tag:env: prod
  - name: "prod-*"
"""

import fnmatch
import re

try:
    import botocore.exceptions
    import botocore.session
except ImportError:
    pass  # AWSInventoryBase.parse says so (require_aws_sdk)

from ansible.errors import AnsibleError

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 trusts every template

    def trust_as_template(value):
        return value


from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import AnsibleBotocoreError
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

GROUP = "aws_organization"
UNSAFE_HOST_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _matches(account, rule):
    """Whether an account (its id, name, tags, OU path) matches one filter: every key of the filter must."""
    for key, value in rule.items():
        wanted = [str(item) for item in _as_list(value)]
        if key == "account_id":
            found = account["id"] in wanted
        elif key == "name":
            found = any(fnmatch.fnmatchcase(account["name"], pattern) for pattern in wanted)
        elif key == "ou":
            found = any(ou in account["ou_path"] for ou in wanted)
        elif key.startswith("tag:"):
            tag = account["tags"].get(key[4:])
            found = tag is not None and any(fnmatch.fnmatchcase(tag, pattern) for pattern in wanted)
        else:
            raise AnsibleError(f"Unknown filter key {key!r}: use account_id, name, ou or tag:<key>.")
        if not found:
            return False
    return True


def selected(accounts, include_filters, exclude_filters):
    """The accounts the filters keep, in the order given."""
    return [
        account
        for account in accounts
        if (not include_filters or any(_matches(account, rule) for rule in include_filters))
        and not any(_matches(account, rule) for rule in exclude_filters)
    ]


def host_name(template, account, region):
    name = template.format(account_id=account["id"], account_name=account["name"], region=region)
    return UNSAFE_HOST_CHARACTERS.sub("_", name)


class InventoryModule(AWSInventoryBase):
    NAME = "serverless.aws_lambda.aws_organization"
    INVENTORY_FILE_SUFFIXES = ("aws_organization.yml", "aws_organization.yaml")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        regions = self.get_option("regions")
        if not regions:
            raise AnsibleError(f"{path}: 'regions' lists no region; name the regions to run in.")
        found, accounts = self.get_cached_result(path, cache)
        if not found:
            accounts = self._accounts()
            self.update_cached_result(path, cache, accounts)
        kept = selected(accounts, self.get_option("include_filters"), self.get_option("exclude_filters"))
        self._populate(kept, regions)

    def _accounts(self):
        """Every active account with its tags and OU path (JSON-ready, for the cache)."""
        client = self.client("organizations", retry_decorator=AWSRetry.jittered_backoff())
        try:
            listed = self._paged(client, "list_accounts", "Accounts")
            paths = self._ou_paths(client)
            accounts = []
            for account in listed:
                if account.get("Status", "ACTIVE") != "ACTIVE":
                    continue
                tags = self._paged(client, "list_tags_for_resource", "Tags", ResourceId=account["Id"])
                accounts.append(
                    {
                        "id": account["Id"],
                        "name": account["Name"],
                        "tags": {tag["Key"]: tag["Value"] for tag in tags},
                        "ou_path": paths.get(account["Id"], []),
                    }
                )
        except AnsibleBotocoreError as error:
            self.fail_aws(
                "Failed to read the organization's accounts (the credentials need organizations:ListAccounts, "
                "ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent and ListTagsForResource, from "
                "the management account or a delegated administrator)",
                exception=error,
            )
        return accounts

    def _ou_paths(self, client):
        """Account id -> the OU ids from the root down to the account's parent (the root's id first)."""
        paths = {}
        pending = [(root["Id"], [root["Id"]]) for root in self._paged(client, "list_roots", "Roots")]
        while pending:
            parent, path = pending.pop()
            for account in self._paged(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
                paths[account["Id"]] = path
            for unit in self._paged(
                client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
            ):
                pending.append((unit["Id"], path + [unit["Id"]]))
        return paths

    @staticmethod
    def _paged(client, operation, key, **params):
        return client.get_paginator(operation).paginate(**params).build_full_result().get(key, [])

    def _populate(self, accounts, regions):
        self.inventory.add_group(GROUP)
        role_name = self.get_option("role_name")
        template = self.get_option("hostname_template")
        strict = self.get_option("strict")
        partitions = botocore.session.get_session()
        for account in accounts:
            role = role_name.format(account_id=account["id"], account_name=account["name"])
            for region in regions:
                host = host_name(template, account, region)
                self.inventory.add_host(host, group=GROUP)
                variables = {
                    "aws_account_id": account["id"],
                    "aws_account_name": account["name"],
                    "aws_account_tags": account["tags"],
                    "aws_account_ou_path": account["ou_path"],
                    "aws_region": region,
                    "aws_role_arn": f"arn:{partition_of(partitions, region)}:iam::{account['id']}:role/{role}",
                    "ansible_connection": "local",
                    "ansible_python_interpreter": trust_as_template("{{ ansible_playbook_python }}"),
                }
                for name, value in variables.items():
                    self.inventory.set_variable(host, name, value)
                self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)


def partition_of(session, region):
    """The region's partition as botocore knows it (aws-cn, aws-us-gov, aws-iso...); ``aws`` for a region it does not
    know yet."""
    try:
        return session.get_partition_for_region(region)
    except botocore.exceptions.UnknownRegionError:
        return "aws"
