# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The words every stage shares, at the bottom of the collection's module_utils: the settings of a config as the
module's options name them, the states, and their names in Lambda's API. It imports nothing."""

RETRIES = "maximum_retry_attempts"
EVENT_AGE = "maximum_event_age_in_seconds"
ON_SUCCESS = "on_success"
ON_FAILURE = "on_failure"
SIDES = (ON_SUCCESS, ON_FAILURE)
SETTINGS = (RETRIES, EVENT_AGE, ON_SUCCESS, ON_FAILURE)

PRESENT = "present"
ABSENT = "absent"

# The settings' names in the Lambda API's bodies (PutFunctionEventInvokeConfig and the others).
API_INTEGERS = {RETRIES: "MaximumRetryAttempts", EVENT_AGE: "MaximumEventAgeInSeconds"}
API_SIDES = {ON_SUCCESS: "OnSuccess", ON_FAILURE: "OnFailure"}


def destinations_of(settings):
    """The destinations a config's settings send to (None: no config), sorted."""
    return sorted({settings[side] for side in SIDES if settings[side]}) if settings else []
