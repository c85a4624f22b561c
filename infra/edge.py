"""What CloudFront adds: to the API's requests, who the viewer is and proof it came through;
to every answer, the security headers.

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

The response headers policy adds the app's own security headers
(``service/entrypoints/security_headers.py``, the one definition) to the web UI's files from
S3, and to any API answer that lacks them; it never overrides the API's own (the documents'
pages have a policy of their own), except HSTS, which it always sends: viewers reach the
distribution over HTTPS only.
"""

from __future__ import annotations

import secrets

import pulumi
import pulumi_aws as aws

from service.entrypoints.security_headers import CSP, HEADERS, HSTS_MAX_AGE

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


def security_headers_policy(name: str, opts: pulumi.ResourceOptions) -> aws.cloudfront.ResponseHeadersPolicy:
    kept = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")  # in security_headers_config
    return aws.cloudfront.ResponseHeadersPolicy(
        name,
        comment="Scheduler: the API's security headers, on the web UI's files too",
        security_headers_config=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
            content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
                content_security_policy=CSP, override=False
            ),
            content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
                override=False
            ),
            frame_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
                frame_option=HEADERS["X-Frame-Options"], override=False
            ),
            referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                referrer_policy=HEADERS["Referrer-Policy"], override=False
            ),
            strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                access_control_max_age_sec=HSTS_MAX_AGE, include_subdomains=True, override=True
            ),
        ),
        custom_headers_config=aws.cloudfront.ResponseHeadersPolicyCustomHeadersConfigArgs(
            items=[
                aws.cloudfront.ResponseHeadersPolicyCustomHeadersConfigItemArgs(
                    header=name_, value=value, override=False
                )
                for name_, value in HEADERS.items()
                if name_ not in kept
            ]
        ),
        opts=opts,
    )
