"""The one place that builds adapters and wires them into use cases: one bootstrap per
function (``api``, ``dispatcher``), each taking its dependencies as parameters with
defaults (settings, AWS clients, clocks, the hand-off), so that tests and the local stack
inject theirs instead of patching. Only these modules know which adapters exist."""
