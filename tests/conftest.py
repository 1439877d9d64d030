# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session-wide pytest setup: the collection import path and one local AWS emulator for the whole run."""

from __future__ import annotations

import importlib

import pytest

# The repository root is on sys.path through pyproject's pytest ``pythonpath``.
from tests.emulator.harness import Emulator
from tests.emulator.harness import link_collection

link_collection()
importlib.invalidate_caches()  # the new link is a new ansible_collections.serverless package


@pytest.fixture(scope="session")
def emulator():
    """The emulator, started once per pytest session (per xdist worker) and stopped at its end."""
    running = Emulator.start()
    yield running
    running.stop()


@pytest.fixture
def clean_emulator(emulator):
    """The session's emulator after a reset: no AWS resources, event invoke configs, calls or faults."""
    emulator.reset()
    return emulator
