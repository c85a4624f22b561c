# The local stack as a newcomer runs it: lateness and capacity (benchmarks/local_stack.py), and
# what its emulator's DynamoDB serializer saves (benchmarks/emulator_answers.py).
BENCHMARKS += benchmarks.local_stack benchmarks.emulator_answers
