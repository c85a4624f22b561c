"""What CloudFront adds to the API's requests: who the viewer is, and proof it came through.

API Gateway sees a CloudFront edge server as the source of every request that comes through
the distribution, so the API cannot count failed key checks per viewer from it (see
``service/entrypoints/client.py``). Here:

* a viewer-request function writes ``event.viewer.ip`` (the address CloudFront itself saw,
  which a viewer cannot choose) into ``X-Viewer-Address``, over anything the viewer sent;
* the API origin carries ``X-Origin-Verify`` with a secret the API function's environment
  holds too, so the app believes ``X-Viewer-Address`` only on requests CloudFront made. An
  origin custom header replaces a viewer header of the same name.

The secret is drawn once and kept in an SSM parameter (``ignore_changes``: later runs draw
again, and the stored value stays). ``pulumi up --replace <the parameter's URN>`` rotates it.
"""

from __future__ import annotations

import secrets

import pulumi
import pulumi_aws as aws

ORIGIN_SECRET_HEADER = "X-Origin-Verify"  # the names service/entrypoints/client.py reads
VIEWER_ADDRESS_HEADER = "x-viewer-address"

VIEWER_ADDRESS = f"""function handler(event) {{
  var request = event.request;
  request.headers['{VIEWER_ADDRESS_HEADER}'] = {{ value: event.viewer.ip }};
  return request;
}}
"""


class OriginSecret(pulumi.ComponentResource):
    """The secret CloudFront shows the API, drawn on the first deployment and kept."""

    value: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:OriginSecret", name, None, opts)
        parameter = aws.ssm.Parameter(
            f"{name}-value",
            type="SecureString",
            value=secrets.token_urlsafe(32),
            description="Sent by CloudFront to the API origin (X-Origin-Verify): the API believes "
            "the viewer address only next to it",
            # The provider keeps the value secret in the state and in every output it feeds.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["value"]),
        )
        self.value = parameter.value
        self.register_outputs({})


def viewer_address_function(name: str, opts: pulumi.ResourceOptions) -> aws.cloudfront.Function:
    return aws.cloudfront.Function(
        name,
        runtime="cloudfront-js-2.0",
        code=VIEWER_ADDRESS,
        comment="The viewer's address, for the API's count of failed key checks",
        publish=True,
        opts=opts,
    )
