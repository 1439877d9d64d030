# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which account a request acts in: the account of the credentials that signed it (CONTRACT.md item 69).

moto issues credentials per account (``sts:AssumeRole`` into ``arn:aws:iam::<ACCOUNT>:role/<name>`` gives credentials
that act in ``<ACCOUNT>``); any key it did not issue acts in its default account, 123456789012.
"""

from __future__ import annotations

import re

from moto.iam.models import get_account_id_from
from moto.iam.models import iam_backends

from .operation_names import DEFAULT_ACCOUNT

ACCESS_KEY = re.compile(r"Credential=([^/\s,]+)/")


def _access_key(headers: dict) -> str | None:
    found = ACCESS_KEY.search(headers.get("authorization", ""))
    return found.group(1) if found else None


def caller_account(headers: dict) -> str:
    key = _access_key(headers)
    return get_account_id_from(key) if key else DEFAULT_ACCOUNT


def caller_arn(headers: dict, account: str) -> str:
    """The principal that signed the request: the role whose AssumeRole issued the credentials, else the emulator's
    user of ``account`` (the identity of keys moto did not issue)."""
    keys = iam_backends[account]["aws"].access_keys if account in iam_backends else {}
    return getattr(keys.get(_access_key(headers)), "role_arn", None) or f"arn:aws:iam::{account}:user/emulator"
