# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's AnsibleAWSModule, which names this collection in the AWS user agent."""

from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

COLLECTION_NAME = "serverless.aws_lambda"
# The collection's version as code sees it (AWS user agent). A module cannot read galaxy.yml or
# MANIFEST.json at run time (it runs from an AnsiballZ payload), so the version is written here and in
# galaxy.yml; tests/integration/packaging/test_build_install.py reads it from here and fails the build
# whose MANIFEST.json (galaxy.yml's version) says otherwise. A release bumps both.
COLLECTION_VERSION = "0.2.0"


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
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)
