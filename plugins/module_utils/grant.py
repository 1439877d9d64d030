# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opt-in grant: on each execution role, one inline policy per region that lets Lambda deliver to the
destinations of the functions of that region on the role.

The policy allows exactly what the destinations need (``destinations.delivery_permissions()``), one statement
per resource however many functions use it, in a deterministic order, so that an unchanged set of destinations
gives the same document and no write. Its name carries the region; every statement's Sid carries the module's
mark, so a policy the module did not write is never changed. One policy per role, not per function, keeps a role
shared by hundreds of functions within IAM's 10,240-character quota.

The policy follows the configs in two steps around the task's config writes: before any of them it only widens
(the statements already there, plus those the task's configs need after it), so no write ever meets a role that
lost a permission it still uses; after the last, a statement that a config of the task stopped using goes when no
function of the region on the role uses it any more, as AWS has the configs then. What cannot be read keeps the
statements, with a warning.
"""

import hashlib
import json
import re
import threading
import urllib.parse
from collections import namedtuple

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNKNOWN
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import listed
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import KINDS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import KMS_ACTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import delivery_permissions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import parse_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import MissingFunctionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import FULL_ARN_RE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import ACCESS_DENIED_CODES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.lambda_api import error_code
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import map_units
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import destinations_of

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


def policy_name(region):
    """The name of the inline policy the grant keeps on a role for the functions of ``region`` that use it: one
    role may serve functions of several regions, and each region's grant reads and writes its own policy."""
    return f"{POLICY_PREFIX}{region}"


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


class _IAMCallFailed(lambda_api.CallFailed):
    @staticmethod
    def service_advice(exception):
        code = error_code(exception)
        if code in ACCESS_DENIED_CODES:
            return (
                f"The identity that runs Ansible needs iam:{exception.operation_name} on the role: "
                f"allow it, or set {OPTION}: false and give the role the delivery permissions yourself"
            )
        if code == "NoSuchEntity":
            return f"The role does not exist: give the function an existing execution role, or set {OPTION}: false"
        return ""


class IAMErrors(AWSErrorHandler):
    """The error boundary of the grant's IAM calls (lambda_api.LambdaErrors' counterpart): any botocore error
    becomes an EventInvokeConfigError that names the call and, for a denied call, the IAM action it needs."""

    _CUSTOM_EXCEPTION = _IAMCallFailed

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NoSuchEntity")


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
    """The grant's policy ``name`` of ``role_arn`` as a dict; None when the role has no such policy."""

    @IAMErrors.list_error_handler(f"read the policy {name} of role {role_arn}")
    def read():
        return iam_client.get_role_policy(aws_retry=True, RoleName=_role(role_arn).group("name"), PolicyName=name)

    answer = read()
    if answer is None:
        return None
    document = _parse_document(answer["PolicyDocument"])
    _refuse_foreign(document, role_arn, name)
    return document


def _write_policy(iam_client, role_arn, name, document, functions=()):
    """Put ``document`` as the inline policy ``name`` of ``role_arn``, or delete the policy when it is None (a policy
    deleted since it was read is gone, as wanted)."""
    role_name = _role(role_arn).group("name")

    @IAMErrors.deletion_error_handler(f"delete the policy {name} of role {role_arn}")
    def delete():
        iam_client.delete_role_policy(aws_retry=True, RoleName=role_name, PolicyName=name)

    @IAMErrors.common_error_handler(f"write the policy {name} of role {role_arn}")
    def put():
        try:
            iam_client.put_role_policy(
                aws_retry=True, RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
            )
        except is_boto3_error_code("LimitExceeded") as e:
            others = _other_policies_size(iam_client, role_arn, name)
            raise _quota_error(role_arn, name, document, functions, others) from e

    if document is None:
        delete()
    else:
        put()


# What one function of the task asks of one execution role: the destinations of its qualifiers on that role before
# and after the task (frozensets of ARNs).
RoleUse = namedtuple("RoleUse", "before after")
# One function of the task, as the grant sees it: its name and region, and a RoleUse per role of its qualifiers.
FunctionUse = namedtuple("FunctionUse", "name region roles")
# One role's policy between the two steps: the task's functions on it (name -> RoleUse), the document before the
# task, the one written before the writes, the statements (Sids) the task's configs stop using, and why nothing may
# go (None: it may).
RoleGrant = namedtuple("RoleGrant", "role_arn region policy_name functions before widened candidates keep_reason")


class Grant:
    """The task's grant: on each execution role, one inline policy per region that allows the destinations of the
    functions of that region on the role, each statement once however many functions use it.

    ``checks`` (destination_checks.DestinationChecks) gives the roles, each queue's or topic's KMS key and the paced
    IAM client; ``policies`` collects what was (or would be) done, for the task's result and diff, and ``warnings``
    what the task should say. The steps: uses() per function (its roles), widen() once for the task before any
    config write, narrow() once after them all.
    """

    def __init__(self, checks):
        self.checks = checks
        self.policies = []
        self.warnings = []
        self._roles = {}
        self._lock = threading.Lock()
        self._listing = None  # the region's functions: name -> {version: role}, read once, when a statement may go

    def uses(self, lambda_client, target, before, after):
        """The FunctionUse of ``target``'s function: ``before`` maps each qualifier with a config before the task to its
        destinations, ``after`` each qualifier the task leaves or names (those of ``before`` included) to its
        destinations after it. A version keeps the role it was published with, and an alias answers
        for its version, so each qualifier's destinations go to its own role (one read per qualifier)."""
        roles = {}
        for qualifier in sorted(after):  # every qualifier with a config before the task is in ``after`` too
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
            old, new = roles.get(function["Role"], RoleUse(frozenset(), frozenset()))
            roles[function["Role"]] = RoleUse(old | set(before.get(qualifier, ())), new | set(after[qualifier]))
        return FunctionUse(target.name, identity.group("region"), roles)

    # --- step one: widen, before any config write -------------------------------------------------------------

    def widen(self, uses, check_mode, workers):
        """Before the config writes: each role's policy allows what it allowed, plus what the configs of the task's
        functions on it need after the task. Returns the error of each function whose role could not be granted
        (function name -> error): nothing of such a function may be written."""
        by_role = {}
        for use in uses:
            for role, role_use in use.roles.items():
                by_role.setdefault((role, use.region), {})[use.name] = role_use
        return _failures(
            map_units(
                lambda item: _guarded(item[1], self._widen_role, *item, check_mode), sorted(by_role.items()), workers
            )
        )

    def _documents(self, arns, strict):
        """(policy document for ``arns``, why a KMS key could not be judged or None)."""
        pairs, unknown = [], []
        for arn in sorted(arns):
            kms_key, problem = self._kms_key(arn, strict=strict)
            unknown.extend([problem] if problem else [])
            pairs.append((arn, kms_key))
        return policy_document(pairs), "; ".join(unknown) or None

    def _widen_role(self, key, functions, check_mode):
        role, region = key
        name = policy_name(region)
        needed, unknown_after = self._documents(set().union(*(use.after for use in functions.values())), strict=True)
        used_before, unknown_before = self._documents(
            set().union(*(use.before for use in functions.values())), strict=False
        )
        iam = self.checks.client("iam")
        before = _read_policy(iam, role, name)
        wide = widened(before, needed)
        if wide != before:
            _fits(iam, role, name, wide, sorted(functions), check_mode=check_mode)
            if not check_mode:
                _write_policy(iam, role, name, wide, functions=sorted(functions))
        candidates = _sids(used_before) - _sids(needed)
        with self._lock:
            self._roles[key] = RoleGrant(
                role, region, name, functions, before, wide, candidates, unknown_after or unknown_before
            )

    # --- step two: narrow, after every config write -----------------------------------------------------------

    def narrow(self, lambda_client, check_mode, workers):
        """After the config writes: a statement the task's configs stopped using goes when no function of the region
        on the role uses it any more, which is read (the role's functions, then their configs) only when there is
        such a statement. A read that fails, or a KMS key that cannot be judged, keeps the statements, with a
        warning. Returns the error of each function whose role's policy could not be written."""
        roles = [self._roles[key] for key in sorted(self._roles)]
        return _failures(
            map_units(
                lambda grant: _guarded(grant.functions, self._narrow_role, grant, lambda_client, check_mode),
                roles,
                workers,
            )
        )

    def _narrow_role(self, grant, lambda_client, check_mode):
        after = grant.widened
        if grant.keep_reason:
            self._keep(grant, grant.keep_reason)
        elif grant.candidates:
            try:
                used, orphans, unknown = self._still_used(lambda_client, grant, check_mode)
            except EventInvokeConfigError as e:
                used, orphans, unknown = set(), set(), f"what the functions on the role use could not be read ({e})"
            if unknown:
                self._keep(grant, unknown)
            else:
                gone = grant.candidates - used
                after = _without(grant.widened, gone)
                if orphans - gone:
                    self._warn(
                        f"The inline policy {grant.policy_name} of role {grant.role_arn} allows resources no function "
                        f"of {grant.region} on the role uses: {', '.join(_resources(grant.widened, orphans - gone))}. "
                        "The module removes a statement only when a config of the task stops using it; remove these "
                        "statements yourself if nothing else needs them."
                    )
            if after != grant.widened and not check_mode:
                _write_policy(self.checks.client("iam"), grant.role_arn, grant.policy_name, after)
        self._record(
            dict(
                role_arn=grant.role_arn,
                policy_name=grant.policy_name,
                functions=sorted(grant.functions),
                changed=grant.before != after,
                before=grant.before,
                after=after,
            )
        )

    def _still_used(self, lambda_client, grant, check_mode):
        """(Sids of the policy some function of the region on the role still needs, Sids none needs, why that cannot
        be judged or None).

        Each function with a version on the role has its configs read (one List each); in check mode the task's own
        functions count with their configs after the task instead (nothing was written)."""
        arns = set().union(*(use.after for use in grant.functions.values()))
        for name, versions in self._functions_on(lambda_client, grant.role_arn).items():
            if check_mode and name in grant.functions:
                continue
            for config in self._configs(lambda_client, name):
                qualifier = qualifier_from_arn(config["FunctionArn"])
                if versions.get(qualifier, grant.role_arn) == grant.role_arn:  # an alias counts for every role
                    arns.update(destinations_of(settings_from_api(config)))
        needed, unknown = self._documents(arns, strict=False)
        sids = _sids(grant.widened)
        return sids & _sids(needed), sids - _sids(needed) - grant.candidates, unknown

    def _functions_on(self, lambda_client, role_arn):
        """The functions of the region with a version (or $LATEST) on ``role_arn``: name -> {version: role}."""
        with self._lock:
            if self._listing is None:
                listing = {}
                for function in lambda_api.list_functions(lambda_client, every_version=True):
                    listing.setdefault(function["FunctionName"], {})[function["Version"]] = function.get("Role")
                self._listing = listing
        return {name: versions for name, versions in self._listing.items() if role_arn in versions.values()}

    def _configs(self, lambda_client, name):
        try:
            return lambda_api.list_configs(lambda_client, parse_function_name(name))
        except MissingFunctionError:
            return []  # deleted since the listing: it uses nothing

    def _keep(self, grant, reason):
        self._warn(
            f"The grant could not judge every statement of the inline policy {grant.policy_name} of role "
            f"{grant.role_arn}: {reason}. It removed nothing, and granted no key it could not learn; run the task "
            "again once that is resolved."
        )

    def _kms_key(self, arn, *, strict):
        """(exact KMS key ARN or None, why its statements cannot be judged or None) of a queue or topic.

        ``strict``: a key the grant may not write is refused (the destinations the task grants); otherwise it is a
        reason to keep what the policy holds (the destinations it may remove)."""
        if not KINDS[parse_destination(arn).service].encrypted:
            return None, None
        state = self.checks.destination(arn)
        if state.kms_problem and strict:
            raise InvalidOptionError(
                f"Cannot grant destination permissions for {arn}: {state.kms_problem}. The grant writes only exact key "
                f"ARNs: point the destination at a key by id, key ARN or alias, or set {OPTION}: false and allow the key "
                "yourself.",
                option=OPTION,
            )
        if state.state == UNKNOWN or state.kms_problem:
            return (
                None,
                f"the destination {arn} could not be read to learn its KMS key ({state.reason or state.kms_problem})",
            )
        return state.kms_key, None

    def _warn(self, message):
        with self._lock:
            self.warnings.append(message)

    def _record(self, policy):
        with self._lock:
            self.policies.append(policy)


def _guarded(functions, step, *args):
    """{function name: error} of ``functions`` when ``step(*args)`` fails; {} when it succeeds."""
    try:
        step(*args)
    except (EventInvokeConfigError, InvalidOptionError) as e:
        return dict.fromkeys(functions, e)
    return {}


def _failures(results):
    return {name: error for failures in results for name, error in failures.items()}


def _sids(document):
    return {statement["Sid"] for statement in document["Statement"]} if document else set()


def _without(document, sids):
    """``document`` without the statements ``sids``; None when none is left."""
    kept = [statement for statement in document["Statement"] if statement["Sid"] not in sids]
    return _document(kept) if kept else None


def _resources(document, sids):
    return sorted(str(statement["Resource"]) for statement in document["Statement"] if statement["Sid"] in sids)


def _fits(iam, role, name, document, functions, *, check_mode):
    """Refuse a policy that cannot fit IAM's inline quota, before writing it; in check mode the role's other
    inline policies are read to tell (a real run learns it from the write)."""
    others = _other_policies_size(iam, role, name) if check_mode else 0
    if policy_size(document) + others > INLINE_POLICY_QUOTA:
        raise _quota_error(role, name, document, functions, others)


def _other_policies_size(iam, role, name):
    """The characters of ``role``'s inline policies other than ``name``, as IAM counts them."""
    role_name = _role(role).group("name")

    @IAMErrors.common_error_handler(f"read the inline policies of role {role}")
    def read():
        names = iam.list_role_policies(aws_retry=True, RoleName=role_name)["PolicyNames"]
        return [
            iam.get_role_policy(aws_retry=True, RoleName=role_name, PolicyName=other)["PolicyDocument"]
            for other in names
            if other != name
        ]

    return sum(policy_size(_parse_document(document)) for document in read())


def _quota_error(role, name, document, functions, others):
    size = policy_size(document)
    held = f" and its other inline policies hold {others}" if others else ""
    return InvalidOptionError(
        f"Cannot grant destination permissions: the destinations of {len(functions)} function(s) on role {role} "
        f"({', '.join(functions[:5])}{', ...' if len(functions) > 5 else ''}) need the inline policy {name} of "
        f"{size} characters{held}, and IAM allows {INLINE_POLICY_QUOTA} characters of inline policy per role in all "
        "(whitespace not counted). Nothing was written. Ways out: fewer destinations for the functions of that role; "
        "an execution role of their own for some of them; or set "
        f"{OPTION}: false and attach managed policies you write (6,144 characters each, 10 per role by default).",
        option=OPTION,
    )
