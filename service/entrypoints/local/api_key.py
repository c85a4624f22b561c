"""The local stack's API key: ``SCHEDULER_API_KEY`` if set, else a new one, printed at start."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from service.domain.keys import MAX_TOKEN_LENGTH, NAMESPACE_PATTERN, is_token
from service.entrypoints.local.options import OptionError
from service.services.keys import KeyService

logger = logging.getLogger(__name__)

KEY_NAME = "local stack"


def local_api_key(keys: KeyService, env: Mapping[str, str], namespace: str) -> str:
    """A key of ``namespace`` that the API accepts: stored (as a hash) unless it already is."""
    if not NAMESPACE_PATTERN.fullmatch(namespace):
        raise OptionError(f"SCHEDULER_NAMESPACE {namespace!r} is not a namespace (a-z, 0-9 and '-', up to 63)")
    fixed = env.get("SCHEDULER_API_KEY", "").strip()
    if not fixed:
        return keys.create(namespace, KEY_NAME).secret
    if not is_token(fixed):
        raise OptionError(
            f"SCHEDULER_API_KEY must be 1 to {MAX_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (a Bearer token)"
        )
    key = keys.ensure(fixed, namespace, KEY_NAME)
    if key.revoked:
        logger.warning("SCHEDULER_API_KEY was revoked (key %s): the API refuses it", key.key_id)
    elif key.namespace != namespace:
        logger.warning("SCHEDULER_API_KEY opens namespace %r, not %r", key.namespace, namespace)
    return fixed
