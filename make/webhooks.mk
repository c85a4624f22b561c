# Webhooks: deliveries of a batch, one at a time or all at once (benchmarks/webhook_delivery.py); the lateness
# of runs due over a minute, measured at a receiver on loopback (benchmarks/webhook_lateness.py).
BENCHMARKS += benchmarks.webhook_delivery
BENCHMARKS += benchmarks.webhook_lateness
