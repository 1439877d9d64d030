# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put the offline pip bootstrap where ansible-test looks for its cached get-pip script.

Run with the virtual environment's Python (the one that has ansible-test installed). Leaves an
existing cached script alone.
"""

import os
import shutil
import sys
from types import SimpleNamespace

from ansible_test._internal.python_requirements import get_venv_packages


def main():
    python_version = "%d.%d" % sys.version_info[:2]
    pip_version = get_venv_packages(SimpleNamespace(version=python_version))["pip"]
    cache_path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % pip_version.replace(".", "_"))
    if os.path.exists(cache_path):
        print("ansible-test pip bootstrap already cached: %s" % cache_path)
        return
    os.makedirs(os.path.dirname(cache_path), exist_ok=True)
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "get_pip_offline.py"), cache_path)
    print("ansible-test pip bootstrap written: %s" % cache_path)


if __name__ == "__main__":
    main()
