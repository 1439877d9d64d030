# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local AWS emulator for the tests, benchmarks and demo (see README.md and CONTRACT.md here).

Imported as ``tests.emulator`` with the repository root on ``sys.path`` (pytest's ``pythonpath``); the server
runs as ``python -m tests.emulator.server``. It never imports the collection (``plugins/``).
"""
