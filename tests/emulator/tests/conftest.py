# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the emulator's own tests: boto3 clients and real moto resources (role, functions, alias)."""

from __future__ import annotations

import types

import pytest
from botocore.config import Config

from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import FUNCTION
from tests.emulator.tests.emulator_helpers import OTHER_FUNCTION
from tests.emulator.tests.emulator_helpers import fn_arn

NO_RETRIES = Config(retries={"total_max_attempts": 1})
NO_VALIDATION = Config(parameter_validation=False, retries={"total_max_attempts": 1})


@pytest.fixture(scope="session")
def clients(emulator):
    """boto3 clients without retries, made once: ``lam`` (lambda), ``raw`` (lambda, no botocore parameter
    validation), ``west`` (lambda in us-west-2), and iam, sts, sqs, sns, s3, events."""
    made = {name: emulator.client(name, config=NO_RETRIES) for name in ("iam", "sts", "sqs", "sns", "s3", "events")}
    made["lam"] = emulator.client("lambda", config=NO_RETRIES)
    made["raw"] = emulator.client("lambda", config=NO_VALIDATION)
    made["west"] = emulator.client("lambda", region="us-west-2", config=NO_RETRIES)
    return made


@pytest.fixture
def aws(clean_emulator, clients):
    """The session's clients on a freshly reset emulator (``aws.emulator``)."""
    return types.SimpleNamespace(emulator=clean_emulator, **clients)


@pytest.fixture
def lam(aws):
    return aws.lam


@pytest.fixture
def raw(aws):
    return aws.raw


@pytest.fixture
def fn(aws):
    """Function ``eic-fn`` with version 1 and alias ``live`` -> 1, and a second function ``eic-other``."""
    aws.emulator.create_function(FUNCTION, versions=1, aliases={ALIAS: "1"})
    aws.emulator.create_function(OTHER_FUNCTION)
    return types.SimpleNamespace(name=FUNCTION, arn=fn_arn(), other=OTHER_FUNCTION, other_arn=fn_arn(OTHER_FUNCTION))
