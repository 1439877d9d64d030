# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start, drive and stop the emulator from tests: ``Emulator.start()`` runs the server as a subprocess.

Only the standard library is used for the control endpoints, so this works from any Python that has boto3
(boto3 is imported only by ``Emulator.client``).
"""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Run with ``python -m`` from ROOT, which is then the first entry of the server's sys.path.
SERVER_COMMAND = ("-m", "tests.emulator.server")
# Distinctive values: Ansible masks no_log values (such as secret_key) wherever they appear in its output.
ACCESS_KEY = "AKIAEMULATOR00000000"
SECRET_KEY = "emulator-secret-key-not-real"
DEFAULT_REGION = "us-east-1"
CLEARED_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
ACCOUNT_ID = "123456789012"
EXECUTION_ROLE = "emulator-execution-role"
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
# The execution role may deliver to any destination, as a role set up for destinations would; the emulator refuses
# destinations a role may not use (CONTRACT.md item 63). Tests of that refusal give the function another role.
DESTINATIONS_POLICY = "emulator-destinations"
DELIVERY_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "sqs:SendMessage",
                    "sns:Publish",
                    "lambda:InvokeFunction",
                    "events:PutEvents",
                    "s3:PutObject",
                    "s3:ListBucket",
                ],
                "Resource": "*",
            }
        ],
    }
)
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"


def link_collection() -> None:
    """Make the source tree the collection serverless.aws_lambda under ``ROOT/.build/collections``.

    Ansible (ANSIBLE_COLLECTIONS_PATH) and pytest (pyproject's pythonpath) find it there. Safe when several
    processes (pytest-xdist workers) race to create it.
    """
    link = os.path.join(ROOT, ".build", "collections", "ansible_collections", "serverless", "aws_lambda")
    if os.path.islink(link) or os.path.exists(link):
        return
    os.makedirs(os.path.dirname(link), exist_ok=True)
    try:
        os.symlink(ROOT, link, target_is_directory=True)
    except FileExistsError:
        pass  # another process made it first


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control call failed."""


class Emulator:
    """A running emulator process. Use ``Emulator.start()``; ``stop()`` (or a ``with`` block) ends it."""

    def __init__(self, process: subprocess.Popen, url: str, log_path: str):
        self.process = process
        self.url = url
        self.port = int(url.rsplit(":", 1)[1])
        self.log_path = log_path
        self._clients: dict = {}
        self._execution_role: str | None = None

    @classmethod
    def start(cls, port: int | None = None, python: str = sys.executable, timeout: float = 120.0) -> Emulator:
        """Run the server on ``port`` (a free one when None) and return once it printed its ready line."""
        log = tempfile.NamedTemporaryFile(prefix="aws-emulator-", suffix=".log", delete=False)
        process = subprocess.Popen(
            [python, *SERVER_COMMAND, "--port", str(port or 0)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        log.close()
        line = read_line(process.stdout, timeout)
        if "ready" not in line:
            process.kill()
            process.wait()
            raise EmulatorError(f"emulator did not start (stdout: {line!r}); see {log.name}:\n{tail(log.name)}")
        drain(process.stdout)
        return cls(process, line.split()[-1], log.name)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, wait, SIGKILL if it does not end in time. Returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def reset(self) -> None:
        """All state: moto's resources, event invoke configs, the call log, the faults and the latency."""
        self._request("POST", "/moto-api/reset")
        self._execution_role = None

    def calls(self, times: bool = False) -> list[dict]:
        """The call log: ``{"service", "operation", "status"}`` per AWS call, in the order received.

        With ``times``, also ``time`` (arrival) and ``end_time`` (response started), wall-clock epoch seconds to the
        microsecond, and ``delay`` (seconds of latency applied). See ``max_calls_in_window``.
        """
        return self._request("GET", "/_emulator/calls?times=1" if times else "/_emulator/calls")

    def clear_calls(self) -> None:
        self._request("DELETE", "/_emulator/calls")

    def add_fault(self, **spec) -> dict:
        """E.g. ``add_fault(operation="PutFunctionEventInvokeConfig", error_code="TooManyRequestsException", times=3)``."""
        return self._request("POST", "/_emulator/faults", spec)

    def faults(self) -> list[dict]:
        return self._request("GET", "/_emulator/faults")

    def clear_faults(self) -> None:
        self._request("DELETE", "/_emulator/faults")

    def set_latency(
        self,
        delay: float,
        *,
        jitter: float = 0.0,
        seed: int | None = None,
        service: str | None = None,
        operation: str | None = None,
        account: str | None = None,
    ) -> dict:
        """Hold back each matching AWS call ``delay`` seconds (plus or minus up to ``jitter``, seeded) before answering.

        ``service``/``operation`` narrow the rule (e.g. ``set_latency(0.1, operation="GetFunctionEventInvokeConfig")``);
        ``account`` narrows it to the calls that act in that account; the most specific rule wins, and a new rule
        replaces the one of the same scope. ``reset()`` and ``clear_latency()`` remove all rules.
        """
        spec = {"delay": delay, "jitter": jitter, "seed": seed, "service": service, "operation": operation}
        spec["account"] = account
        return self._request(
            "POST", "/_emulator/latency", {key: value for key, value in spec.items() if value is not None}
        )

    def latency(self) -> list[dict]:
        return self._request("GET", "/_emulator/latency")

    def clear_latency(self) -> None:
        self._request("DELETE", "/_emulator/latency")

    def env(self, base: dict | None = None, region: str = DEFAULT_REGION) -> dict:
        """A complete environment for a subprocess (boto3, the AWS CLI, Ansible's amazon.aws) that uses the emulator.

        It is a copy of ``base`` (default ``os.environ``) with the endpoint, test credentials and region set, and
        the profile and session-token variables removed.
        """
        env = {
            key: value for key, value in (os.environ if base is None else base).items() if key not in CLEARED_VARIABLES
        }
        env.update(
            {
                "AWS_ENDPOINT_URL": self.url,
                "AWS_URL": self.url,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_REGION": region,
                "AWS_DEFAULT_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        return env

    def ansible_env(self, base: dict | None = None, **extra: str) -> dict:
        """``env()`` plus what ansible-playbook and molecule need to run this collection from the source tree.

        The collection through the ``.build/collections`` symlink farm, the project's ansible.cfg, the
        integration targets as roles (setup_lambda_resources), no colours, and the tools of the Python that
        runs this (the virtual environment) first on PATH; ``extra`` variables are set last.
        """
        env = self.env(base)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
            ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
            ANSIBLE_ROLES_PATH=os.path.join(ROOT, "tests", "integration", "targets"),
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_NOCOLOR="1",
            NO_COLOR="1",
            PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        )
        env.update(extra)
        return env

    def client(self, service: str, region: str = DEFAULT_REGION, *, role: str | None = None, **kwargs):
        """A boto3 client for ``service`` pointed at the emulator (extra kwargs, e.g. ``config``, go to boto3).

        With ``role`` (an ARN), the client acts with credentials from ``sts:AssumeRole`` into it, so in the role's
        account.
        """
        import boto3  # noqa: PLC0415 - only this method needs boto3; the rest works from any Python

        keys = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
        if role is not None:
            creds = self._client("sts").assume_role(RoleArn=role, RoleSessionName="emulator")["Credentials"]
            keys = {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            }
        return boto3.session.Session().client(service, region_name=region, endpoint_url=self.url, **keys, **kwargs)

    def create_function(
        self,
        name: str,
        *,
        versions: int = 0,
        aliases: dict | None = None,
        region: str = DEFAULT_REGION,
        role: str | None = None,
    ) -> str:
        """Create Lambda function ``name`` and return its unqualified ARN.

        The function runs python3.12 with ``index.handler`` (it returns its event) under the execution role
        ``emulator-execution-role`` (or ``role``, an ARN), which is created on first use (again after ``reset()``)
        with an inline policy ``emulator-destinations`` that allows delivery to every destination. ``versions``
        versions are published (1..n), then ``aliases`` (``{"live": "1"}``) are created. The calls go to the
        call log like any other: CreateRole and PutRolePolicy (first time only), CreateFunction, then per version after the
        first an UpdateFunctionConfiguration (Lambda publishes only a changed function) and PublishVersion,
        then CreateAlias.
        """
        lam = self._client("lambda", region)
        params = {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "Code": {"ZipFile": function_zip()},
        }
        try:
            arn = lam.create_function(Role=role or self.execution_role(), **params)["FunctionArn"]
        except lam.exceptions.InvalidParameterValueException as error:
            if role is not None or "role" not in str(error):
                raise
            # The role went with a reset this harness did not see (a raw POST /moto-api/reset): make it again.
            self._execution_role = None
            arn = lam.create_function(Role=self.execution_role(), **params)["FunctionArn"]
        for number in range(1, versions + 1):
            if number > 1:
                lam.update_function_configuration(FunctionName=name, Description=f"version {number}")
            lam.publish_version(FunctionName=name)
        for alias, version in (aliases or {}).items():
            lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=str(version))
        return arn

    def create_queue(self, name: str, *, region: str = DEFAULT_REGION, **attributes: str) -> str:
        """Create SQS queue ``name`` (``attributes`` such as ``FifoQueue="true"``) and return its ARN."""
        sqs = self._client("sqs", region)
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def execution_role(self) -> str:
        """The ARN of the role ``create_function`` gives functions, created in IAM if this harness has not yet."""
        if self._execution_role is None:
            iam = self._client("iam")
            try:
                iam.create_role(RoleName=EXECUTION_ROLE, AssumeRolePolicyDocument=TRUST_POLICY)
            except iam.exceptions.EntityAlreadyExistsException:
                pass
            iam.put_role_policy(RoleName=EXECUTION_ROLE, PolicyName=DESTINATIONS_POLICY, PolicyDocument=DELIVERY_POLICY)
            self._execution_role = f"arn:aws:iam::{ACCOUNT_ID}:role/{EXECUTION_ROLE}"
        return self._execution_role

    def _client(self, service: str, region: str = DEFAULT_REGION):
        """A boto3 client kept for the harness's own calls (clients are thread-safe and slow to make)."""
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.client(service, region)
        return self._clients[key]

    def _request(self, method: str, path: str, payload: dict | None = None):
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise EmulatorError(f"{method} {path}: {error.code} {error.read().decode('utf-8', 'replace')}") from None
        return json.loads(body) if body.strip() else None


def max_calls_in_window(calls: list[dict], window: float = 1.0) -> int:
    """The most calls that arrived within any ``window`` seconds (a half-open sliding window), from ``calls(times=True)``.

    E.g. ``max_calls_in_window(emulator.calls(times=True)) <= 10`` checks a client-side limit of 10 requests/s.
    """
    arrivals = sorted(call["time"] for call in calls)
    most = 0
    first = 0
    for last, arrived in enumerate(arrivals):
        while arrived - arrivals[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def function_zip() -> bytes:
    """A deployment package: ``index.py`` whose ``handler`` returns the event it was given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", HANDLER_SOURCE)
    return buffer.getvalue()


def read_line(stream, timeout: float) -> str:
    """The first line of ``stream``, waiting at most ``timeout`` seconds ('' if the process ended first)."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def drain(stream) -> None:
    """Keep reading the child's stdout so that it can never block on a full pipe."""
    threading.Thread(target=stream.read, daemon=True).start()


def tail(path: str, size: int = 4000) -> str:
    with open(path, encoding="utf-8", errors="replace") as log:
        return log.read()[-size:]
