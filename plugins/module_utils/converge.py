# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Converging event invoke configs: grouping, purge selection, reads, plans and writes, for one config or hundreds.

A task's configs are Requests (see options), all validated before this runs. They are grouped per
function, and each function is one unit of work: read its configs (one Get when the task names one of
its qualifiers, one List of all pages when it names several or purges), plan every request (plan), then
make the writes one after another, since Lambda answers ResourceConflictException to parallel writes on
one function. Units of different functions run concurrently on the worker pool of pacing, each with its
own retry state, every request waiting for the task's Pacer. A single task is a fleet of one and takes
the same path.
"""

from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils import lambda_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils import propagation
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import REFUSED
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import STRICT_ADVICE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import UNDELIVERABLE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destination_checks import refusal_message
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import refuse_self_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import ConfigGoneError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import EventInvokeConfigError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import MissingFunctionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import PredictedRefusalError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_sort_key
from ansible_collections.serverless.aws_lambda.plugins.module_utils.pacing import map_units
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import plan_change
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import plan_request
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import sent_destinations
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import unmanaged_warnings
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import Outcome
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.results import result_view
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ABSENT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SIDES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import destinations_of


def group_by_function(requests):
    """Indexes of ``requests`` per function name, functions in order of first appearance.

    A name is one function: options.ambiguities() refuses a name given with two accounts, or with and without one.
    """
    groups = {}
    for index, request in enumerate(requests):
        groups.setdefault(request.target.name, []).append(index)
    return groups


def purge_qualifiers(listed_qualifiers, requests):
    """The qualifiers with a config (``listed_qualifiers``) that none of ``requests`` names, in listing order."""
    named = {request.target.key_qualifier for request in requests}
    return sorted(set(listed_qualifiers) - named, key=qualifier_sort_key)


def _read(client, requests, every):
    """The configs of one function, by qualifier.

    ``every``: read every config of the function (purge, grant), even for one request. One Get answers a missing
    function as it answers a missing config (None); a List raises MissingFunctionError, one for the whole function.
    """
    if len(requests) == 1 and not every:
        target = requests[0].target
        config = lambda_api.get_config(client, target)
        return {target.key_qualifier: config} if config else {}
    configs = lambda_api.list_configs(client, requests[0].target)
    return {qualifier_from_arn(config["FunctionArn"]): config for config in configs}


def _settle_missing(outcomes, error):
    """The Outcomes of a function that does not exist: one that asks for no config has it already (nothing before,
    nothing after); any other fails with ``error``, told once for the function."""
    for outcome in outcomes:
        if plan_request(outcome.request, None).action != "none":
            outcome.error = error


def _refuse_self_destinations(request, function_arn):
    """Refuse a managed destination that is the function itself, once AWS has named its account."""
    if function_arn is None:
        return  # a bare name and nothing read yet: AWS's own answer decides (lambda_api translates it)
    target = request.target.with_identity_of(function_arn)
    for side in SIDES:
        if request.managed.get(side):
            refuse_self_destination(side, request.managed[side], target)


def _preflight(client, request, plan, task):
    """The judgements of the destinations the write of ``plan`` sends, in the order sent.

    In strict mode (validate_destinations: true) a destination predicted refused or undeliverable raises
    PredictedRefusalError: nothing of the config is written. With the grant on, the role's permissions are the
    grant's to give: only the destinations are judged.
    """
    judgements = [
        task.checks.judge(client, request.target, arn, permissions=task.grant is None)
        for arn in sent_destinations(plan)
    ]
    bad = [judgement for judgement in judgements if judgement.prediction in (REFUSED, UNDELIVERABLE)]
    if bad and task.preflight == STRICT:
        raise PredictedRefusalError(message=f"{refusal_message(request.target.describe(), bad)}. {STRICT_ADVICE}")
    return judgements


def _write(client, request, plan, windows):
    """Apply a put or update plan; returns the config AWS returns (no read-after-write)."""
    try:
        return _send(client, request, plan, windows)
    except ConfigGoneError:
        # The Update found the config deleted since the read: re-create it from what the task asks
        # for, not from the settings that were deleted.
        return _send(client, request, plan_change(None, request.managed), windows)


def _send(client, request, plan, windows):
    return propagation.write_config(
        client,
        request.target,
        plan.action,
        plan.params,
        destinations=[plan.after[side] for side in SIDES if plan.after[side]],
        retry_timeout=request.retry_timeout,
        windows=windows,
    )


def _converge_one(client, outcome, current_config, known_arn, *, task):
    request = outcome.request
    current = settings_from_api(current_config)
    plan = plan_request(request, current)
    outcome.before = current
    outcome.warnings = unmanaged_warnings(request, current)
    if plan.action == "none":
        outcome.after = current
        outcome.config = result_from_api(current_config)
        return
    if plan.action == "delete":
        if not task.check_mode:
            lambda_api.delete_config(client, request.target)
        # The config the task read is gone, also when the Delete found it already removed.
        outcome.changed = True
        return
    function_arn = (current_config or {}).get("FunctionArn")
    if function_arn is None and task.check_mode:
        function_arn, configuration = lambda_api.function_arn(client, request.target)
        if task.checks is not None:
            task.checks.remember(request.target, configuration)
    _refuse_self_destinations(request, function_arn or known_arn)
    if task.preflight:
        outcome.judgements = _preflight(client, request, plan, task)
    if task.check_mode:
        outcome.after = plan.after
        outcome.config = result_view(plan.after, function_arn)
    else:
        config = _write(client, request, plan, task.windows)
        outcome.after = settings_from_api(config)
        outcome.config = result_from_api(config)
    outcome.changed = True


# What every unit of a task shares: check mode or not, purge_configs, the destinations' retry windows
# (propagation.DestinationWindows), the DestinationChecks whose reads the preflight, the grant and a rejected write
# share, the preflight (None: off, WARN or STRICT) and the grant.Grant of grant_destination_permissions (None: off).
Task = namedtuple("Task", "check_mode purge windows checks preflight grant")
# One function read and planned, before anything of it is written: its Outcomes (purges included), its configs by
# qualifier, and what it asks of the grant (None: off, or nothing to ask when the function failed or does not exist).
Prepared = namedtuple("Prepared", "outcomes configs use")


def _name(prepared):
    return prepared.outcomes[0].request.target.name


def _grant_use(client, requests, outcomes, configs, task):
    """The grant.FunctionUse of a function: its qualifiers' destinations before and after the task."""
    before = {qualifier: settings_from_api(config) for qualifier, config in configs.items()}
    after = dict(before)
    for outcome in outcomes:
        qualifier = outcome.request.target.key_qualifier
        after[qualifier] = plan_request(outcome.request, after.get(qualifier)).after
    return task.grant.uses(
        client,
        requests[0].target,
        {qualifier: destinations_of(settings) for qualifier, settings in before.items()},
        {qualifier: destinations_of(settings) for qualifier, settings in after.items()},
    )


def _prepare(client, requests, task):
    """Step one of a function: read its configs, add its purges, learn what it asks of the grant."""
    outcomes = [Outcome(request) for request in requests]
    try:
        configs = _read(client, requests, task.purge or task.grant is not None)
        if task.purge:
            template = requests[0]
            for qualifier in purge_qualifiers(configs, requests):
                target = template.target._replace(qualifier=qualifier)
                outcomes.append(Outcome(template._replace(target=target, state=ABSENT), purged=True))
        return Prepared(outcomes, configs, task.grant and _grant_use(client, requests, outcomes, configs, task))
    except MissingFunctionError as e:
        _settle_missing(outcomes, e)
    except (EventInvokeConfigError, InvalidOptionError) as e:
        _fail_all(outcomes, e)  # nothing of the function is written without its configs read and its permissions
    return Prepared(outcomes, {}, None)


def _fail_all(outcomes, error):
    for outcome in outcomes:
        outcome.error = outcome.error or error


def _apply(client, prepared, task, refused):
    """Step two of a function: write what its Outcomes plan, unless an earlier step failed it."""
    if refused is not None:
        _fail_all(prepared.outcomes, refused)
    if any(outcome.error is not None for outcome in prepared.outcomes):
        return
    # Any config of the function names its account, which decides whether a destination is the function.
    known_arn = next((config["FunctionArn"] for config in prepared.configs.values()), None)
    for outcome in prepared.outcomes:
        current_config = prepared.configs.get(outcome.request.target.key_qualifier)
        try:
            _converge_one(client, outcome, current_config, known_arn, task=task)
        except (EventInvokeConfigError, InvalidOptionError) as e:
            outcome.error = e


def converge(client, requests, *, checks=None, check_mode=False, purge=False, workers=1, preflight=None, grant=None):
    """Bring every request's config to its desired state; returns the Outcomes.

    One Outcome per request in the order of ``requests``, then one per purged config, by function in
    order of first appearance and by qualifier. A failure is kept in its Outcome and never stops the
    other requests. Check mode makes reads only. ``checks`` (destination_checks.DestinationChecks) makes the
    reads about destinations (None: no reads, no preflight); ``preflight`` WARN judges the destinations of every write (Outcome.judgements),
    STRICT also fails a write whose destinations it predicts AWS refuses or cannot deliver to. ``grant``
    (grant.Grant) widens the destination policies of the task's roles before any config write and narrows them
    after the last.

    The steps: every function is read and planned (_prepare), the grant widens, every function is written
    (_apply), the grant narrows; without the grant a function is written as soon as it is read. Functions are
    worked on by up to ``workers`` threads, each unit with the client's retry state of its own (the pacer hooked on
    the boto3 client is shared).
    """
    groups = list(group_by_function(requests).values())
    windows = propagation.DestinationWindows(checks.missing_here if checks is not None else None)
    task = Task(check_mode, purge, windows, checks, preflight, grant)

    def prepare(indexes):
        return _prepare(lambda_api.retrying(client), [requests[index] for index in indexes], task)

    def prepare_and_apply(indexes):
        unit = prepare(indexes)
        _apply(lambda_api.retrying(client), unit, task, None)
        return unit

    if grant is None:  # one unit per function: its writes follow its read on the same thread
        prepared = map_units(prepare_and_apply, groups, workers)
    else:  # the grant stands between every function's read and any function's write
        prepared = map_units(prepare, groups, workers)
        refused = grant.widen([unit.use for unit in prepared if unit.use is not None], check_mode, workers)
        map_units(
            lambda unit: _apply(lambda_api.retrying(client), unit, task, refused.get(_name(unit))), prepared, workers
        )
        for name, error in grant.narrow(lambda_api.retrying(client), check_mode, workers).items():
            _fail_all(next(unit.outcomes for unit in prepared if _name(unit) == name), error)
    ordered = [None] * len(requests)
    purged = []
    for indexes, unit in zip(groups, prepared):
        for index, outcome in zip(indexes, unit.outcomes):
            ordered[index] = outcome
        purged.extend(unit.outcomes[len(indexes) :])
    return ordered + purged
