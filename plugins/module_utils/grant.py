# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opt-in grant: one inline policy on a function's execution role that lets Lambda deliver to its destinations.

The policy allows exactly what the destinations need (``destinations.delivery_permissions()``), one statement
per resource, in a deterministic order, so that an unchanged set of destinations gives the same document and
no write. Its name carries the function's name and says who owns it.
"""

import hashlib
import json
import re
import threading
import urllib.parse

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import KMS_ACTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import ON_FAILURE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import ON_SUCCESS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import delivery_permissions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import parse_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import FULL_ARN_RE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import ACCESS_DENIED_CODES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import call_error
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import error_code

OPTION = "grant_destination_permissions"
POLICY_PREFIX = "serverless-aws-lambda-destinations-"
POLICY_VERSION = "2012-10-17"
SERVICE_LINKED_PATH = "/aws-service-role/"
# arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
ROLE_ARN_RE = re.compile(r"^arn:[a-z0-9-]+:iam::(?P<account>\d{12}):role(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)\Z")


def policy_name(function_name):
    """The name of the inline policy the grant keeps on the execution role of ``function_name`` (a bare name)."""
    return POLICY_PREFIX + function_name


def _sid(text):
    """A statement id from a resource: its service and name in words (readable), then a hash (unique; IAM's Sid
    takes letters and digits only, so 'my-queue' and 'my_queue' would otherwise meet)."""
    parts = text.split(":", 5)
    words = re.findall(r"[A-Za-z0-9]+", f"{parts[2]} {parts[-1]}")
    readable = "".join(word[:1].upper() + word[1:] for word in words)
    return readable + hashlib.sha256(text.encode()).hexdigest()[:8]


def _kms_grant(kms_key):
    """(resource, alias) for the KMS actions on the key ARN of an encrypted queue or topic; None without one.

    A queue or topic may name its key by an alias ARN, which cannot be a policy's Resource (IAM would allow
    nothing): it becomes every key of the alias's account, on the condition that the key carries that alias.
    """
    if not kms_key:
        return None
    prefix, _sep, resource = kms_key.rpartition(":")
    if resource.startswith("alias/"):
        return f"{prefix}:key/*", resource
    return kms_key, None


def _statement(resource, alias, actions):
    statement = {
        "Sid": _sid(f"{resource}{alias or ''}"),
        "Effect": "Allow",
        "Action": sorted(actions),
        "Resource": resource,
    }
    if alias:
        statement["Condition"] = {"ForAnyValue:StringEquals": {"kms:ResourceAliases": alias}}
    return statement


def policy_document(destinations):
    """The least-privilege policy document for ``destinations``, (arn, kms_key) pairs; None when there is none.

    ``kms_key`` is the ARN of the customer-managed key of an encrypted queue or topic (a key or an alias ARN, as
    destination_checks.DestinationState carries it), else None.

    One statement per resource (a destination, an S3 bucket and its objects, a KMS key), holding every action
    needed on it, so a destination shared by several configs and a key shared by several queues appear once.
    Statements are sorted by Sid and actions alphabetically: the same destinations always give the same document.
    """
    grants = {}
    for arn, kms_key in destinations:
        for action, resource in delivery_permissions(arn):
            grants.setdefault((resource, None), set()).add(action)
        kms = _kms_grant(kms_key)
        if kms:
            grants.setdefault(kms, set()).update(KMS_ACTIONS)
    if not grants:
        return None
    statements = [_statement(resource, alias, actions) for (resource, alias), actions in grants.items()]
    return {"Version": POLICY_VERSION, "Statement": sorted(statements, key=lambda statement: statement["Sid"])}


def _role(role_arn):
    match = ROLE_ARN_RE.match(role_arn or "")
    if not match:
        raise InvalidOptionError(
            f"Cannot grant destination permissions: {role_arn!r} is not an IAM role ARN. "
            f"Give the function an execution role, or set {OPTION}: false.",
            option=OPTION,
        )
    return match


def refuse_role(role_arn, function_account):
    """Raise InvalidOptionError when the grant must not write to ``role_arn``, the execution role of a function
    of ``function_account``: a role of another account, or a service-linked role (AWS owns its policies)."""
    role = _role(role_arn)
    if role.group("account") != function_account:
        raise InvalidOptionError(
            f"Cannot grant destination permissions: the execution role {role_arn} belongs to account "
            f"{role.group('account')}, not to the function's account {function_account}. Grant them in that account "
            f"(the guide lists the actions each destination needs), or set {OPTION}: false.",
            option=OPTION,
        )
    if role.group("path").startswith(SERVICE_LINKED_PATH):
        raise InvalidOptionError(
            f"Cannot grant destination permissions: the execution role {role_arn} is a service-linked role, whose "
            f"policies AWS manages. Give the function an execution role of your own, or set {OPTION}: false.",
            option=OPTION,
        )


def _parse_document(document):
    """GetRolePolicy's PolicyDocument as a dict: botocore decodes it, a raw answer is URL-encoded JSON."""
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document


def _grant_error(what, action, role_arn, exception):
    code = error_code(exception)
    if code in ACCESS_DENIED_CODES:
        return call_error(
            what,
            exception,
            f"The identity that runs Ansible needs {action} on {role_arn}: allow it, or set {OPTION}: false "
            "and give the role the delivery permissions yourself",
        )
    if code == "NoSuchEntity":
        return call_error(
            what,
            exception,
            f"The role does not exist: give the function an existing execution role, or set {OPTION}: false",
        )
    return call_error(what, exception)


def _read_policy(iam_client, role_arn, role_name, name):
    try:
        answer = iam_client.get_role_policy(aws_retry=True, RoleName=role_name, PolicyName=name)
    except is_boto3_error_code("NoSuchEntity"):
        return None
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        raise _grant_error(f"read the policy {name} of role {role_arn}", "iam:GetRolePolicy", role_arn, e) from e
    return _parse_document(answer["PolicyDocument"])


def _put_policy(iam_client, role_arn, role_name, name, document):
    try:
        iam_client.put_role_policy(
            aws_retry=True, RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
        )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise _grant_error(f"write the policy {name} of role {role_arn}", "iam:PutRolePolicy", role_arn, e) from e


def _delete_policy(iam_client, role_arn, role_name, name):
    try:
        iam_client.delete_role_policy(aws_retry=True, RoleName=role_name, PolicyName=name)
    except is_boto3_error_code("NoSuchEntity"):
        pass  # deleted since it was read: the wanted end
    except (
        botocore.exceptions.ClientError,
        botocore.exceptions.BotoCoreError,
    ) as e:  # pylint: disable=duplicate-except
        raise _grant_error(f"delete the policy {name} of role {role_arn}", "iam:DeleteRolePolicy", role_arn, e) from e


def ensure_policy(iam_client, role_arn, name, document, check_mode):
    """Make the inline policy ``name`` of ``role_arn`` hold ``document``, or remove it when ``document`` is None.

    Returns ``(changed, before, after)``, the documents as dicts (None: no policy). The documents are compared
    parsed, so AWS's encoding and whitespace never cause a write; check mode reports the change and writes nothing.
    """
    role_name = _role(role_arn).group("name")
    before = _read_policy(iam_client, role_arn, role_name, name)
    changed = before != document
    if changed and not check_mode:
        if document is None:
            _delete_policy(iam_client, role_arn, role_name, name)
        else:
            _put_policy(iam_client, role_arn, role_name, name, document)
    return changed, before, document


def destinations_after(afters):
    """The destinations of every config of a function after the task: ``afters`` are settings (None: no config)."""
    return sorted({after[side] for after in afters if after for side in (ON_SUCCESS, ON_FAILURE) if after[side]})


_ENCRYPTED_SERVICES = ("sqs", "sns")  # the destinations that may have a customer-managed KMS key


class Grant:
    """The task's grant: per function, the inline policy on its execution role for every destination it keeps.

    ``checks`` (destination_checks.DestinationChecks) gives the role, the function's account and each queue's
    or topic's KMS key, and the paced IAM client; ``policies`` collects what was (or would be) done, for the
    task's result and diff.
    """

    def __init__(self, checks):
        self.checks = checks
        self.policies = []
        self._lock = threading.Lock()

    def ensure(self, lambda_client, target, arns, check_mode):
        """Make the policy of ``target``'s function allow exactly ``arns`` (remove it when there is none)."""
        function = self.checks.function_configuration(lambda_client, target)
        if function is None:
            raise InvalidOptionError(
                f"Cannot grant destination permissions: the configuration of function {target.name} could not be "
                f"read (lambda:GetFunctionConfiguration) to find its execution role. Allow that read, or set "
                f"{OPTION}: false.",
                option=OPTION,
            )
        role = function.get("Role")
        refuse_role(role, FULL_ARN_RE.match(function["FunctionArn"]).group("account"))
        document = policy_document([(arn, self._kms_key(arn)) for arn in arns])
        name = policy_name(target.name)
        changed, before, after = ensure_policy(self.checks.client("iam"), role, name, document, check_mode)
        self._record(
            dict(
                function_name=target.name, role_arn=role, policy_name=name, changed=changed, before=before, after=after
            )
        )

    def _kms_key(self, arn):
        """The KMS key of a queue or topic (read once per task); None for any other destination."""
        if parse_destination(arn).service not in _ENCRYPTED_SERVICES:
            return None
        return self.checks.destination(None, arn).kms_key  # a queue's or topic's read needs no Lambda client

    def _record(self, policy):
        with self._lock:
            self.policies.append(policy)
