BENCHMARKS += benchmarks.dispatch benchmarks.dispatch_faults benchmarks.takeover
