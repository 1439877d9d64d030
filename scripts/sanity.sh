#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out as ansible-test requires
# (.../ansible_collections/serverless/aws_lambda), with amazon.aws from the ansible package beside it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-"$root/.venv/bin/python"}
# One copy per virtual environment, so that the version matrix (make matrix) can run them side by side.
venv=$(basename "$(dirname "$(dirname "$python")")")
build="$root/.build/sanity"
if [ "$venv" != .venv ]; then build="$build-$venv"; fi
dest="$build/ansible_collections/serverless/aws_lambda"

rm -rf "$build"
mkdir -p "$dest" "$build/ansible_collections/amazon"
# Only the files git tracks or would track: no virtualenv, caches or build output.
(cd "$root" && git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done) \
  | (cd "$root" && tar -cf - -T -) | tar -xf - -C "$dest"
site=$("$python" -c 'import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))')
ln -s "$site/ansible_collections/amazon/aws" "$build/ansible_collections/amazon/aws"

# ansible-test lists files with git when it finds a repository above the collection; give the copy its
# own, or it would find this checkout, where .build/ is ignored, and test nothing.
git -C "$dest" init --quiet
git -C "$dest" add --all

# The shellcheck sanity test is skipped (with a warning) without the program, a test-only system
# package. Install it where that is possible without asking (root with apt, as in CI).
if ! command -v shellcheck >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
  else
    echo "shellcheck not found: install it or the shellcheck sanity test is skipped" >&2
  fi
fi

"$python" "$root/scripts/ensure_ansible_test_pip.py"
cd "$dest"
exec "$(dirname "$python")/ansible-test" sanity --python "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@"
