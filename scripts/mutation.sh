#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# `make mutation`: mutation testing of plugins/module_utils with mutmut and the unit tests (tests/unit).
#
# Nothing is mutated in the work tree. A scratch tree .build/mutation gets a copy of plugins/ laid out under the
# collection's import name (ansible_collections/serverless/aws_lambda/plugins), a copy of tests/unit and mutmut's
# configuration (scripts/mutation/pyproject.toml); mutmut then writes its mutated copy to .build/mutation/mutants
# and runs pytest there, whose only import root is that copy. The equivalent (unkillable) survivors are listed,
# with the reason, in tests/unit/MUTATION.md.
#
#   MUTATION_JOBS   processes mutmut runs at once (default 2)
#   MUTATION_DIR    the scratch tree (default .build/mutation); it is rebuilt from scratch on every run
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV_BIN="${VENV_BIN:-$ROOT/.venv/bin}"
WORK="${MUTATION_DIR:-$ROOT/.build/mutation}"
JOBS="${MUTATION_JOBS:-2}"
PKG="$WORK/ansible_collections/serverless/aws_lambda"

rm -rf "$WORK"
mkdir -p "$PKG" "$WORK/tests"
cp -R "$ROOT/plugins" "$PKG/plugins"
cp -R "$ROOT/tests/unit" "$WORK/tests/unit"
cp "$ROOT/scripts/mutation/pyproject.toml" "$WORK/pyproject.toml"
find "$WORK" -name __pycache__ -type d -prune -exec rm -rf {} +

cd "$WORK"
start=$(date +%s)
# The mutmut run's own summary is the progress line; its exit status is not the score.
"$VENV_BIN/mutmut" run --max-children "$JOBS"
elapsed=$(($(date +%s) - start))

"$VENV_BIN/mutmut" results --all true > results.txt
"$VENV_BIN/python" - "$elapsed" "$ROOT/tests/unit/MUTATION.md" "$VENV_BIN/mutmut" <<'PY'
"""The score, and the survivors that tests/unit/MUTATION.md does not explain (the run fails if there is one)."""
import collections
import os
import re
import sys

elapsed, explained_file = sys.argv[1], sys.argv[2]
status = dict(line.strip().rsplit(": ", 1) for line in open("results.txt") if ": " in line)
counts = collections.Counter(status.values())
killed = sum(n for s, n in counts.items() if s in ("killed", "timeout", "caught by type check"))
explained = set()
if os.path.exists(explained_file):
    explained = set(re.findall(r"`([\w.\u01c1]+__mutmut_\d+)`", open(explained_file, encoding="utf-8").read()))
survivors = sorted(m for m, s in status.items() if s not in ("killed", "timeout", "caught by type check"))
# MUTATION.md names a mutant by its module and mutmut's name for it: `fleet.xǁPacerǁwait__mutmut_8`.
unexplained = [m for m in survivors if m.split(".module_utils.", 1)[-1] not in explained]
for m in unexplained:
    print("    not killed and not explained in tests/unit/MUTATION.md: %s (%s)" % (m, status[m]))
print("mutation score: %d/%d killed (%.1f%%) in %ss; %s" % (killed, len(status), 100.0 * killed / max(len(status), 1), elapsed, dict(counts)))
print("survivors: %d, explained as equivalent in tests/unit/MUTATION.md: %d, unexplained: %d" % (len(survivors), len(survivors) - len(unexplained), len(unexplained)))
print("(see one mutant's diff: cd %s && %s show MUTANT)" % (os.getcwd(), sys.argv[3]))
sys.exit(1 if unexplained else 0)
PY
