"""The web UI: the built `web/dist` in a private bucket, served by CloudFront, with the API
behind the same distribution (one origin for the browser, so no CORS).

The SPA fallback is a viewer-request function on the bucket's behaviour only, not a custom
error response: an error response rewrite would also turn the API's own 404s into index.html.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.edge import ORIGIN_SECRET_HEADER, security_headers_policy, viewer_address_function

# AWS managed policies (fixed ids, the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# Forwards every viewer header (Authorization included, allowed because nothing is cached)
# except Host, which API Gateway would reject.
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

WEB_ORIGIN = "web"
API_ORIGIN = "api"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

# A path whose last segment has no dot is a client-side route: serve the app shell.
SPA_FALLBACK = """function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""


@dataclass(frozen=True)
class WebArgs:
    dist: Path
    api_host: pulumi.Input[str]
    api_path_patterns: tuple[str, ...]
    price_class: str
    force_destroy: bool
    origin_secret: pulumi.Input[str]  # see infra/edge.py


class Web(pulumi.ComponentResource):
    url: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    distribution_id: pulumi.Output[str]

    def __init__(self, name: str, args: WebArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Web", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if not (args.dist / "index.html").is_file():
            raise FileNotFoundError(
                f"{args.dist}/index.html is missing: build the web UI first (`make web-build` or "
                "`npm --prefix web run build`), or point `scheduler:webDist` at a built folder"
            )

        bucket = aws.s3.Bucket(f"{name}-bucket", force_destroy=args.force_destroy, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-private",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    )
                )
            ],
            opts=child,
        )
        for key, path in _files(args.dist):
            aws.s3.BucketObjectv2(
                f"{name}-file-{key}",
                bucket=bucket.id,
                key=key,
                source=pulumi.FileAsset(str(path)),
                content_type=mimetypes.guess_type(key)[0] or "application/octet-stream",
                cache_control=_cache_control(key),
                opts=child,
            )

        access = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            description="CloudFront reads the private web bucket",
            opts=child,
        )
        fallback = aws.cloudfront.Function(
            f"{name}-spa-fallback",
            runtime="cloudfront-js-2.0",
            code=SPA_FALLBACK,
            comment="Client-side routes get index.html",
            publish=True,
            opts=child,
        )
        viewer_address = viewer_address_function(f"{name}-viewer-address", child)
        headers = security_headers_policy(f"{name}-security-headers", child)
        api_behaviours = [
            aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                path_pattern=pattern,
                target_origin_id=API_ORIGIN,
                viewer_protocol_policy="https-only",
                allowed_methods=ALL_METHODS,
                cached_methods=["GET", "HEAD"],
                cache_policy_id=CACHING_DISABLED,
                origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST,
                response_headers_policy_id=headers.id,
                compress=True,
                function_associations=[
                    aws.cloudfront.DistributionOrderedCacheBehaviorFunctionAssociationArgs(
                        event_type="viewer-request", function_arn=viewer_address.arn
                    )
                ],
            )
            for pattern in args.api_path_patterns
        ]
        distribution = aws.cloudfront.Distribution(
            f"{name}-cdn",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            default_root_object="index.html",
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=WEB_ORIGIN,
                    domain_name=bucket.bucket_regional_domain_name,
                    origin_access_control_id=access.id,
                ),
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=API_ORIGIN,
                    domain_name=args.api_host,
                    custom_headers=[
                        aws.cloudfront.DistributionOriginCustomHeaderArgs(
                            name=ORIGIN_SECRET_HEADER, value=args.origin_secret
                        )
                    ],
                    custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                        http_port=80,
                        https_port=443,
                        origin_protocol_policy="https-only",
                        origin_ssl_protocols=["TLSv1.2"],
                    ),
                ),
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=WEB_ORIGIN,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=headers.id,
                compress=True,
                function_associations=[
                    aws.cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArgs(
                        event_type="viewer-request", function_arn=fallback.arn
                    )
                ],
            ),
            ordered_cache_behaviors=api_behaviours,
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True),
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-bucket-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, distribution.arn).apply(
                lambda arns: json.dumps(
                    iam.cloudfront_reads_bucket_policy(bucket_arn=arns[0], distribution_arn=arns[1])
                )
            ),
            opts=child,
        )

        self.url = distribution.domain_name.apply(lambda domain: f"https://{domain}")
        self.bucket_name = bucket.bucket
        self.distribution_id = distribution.id
        self.register_outputs({"url": self.url, "bucket_name": self.bucket_name})


def _files(dist: Path) -> list[tuple[str, Path]]:
    """The build's files; dotfiles (the Makefile's `.built` stamp) are not part of the site."""
    files = (path.relative_to(dist) for path in dist.rglob("*") if path.is_file())
    return sorted((f.as_posix(), dist / f) for f in files if not any(part.startswith(".") for part in f.parts))


def _cache_control(key: str) -> str:
    # Vite names built assets by content hash: they never change under the same name.
    if key.startswith("assets/"):
        return "public, max-age=31536000, immutable"
    return "no-cache"
