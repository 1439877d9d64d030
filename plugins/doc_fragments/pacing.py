# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How fast a task calls Lambda: the options both modules share."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  workers:
    description:
      - How many functions are worked on at the same time, for the configs items of
        M(serverless.aws_lambda.lambda_event_invoke_config) or in a region audit of
        M(serverless.aws_lambda.lambda_event_invoke_config_info). The configs of one function are always
        written one after another, because Lambda refuses concurrent changes to one function.
      - More workers hide the latency of the API; O(max_requests_per_second) still bounds the rate.
    type: int
    default: 4
  max_requests_per_second:
    description:
      - The most Lambda API requests per second that the task sends, retries included, shared by all
        its workers.
      - Lambda allows 15 control-plane requests per second per account and region, shared by every
        caller and not raisable. The default leaves a third of that to deployments, consoles and other
        tools that run at the same time; throttling answers are retried all the same.
      - V(0) lifts the limit.
      - The calls to other services that the destination checks, the grant and the audit make (IAM, SQS, SNS, S3,
        KMS, STS, EventBridge, CloudWatch) do not count against Lambda's quota. They are paced apart, at the same
        rate but never more than 10 per second, also when V(0) lifts Lambda's limit (IAM throttles per account).
    type: int
    default: 10
"""
