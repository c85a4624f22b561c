# The local stack as a newcomer runs it: lateness and capacity (benchmarks/local_stack.py).
BENCHMARKS += benchmarks.local_stack
