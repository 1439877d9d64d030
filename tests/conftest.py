# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session-wide pytest setup: the collection import path and one local AWS emulator for the whole run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLLECTION_LINK = ROOT / ".build" / "collections" / "ansible_collections" / "serverless" / "aws_lambda"


def link_collection() -> None:
    """Make the source tree importable as ansible_collections.serverless.aws_lambda (pyproject's pythonpath)."""
    if COLLECTION_LINK.is_symlink() or COLLECTION_LINK.exists():
        return
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
    try:
        COLLECTION_LINK.symlink_to(ROOT, target_is_directory=True)
    except FileExistsError:
        pass  # another pytest-xdist worker made it first
    importlib.invalidate_caches()


link_collection()
# Appended, not prepended: the emulator's module names must not shadow anything else.
sys.path.append(str(ROOT / "tests" / "emulator"))

from harness import Emulator  # noqa: E402


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
