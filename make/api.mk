# The API under load: /health while the heaviest allowed requests run (benchmarks/health_under_load.py).
BENCHMARKS += benchmarks.health_under_load
