# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py script ansible-test downloads to bootstrap pip.

ansible-test runs the cached copy (~/.ansible/test/cache/get_pip_<version>.py) inside each
sanity virtual environment it creates. This machine cannot reach the host that serves the real
script, so this one installs pip from the interpreter's bundled wheel (ensurepip) and then
installs the pinned packages ansible-test asks for from the package index.
"""

import subprocess
import sys

DROPPED = {"--no-setuptools", "--no-wheel"}


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
