"""How a fanned-out tick shares its busy shards among concurrent invocations."""

from __future__ import annotations

import math


def split_shards(workload: dict[str, int], capacity: int, max_invocations: int) -> list[list[str]]:
    """Groups of busy shards, one per invocation: as few as the work needs at ``capacity`` runs
    per invocation, at most ``max_invocations``, balanced by their counts (largest first, each
    to the least loaded group)."""
    if not workload:
        return []
    needed = math.ceil(sum(workload.values()) / max(1, capacity))
    groups: list[list[str]] = [[] for _ in range(max(1, min(needed, max_invocations, len(workload))))]
    loads = [0] * len(groups)
    for shard, count in sorted(workload.items(), key=lambda item: (-item[1], item[0])):
        lightest = loads.index(min(loads))
        groups[lightest].append(shard)
        loads[lightest] += count
    return groups
