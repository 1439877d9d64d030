# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The aws_organization inventory's account filters and host names (the AWS reads run in the org integration test)."""

import pytest
from ansible.errors import AnsibleError

from ansible_collections.serverless.aws_lambda.plugins.inventory.aws_organization import host_name
from ansible_collections.serverless.aws_lambda.plugins.inventory.aws_organization import selected

PROD = {"id": "111111111111", "name": "prod-payments", "tags": {"env": "prod"}, "ou_path": ["r-1", "ou-prod"]}
DEV = {"id": "222222222222", "name": "dev sandbox", "tags": {}, "ou_path": ["r-1", "ou-dev", "ou-sandbox"]}
ACCOUNTS = [PROD, DEV]


@pytest.mark.parametrize(
    "include, exclude, kept",
    [
        ([], [], [PROD, DEV]),
        ([{"account_id": "222222222222"}], [], [DEV]),
        ([{"name": "prod-*"}], [], [PROD]),
        ([{"tag:env": ["staging", "prod"]}], [], [PROD]),
        ([{"tag:env": "*"}], [], [PROD]),  # an account without the tag never matches it
        ([{"ou": "ou-dev"}], [], [DEV]),  # an OU matches every account below it
        ([{"ou": "r-1", "name": "dev*"}], [], [DEV]),  # every key of one filter must match
        ([{"name": "prod-*"}, {"ou": "ou-sandbox"}], [], [PROD, DEV]),  # any filter of the list
        ([], [{"ou": "ou-sandbox"}], [PROD]),
        ([{"ou": "r-1"}], [{"account_id": ["111111111111"]}], [DEV]),  # exclusion wins
    ],
)
def test_filters_keep_the_accounts_users_name(include, exclude, kept):
    assert selected(ACCOUNTS, include, exclude) == kept


def test_an_unknown_filter_key_is_refused_with_the_keys_there_are():
    with pytest.raises(AnsibleError, match="use account_id, name, ou or tag:<key>"):
        selected(ACCOUNTS, [{"owner": "me"}], [])


def test_host_names_are_safe_for_ansible_patterns():
    assert host_name("{account_name}-{region}", DEV, "eu-west-1") == "dev_sandbox-eu-west-1"
    assert host_name("{account_id}_{region}", PROD, "us-east-1") == "111111111111_us-east-1"
