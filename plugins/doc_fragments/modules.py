# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What both modules need and support: their requirements and the attributes they share."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
requirements:
  - python >= 3.11
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
attributes:
  check_mode:
    support: full
  platform:
    platforms: all
"""
