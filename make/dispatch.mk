BENCHMARKS += benchmarks.dispatch
