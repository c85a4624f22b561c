"""Dummy credentials and a region for a machine with no AWS account.

The emulator accepts any credentials, but boto3 refuses to sign a request without some,
and needs a region to build a client. Credentials or a region the user configured win.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import botocore.session

DEFAULT_REGION = "us-east-1"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
# Providers that ask the network (EC2 instance metadata, ECS container endpoint): on a
# laptop they only add seconds of time-outs before answering "none".
_NETWORK_PROVIDERS = ("iam-role", "container-role")


def credentials_configured() -> bool:
    session = botocore.session.Session()
    resolver = session.get_component("credential_provider")
    for name in _NETWORK_PROVIDERS:
        resolver.remove(name)
    try:
        return resolver.load_credentials() is not None
    except Exception:  # a broken profile counts as none: the emulator needs none
        return False


def region_configured() -> bool:
    return botocore.session.Session().get_config_variable("region") is not None


def apply_aws_defaults(
    env: MutableMapping[str, str],
    has_credentials: Callable[[], bool] = credentials_configured,
    has_region: Callable[[], bool] = region_configured,
) -> list[str]:
    """Fill in what is missing; returns the names of the variables it set."""
    added: list[str] = []
    if not has_region():
        env["AWS_DEFAULT_REGION"] = DEFAULT_REGION
        added.append("AWS_DEFAULT_REGION")
    if not has_credentials():
        env.update(DUMMY_CREDENTIALS)
        added.extend(DUMMY_CREDENTIALS)
    return added
