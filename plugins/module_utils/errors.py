# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Domain errors raised by the collection's module_utils and reported once by each module's main()."""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class InvalidOptionError(ValueError):
    """An option value that fails validation before any API call is made."""

    def __init__(self, message, option=None):
        super().__init__(message)
        self.option = option


class EventInvokeConfigError(AnsibleAWSError):
    """An AWS call about an event invoke config failed; the message says what to do about it."""


class MissingFunctionError(EventInvokeConfigError):
    """AWS answered that the function, version or alias does not exist."""


class ConfigGoneError(EventInvokeConfigError):
    """An Update found no config: someone deleted it since the task read it."""


class PredictedRefusalError(EventInvokeConfigError):
    """The destination preflight predicts that AWS refuses a write; it was not sent."""
