"""The original service's dispatcher, on the billing meter: an exact-minute query of a
``minute`` index, then for each job a SendMessage, a DeleteItem and, for a recurring job,
a PutItem of a new job one day later. It has no delivery stage: the SendMessage is the
delivery. It loses a job whose minute a tick missed (a late or failed tick, a job created
for the current minute after its tick)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from benchmarks.billing import Meter, attach_dynamodb, attach_sqs
from benchmarks.moto_server import fill, session

SEED_TABLE = "bench-seed"


def original_tick(
    endpoint: str, now: datetime, due: int, stored: int, recurring_share: float
) -> tuple[Meter, int, float]:
    """The meter of one tick over ``due`` of ``stored`` jobs, the jobs delivered, its CPU seconds."""
    plain = session().client("dynamodb", endpoint_url=endpoint)
    sqs_plain = session().client("sqs", endpoint_url=endpoint)
    plain.create_table(
        TableName=SEED_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "jobId", "AttributeType": "S"},
            {"AttributeName": "minute", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "minute",
                "KeySchema": [{"AttributeName": "minute", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    queue = sqs_plain.create_queue(QueueName="bench-seed")["QueueUrl"]
    minute = int(now.timestamp()) // 60
    recurring_due = int(due * recurring_share)
    items = []
    for i in range(stored):
        is_due = i < due
        recurring = "daily" if (i < recurring_due or (not is_due and i % 5 == 0)) else "none"
        items.append(
            {
                "jobId": {"S": str(uuid.UUID(int=i + 1))},
                "payload": {"S": f'{{"task": "report", "customer": {i}}}'},
                "recurring": {"S": recurring},
                "minute": {"N": str(minute if is_due else minute + 1 + i)},
            }
        )
    fill(plain, SEED_TABLE, items)
    meter = Meter(peek=plain, table=SEED_TABLE, index_keys=("minute",), key_names=("jobId",))
    dynamodb = session().client("dynamodb", endpoint_url=endpoint)
    sqs = session().client("sqs", endpoint_url=endpoint)
    attach_dynamodb(meter, dynamodb)
    attach_sqs(meter, sqs)
    started = time.process_time()
    delivered = 0
    jobs = dynamodb.query(
        TableName=SEED_TABLE,
        IndexName="minute",
        KeyConditionExpression="minute = :m",
        ExpressionAttributeValues={":m": {"N": str(minute)}},
    )["Items"]  # one page, as the original
    for job in jobs:
        sqs.send_message(QueueUrl=queue, MessageBody=job["payload"]["S"])
        dynamodb.delete_item(TableName=SEED_TABLE, Key={"jobId": job["jobId"]})
        if job["recurring"]["S"] != "none":
            again = dict(job, jobId={"S": str(uuid.uuid4())}, minute={"N": str(minute + 1440)})
            dynamodb.put_item(TableName=SEED_TABLE, Item=again)
        delivered += 1
    cpu = time.process_time() - started - meter.overhead_cpu
    return meter, delivered, cpu
