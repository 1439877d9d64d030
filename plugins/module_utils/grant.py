# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opt-in grant: one inline policy on a function's execution role that lets Lambda deliver to its destinations.

The policy allows exactly what the destinations need (``destinations.delivery_permissions()``), one statement
per resource, in a deterministic order, so that an unchanged set of destinations gives the same document and
no write. Its name carries the function's region and name; every statement's Sid carries the module's mark, so a
policy the module did not write is never changed.

The policy follows the configs in two steps around a function's config writes: before them it only widens (the
statements already there, plus those the configs need after the task), so no write ever meets a role that lost
a permission it still uses; after them, once every write of the function succeeded and every destination could be
judged, it shrinks to exactly what the configs need. A write that failed, or a queue or topic whose KMS key could
not be read, keeps the wider policy (the result says so), and the next clean run shrinks it.
"""

import hashlib
import json
import re
import threading
import urllib.parse
from collections import namedtuple

try:
    import botocore.exceptions

    # The errors of every call; caught where a read's failure is an answer (unknown, missing, not allowed).
    _CLIENT_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except ImportError:
    _CLIENT_ERRORS = ()  # AnsibleAWSModule reports a missing botocore before any call.

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNKNOWN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import listed
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
# Every statement the grant writes has a Sid that starts with this mark: a policy of the grant's name whose
# statements lack it was written by someone else, and is left alone.
SID_MARK = "LambdaDestination"
POLICY_VERSION = "2012-10-17"
SERVICE_LINKED_PATH = "/aws-service-role/"
# IAM's quota on the inline policies of one role, together, whitespace not counted.
INLINE_POLICY_QUOTA = 10240
# arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
ROLE_ARN_RE = re.compile(r"^arn:[a-z0-9-]+:iam::(?P<account>\d{12}):role(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)\Z")


def policy_name(function_name, region):
    """The name of the inline policy the grant keeps for ``function_name`` (a bare name) of ``region``: a function
    name may be used in several regions with one role, and each needs a policy of its own."""
    return f"{POLICY_PREFIX}{region}-{function_name}"


def _sid(text):
    """A statement id from a resource: the mark, the resource's service and name in words (readable), then a hash
    (unique; IAM's Sid takes letters and digits only, so 'my-queue' and 'my_queue' would otherwise meet)."""
    parts = text.split(":", 5)
    words = re.findall(r"[A-Za-z0-9]+", f"{parts[2]} {parts[-1]}")
    readable = "".join(word[:1].upper() + word[1:] for word in words)
    return SID_MARK + readable + hashlib.sha256(text.encode()).hexdigest()[:8]


def _exact(text, arn):
    """Refuse a destination or key ARN with a wildcard: the grant never writes one (a bucket's objects aside)."""
    if "*" in text or "?" in text:
        raise InvalidOptionError(
            f"Cannot grant destination permissions: {text!r} (for the destination {arn}) is not an exact resource, "
            f"and the grant never writes a wildcard. Fix the destination, or set {OPTION}: false.",
            option=OPTION,
        )
    return text


def policy_document(destinations):
    """The least-privilege policy document for ``destinations``, (arn, kms_key) pairs; None when there is none.

    ``kms_key`` is the exact ARN of the customer-managed key of an encrypted queue or topic (as
    destination_checks.DestinationState carries it), else None.

    One statement per resource (a destination, an S3 bucket and its objects, a KMS key), holding every action
    needed on it, so a destination shared by several configs and a key shared by several queues appear once.
    Statements are sorted by Sid and actions alphabetically: the same destinations always give the same document.
    """
    grants = {}
    for arn, kms_key in destinations:
        for action, resource in delivery_permissions(_exact(arn, arn)):
            grants.setdefault(resource, set()).add(action)
        if kms_key:
            grants.setdefault(_exact(kms_key, arn), set()).update(KMS_ACTIONS)
    if not grants:
        return None
    return _document(_statement(resource, actions) for resource, actions in grants.items())


def _statement(resource, actions):
    return {"Sid": _sid(resource), "Effect": "Allow", "Action": sorted(actions), "Resource": resource}


def _document(statements):
    return {"Version": POLICY_VERSION, "Statement": sorted(statements, key=lambda statement: statement["Sid"])}


def widened(before, needed):
    """``before`` with every statement of ``needed`` added (actions of a statement both have: their union)."""
    if before is None or needed is None:
        return needed if before is None else before
    statements = {statement["Sid"]: statement for statement in before["Statement"]}
    for statement in needed["Statement"]:
        old = statements.get(statement["Sid"], {"Action": []})
        actions = sorted(set(listed(old["Action"])) | set(statement["Action"]))
        statements[statement["Sid"]] = dict(statement, Action=actions)
    return _document(statements.values())


def policy_size(document):
    """The characters IAM counts for ``document`` against its quota (whitespace is not counted)."""
    return len(re.sub(r"\s", "", json.dumps(document))) if document else 0


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
    if code == "LimitExceeded":
        return call_error(
            what,
            exception,
            f"IAM allows {INLINE_POLICY_QUOTA} characters of inline policy per role in all: remove other inline "
            f"policies of the role, give the function fewer destinations, or set {OPTION}: false and attach a managed "
            "policy",
        )
    return call_error(what, exception)


def _refuse_foreign(document, role_arn, name):
    """Refuse a policy of the grant's name that the grant did not write (a statement without the mark)."""
    if any(not str(statement.get("Sid")).startswith(SID_MARK) for statement in listed(document["Statement"])):
        raise InvalidOptionError(
            f"Cannot grant destination permissions: the inline policy {name} of role {role_arn} was not written by this "
            f"module (a statement's Sid does not start with {SID_MARK}), and it is never changed or deleted. Rename "
            f"or remove that policy, or set {OPTION}: false.",
            option=OPTION,
        )


def _read_policy(iam_client, role_arn, name):
    try:
        answer = iam_client.get_role_policy(aws_retry=True, RoleName=_role(role_arn).group("name"), PolicyName=name)
    except _CLIENT_ERRORS as e:
        if error_code(e) == "NoSuchEntity":
            return None
        raise _grant_error(f"read the policy {name} of role {role_arn}", "iam:GetRolePolicy", role_arn, e) from e
    document = _parse_document(answer["PolicyDocument"])
    _refuse_foreign(document, role_arn, name)
    return document


def _write_policy(iam_client, role_arn, name, document):
    """Put ``document`` as the inline policy ``name`` of ``role_arn``, or delete the policy when it is None."""
    role_name = _role(role_arn).group("name")
    try:
        if document is None:
            iam_client.delete_role_policy(aws_retry=True, RoleName=role_name, PolicyName=name)
        else:
            iam_client.put_role_policy(
                aws_retry=True, RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
            )
    except _CLIENT_ERRORS as e:
        if document is None and error_code(e) == "NoSuchEntity":
            return  # deleted since it was read: the wanted end
        action = "iam:DeleteRolePolicy" if document is None else "iam:PutRolePolicy"
        verb = "delete" if document is None else "write"
        raise _grant_error(f"{verb} the policy {name} of role {role_arn}", action, role_arn, e) from e


def destinations_after(afters):
    """The destinations of every config of a function after the task: ``afters`` are settings (None: no config)."""
    return sorted({after[side] for after in afters if after for side in (ON_SUCCESS, ON_FAILURE) if after[side]})


_ENCRYPTED_SERVICES = ("sqs", "sns")  # the destinations that may have a customer-managed KMS key

# One function's grant between its two steps: the role and policy, the document before the task, the one its
# configs need, the one written before the writes (``widened``), and why it may not shrink (None: it may).
FunctionGrant = namedtuple("FunctionGrant", "function_name role_arn policy_name before needed widened keep_reason")


class Grant:
    """The task's grant: per function, the inline policy on its execution role for every destination it keeps.

    ``checks`` (destination_checks.DestinationChecks) gives the role, the function's account and each queue's
    or topic's KMS key, and the paced IAM client; ``policies`` collects what was (or would be) done, for the
    task's result and diff, and ``warnings`` what the task should say.
    """

    def __init__(self, checks):
        self.checks = checks
        self.policies = []
        self.warnings = []
        self._lock = threading.Lock()

    def widen(self, lambda_client, target, destinations, check_mode):
        """Step one, before the writes of ``target``'s function: on the role of each of its qualifiers, the policy
        allows what it allowed, and the destinations of that role's qualifiers after the task.

        ``destinations`` maps each qualifier that has a config before or after the task to its destinations after
        it. A version keeps the role it was published with, so the qualifiers of one function may use several roles;
        each role's policy holds the destinations of its own qualifiers. Returns one FunctionGrant per role.
        """
        by_role = {}
        identity = None
        for qualifier in sorted(destinations):
            function = self.checks.function_configuration(lambda_client, target._replace(qualifier=qualifier))
            if function is None:
                raise InvalidOptionError(
                    f"Cannot grant destination permissions: the configuration of "
                    f"{target._replace(qualifier=qualifier).describe()} could not be read "
                    f"(lambda:GetFunctionConfiguration) to find its execution role. Allow that read, or set "
                    f"{OPTION}: false.",
                    option=OPTION,
                )
            identity = FULL_ARN_RE.match(function["FunctionArn"])
            refuse_role(function.get("Role"), identity.group("account"))
            by_role.setdefault(function["Role"], set()).update(destinations[qualifier])
        return [
            self._widen_role(role, policy_name(target.name, identity.group("region")), target.name, arns, check_mode)
            for role, arns in sorted(by_role.items())
        ]

    def _widen_role(self, role, name, function_name, arns, check_mode):
        pairs, unknown = [], []
        for arn in sorted(arns):
            kms_key, problem = self._kms_key(arn)
            unknown.extend([problem] if problem else [])
            pairs.append((arn, kms_key))
        needed = policy_document(pairs)
        size = policy_size(needed)
        if size > INLINE_POLICY_QUOTA:
            raise InvalidOptionError(
                f"Cannot grant destination permissions: function {function_name} needs a policy of "
                f"{size} characters on role {role} for its {len(arns)} destinations, and IAM allows "
                f"{INLINE_POLICY_QUOTA} characters of inline policy per role in all. Give the function fewer "
                f"destinations, or set {OPTION}: false and attach a managed policy to the role.",
                option=OPTION,
            )
        iam = self.checks.client("iam")
        before = _read_policy(iam, role, name)
        wide = widened(before, needed)
        if wide != before and not check_mode:
            _write_policy(iam, role, name, wide)
        return FunctionGrant(function_name, role, name, before, needed, wide, "; ".join(unknown) or None)

    def narrow(self, lambda_client, target, grants, *, writes_failed, check_mode, destinations_now):
        """Step two, after the writes of ``target``'s function: each policy shrinks to exactly what the configs need,
        unless that cannot be known.

        Before a statement goes, the function's configs are read again (``destinations_now()``, one List, only on
        that path): a task that changed another qualifier of the function meanwhile keeps what its configs use.
        """
        shrinking = [grant for grant in grants if not grant.keep_reason and grant.widened != grant.needed]
        now = destinations_now() if shrinking and not writes_failed and not check_mode else None
        failed = "a config write of the function failed, so the statements its old destinations may still need are kept"
        for grant in grants:
            keep = grant.keep_reason or (failed if writes_failed else None)
            self._narrow_role(lambda_client, target, grant, keep=keep, check_mode=check_mode, now=now)

    def _narrow_role(self, lambda_client, target, grant, *, keep, check_mode, now):
        after = grant.widened if keep else grant.needed
        if now is not None and not keep and after != grant.widened:
            after = self._needed_now(lambda_client, target, grant.role_arn, now)
        if keep and grant.widened != grant.needed:
            self._warn(
                f"The inline policy {grant.policy_name} of role {grant.role_arn} keeps statements its configs may no "
                f"longer need: {keep}. Run the task again once that is resolved to remove them."
            )
        if after != grant.widened and not check_mode:
            _write_policy(self.checks.client("iam"), grant.role_arn, grant.policy_name, after)
        self._record(
            dict(
                function_name=grant.function_name,
                role_arn=grant.role_arn,
                policy_name=grant.policy_name,
                changed=grant.before != after,
                before=grant.before,
                after=after,
            )
        )

    def _needed_now(self, lambda_client, target, role, now):
        """The document ``role`` needs for the destinations of its qualifiers in ``now`` (qualifier -> ARNs)."""
        arns = set()
        for qualifier, destinations in now.items():
            function = self.checks.function_configuration(lambda_client, target._replace(qualifier=qualifier))
            if function is not None and function.get("Role") == role:
                arns.update(destinations)
        return policy_document([(arn, self._kms_key(arn)[0]) for arn in sorted(arns)])

    def _kms_key(self, arn):
        """(exact KMS key ARN or None, why its statements cannot be judged or None) of a queue or topic."""
        if parse_destination(arn).service not in _ENCRYPTED_SERVICES:
            return None, None
        state = self.checks.destination(arn)
        if state.kms_problem:
            raise InvalidOptionError(
                f"Cannot grant destination permissions for {arn}: {state.kms_problem}. The grant writes only exact key "
                f"ARNs: point the destination at a key by id, key ARN or alias, or set {OPTION}: false and allow the key "
                "yourself.",
                option=OPTION,
            )
        if state.state == UNKNOWN:
            return None, f"the destination {arn} could not be read to learn its KMS key ({state.reason})"
        return state.kms_key, None

    def _warn(self, message):
        with self._lock:
            self.warnings.append(message)

    def _record(self, policy):
        with self._lock:
            self.policies.append(policy)
