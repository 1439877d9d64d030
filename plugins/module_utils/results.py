# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a task returns: config views, diffs, info items and the outcome of each config. Pure functions."""

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_sort_key
from ansible_collections.serverless.aws_lambda.plugins.module_utils.plan import settings_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SIDES

# How many failures a fleet task's msg spells out; configs holds every one of them.
SHOWN_FAILURES = 5


# What AWS applies to a config that does not set them (documented for PutFunctionEventInvokeConfig).
DEFAULT_RETRIES = 2
DEFAULT_EVENT_AGE = 21600


def options_view(settings):
    """Settings in the shape of the module's options (for diffs); {} when there is no config."""
    if settings is None:
        return {}
    view = {RETRIES: settings[RETRIES], EVENT_AGE: settings[EVENT_AGE]}
    view["destination_config"] = {side: ({"destination": settings[side]} if settings[side] else None) for side in SIDES}
    return view


def _iso8601(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def result_view(settings, function_arn=None, last_modified=None):
    """The ``event_invoke_config`` return value: the options view plus identity and timestamp."""
    if settings is None:
        return {}
    view = options_view(settings)
    view["function_arn"] = function_arn
    view["qualifier"] = qualifier_from_arn(function_arn) if function_arn else None
    view["last_modified"] = _iso8601(last_modified)
    return view


def result_from_api(config):
    """The ``event_invoke_config`` return value for a Get/Put/Update/List response body."""
    if config is None:
        return {}
    return result_view(settings_from_api(config), config.get("FunctionArn"), config.get("LastModified"))


def config_item(function_name, config):
    """A listed config: the module's ``event_invoke_config`` shape plus ``function_name``."""
    item = result_from_api(config)
    item["function_name"] = function_name
    return item


def item_sort_key(item):
    """Order of listed configs: by function name, then by qualifier."""
    return (item["function_name"], qualifier_sort_key(item["qualifier"]))


def sorted_items(function_name, configs):
    """Listed configs of one function as sorted items (AWS does not promise an order)."""
    return sorted((config_item(function_name, config) for config in configs), key=item_sort_key)


class Outcome:
    """What happened to one config: the task reports one per item, in the task's order, then purges."""

    def __init__(self, request, purged=False):
        self.request = request
        self.purged = purged
        self.changed = False
        self.before = None
        self.after = None
        self.config = {}
        self.error = None
        self.warnings = []
        self.judgements = None  # the preflight's destination_checks.Judgement of each destination sent, when it ran

    def describe(self):
        return self.request.target.describe()

    def message(self):
        """The error as one line: what failed, what to do, and AWS's own answer when there is one."""
        if isinstance(self.error, InvalidOptionError):
            return f"{self.describe()}: {self.error}"
        return self.message_of_function()

    def message_of_function(self):
        """message() without the qualifier an option error is told for (the words a failure of the whole function
        gives each of its configs)."""
        if isinstance(self.error, InvalidOptionError):
            return str(self.error)
        if self.error.exception is not None:
            return f"{self.error.message}: {self.error.exception}"
        return self.error.message

    def destination_checks(self):
        """The ``destination_checks`` return value: what the preflight predicts of each destination sent."""
        return [judgement._asdict() for judgement in self.judgements or []]

    def diff(self):
        """The config's diff, headed by its function and qualifier in both modes; the header says what a null
        setting means when one shows (Ansible prints it as ``--- before: <header>``)."""
        before, after = options_view(self.before), options_view(self.after)
        header = self.describe()
        if any(view and view[setting] is None for view in (before, after) for setting in (RETRIES, EVENT_AGE)):
            header += f"; null = not set, AWS's default applies ({DEFAULT_RETRIES} retries, {DEFAULT_EVENT_AGE} s)"
        return dict(before=before, after=after, before_header=header, after_header=header)

    def result(self):
        target = self.request.target
        result = dict(
            function_name=target.name,
            qualifier=target.key_qualifier,
            state=self.request.state,
            changed=self.changed,
            event_invoke_config=self.config,
        )
        if self.purged:
            result["purged"] = True
        if self.judgements is not None:
            result["destination_checks"] = self.destination_checks()
        if self.error is not None:
            result.update(failed=True, msg=self.message())
        return result


def failure_message(outcomes, check_mode):
    """The msg of a fleet task with failed outcomes: counts, then the first failures.

    A failure several configs of one function share (a function-level failure: the same words) is told once,
    with the qualifiers it stopped; with many failures the msg stays readable and ``configs`` holds each failed
    item's msg.
    """
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    by_failure = {}
    for outcome in failed:
        by_failure.setdefault((outcome.request.target.name, outcome.message_of_function()), []).append(outcome)
    details = []
    for group in by_failure.values():
        detail = group[0].message()
        if len(group) > 1:
            detail += " (qualifiers " + ", ".join(o.request.target.key_qualifier for o in group) + ")"
        details.append(f"[{detail}]")
    if len(failed) == len(outcomes):
        head = f"All {len(failed)} configs failed"
    else:
        others = "the others were checked; check mode changed nothing" if check_mode else "the others were applied"
        head = f"{len(failed)} of {len(outcomes)} configs failed; {others}"
    message = f"{head}. " + " ".join(details[:SHOWN_FAILURES])
    if len(details) > SHOWN_FAILURES:
        message += f" ... and {len(details) - SHOWN_FAILURES} more; configs gives the msg of every failed item."
    return message
