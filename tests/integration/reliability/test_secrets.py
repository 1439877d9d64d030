# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials given as module options never appear in results, diffs, failures or -vvv output.

The credential variables of the environment are removed for the run, so the module can only have
reached the emulator with the credentials given as options.
"""

from reliability_support import ACCOUNT
from reliability_support import REGION

ACCESS_KEY = "AKIARELIABILITYSECRET"
SECRET_KEY = "reliability/Secret+Key=NeverShown0123"
SESSION_TOKEN = "ReliabilitySessionTokenNeverShown9876"
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def test_credentials_given_as_options_are_never_shown(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    # AWS's signature errors quote the credential scope, access key ID included.
    clean_emulator.add_fault(
        operation="GetFunctionEventInvokeConfig",
        error_code="InvalidSignatureException",
        status=403,
        message=(
            "The request signature we calculated does not match the signature you provided. "
            f"Credential={ACCESS_KEY}/20260101/{REGION}/lambda/aws4_request"
        ),
        times=1,
    )
    extra_vars = {
        "eic_access_key": ACCESS_KEY,
        "eic_secret_key": SECRET_KEY,
        "eic_session_token": SESSION_TOKEN,
        "eic_function": name,
        "eic_destination": aws.failure_queue,
    }

    run = run_playbook("secrets.yml", extra_vars, args=["-vvv"], callback="default", unset=CREDENTIAL_VARIABLES)

    assert run.returncode == 0, run.output[-5000:]
    assert aws.config(name, "$LATEST")["on_failure"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:reliability-failure"
    # The results were printed, with the credentials masked in them.
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.output
    assert "before: {}" in run.output
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN):
        assert secret not in run.output
