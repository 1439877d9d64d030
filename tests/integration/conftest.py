# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for tests that run Ansible (molecule, ansible-playbook) against the emulator."""

import pytest


@pytest.fixture
def ansible_env(clean_emulator):
    """Environment for ansible-playbook and molecule: the reset emulator, this collection and the targets."""
    return clean_emulator.ansible_env()
