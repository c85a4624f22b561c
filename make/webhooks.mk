# Webhook deliveries of a batch: one at a time or all at once (benchmarks/webhook_delivery.py).
BENCHMARKS += benchmarks.webhook_delivery
