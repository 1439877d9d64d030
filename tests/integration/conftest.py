# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for tests that run Ansible (molecule, ansible-playbook) against the emulator."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
TARGETS = os.path.join(ROOT, "tests", "integration", "targets")
BIN = os.path.dirname(sys.executable)


def ensure_collection_link():
    """The source tree is the collection: link it where Ansible looks for serverless.aws_lambda."""
    link = os.path.join(COLLECTIONS, "ansible_collections", "serverless", "aws_lambda")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)


@pytest.fixture
def ansible_env(clean_emulator):
    """Environment for ansible-playbook and molecule: the reset emulator, this collection and the targets."""
    ensure_collection_link()
    env = clean_emulator.env()
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
        ANSIBLE_ROLES_PATH=TARGETS,
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        NO_COLOR="1",
        PATH=BIN + os.pathsep + env.get("PATH", ""),
    )
    return env
