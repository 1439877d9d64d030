# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's AnsibleAWSModule, which names this collection in the AWS user agent."""

from ansible.module_utils.compat.version import LooseVersion

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

COLLECTION_NAME = "serverless.aws_lambda"
# The collection's version as code sees it (AWS user agent). A module cannot read galaxy.yml or
# MANIFEST.json at run time (it runs from an AnsiballZ payload), so the version is written here and in
# galaxy.yml; tests/integration/packaging/test_build_install.py reads it from here and fails the build
# whose MANIFEST.json (galaxy.yml's version) says otherwise. A release bumps both.
COLLECTION_VERSION = "0.2.0"
# galaxy.yml's lower bound on amazon.aws (a test checks they agree). ansible-galaxy enforces it only when it
# installs both from Galaxy; amazon.aws from the ``ansible`` package or installed with --no-deps is checked here.
MINIMUM_AMAZON_AWS = "10.0.0"

try:
    from ansible_collections.amazon.aws.plugins.module_utils.common import AMAZON_AWS_COLLECTION_VERSION
except ImportError:  # older than any amazon.aws this collection could run with
    AMAZON_AWS_COLLECTION_VERSION = None


def amazon_aws_refusal(found=AMAZON_AWS_COLLECTION_VERSION):
    """The message that refuses ``found``, the version of amazon.aws Ansible loaded; None when it is new enough."""
    if found and LooseVersion(found) >= LooseVersion(MINIMUM_AMAZON_AWS):
        return None
    return (
        f"{COLLECTION_NAME} {COLLECTION_VERSION} needs amazon.aws {MINIMUM_AMAZON_AWS} or later, and Ansible loaded "
        f"amazon.aws {found or '(a version too old to tell)'}. Upgrade it: with the ansible package, "
        "pip install --upgrade 'ansible>=12' (it carries amazon.aws 10 or later); with Galaxy, "
        f"ansible-galaxy collection install --upgrade 'amazon.aws:>={MINIMUM_AMAZON_AWS}'. "
        "ansible-galaxy collection list amazon.aws shows which copies Ansible finds, the first one wins."
    )


def _with_secret_access_key_id(argument_spec):
    """``argument_spec`` with access_key marked no_log.

    amazon.aws leaves the access key ID loggable (AWS does not call it secret), so with -vvv, in
    registered results and in AWS errors that echo the signing credential it would be shown in full;
    half of a credential pair is not for logs.
    """
    spec = dict(argument_spec or {})
    spec.setdefault("access_key", dict(aws_argument_spec()["access_key"], no_log=True))
    return spec


class AnsibleLambdaModule(AnsibleAWSModule):
    """AnsibleAWSModule that records serverless.aws_lambda and its version for the user agent."""

    def __init__(self, **kwargs):
        kwargs["argument_spec"] = _with_secret_access_key_id(kwargs.get("argument_spec"))
        super().__init__(**kwargs)
        refusal = amazon_aws_refusal()
        if refusal:
            self.fail_json(msg=refusal)
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)
