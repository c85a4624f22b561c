"""The local stack: the whole service on one machine, with no AWS account (SPEC section 6).

``scheduler dev`` starts, in one process: an AWS emulator (or the endpoint in
``AWS_ENDPOINT_URL``) holding the table and queues, the same ASGI app as the API Lambda,
a ticker that invokes the dispatcher Lambda handler at each minute boundary as EventBridge
would, and a consumer that prints one JSON line per delivered message.
"""
