"""DynamoDB's answers from the embedded emulator, written without moto's model walk for
each attribute value.

moto writes each answer by walking the operation's output shape, looking every member up
by name and alias: for an item's attribute value, the ten members of ``AttributeValue``
(``S``, ``N``, ``B``, ... ``BOOL``), each looked up under several aliases. An item of the
schedule's twenty attributes costs about 200 lookups, so answering a query of 100 schedules
took three times as long as finding them (``benchmarks/emulator_answers.py``: 106 ms a page
with moto's walk, 38 ms with this serializer), and the local stack's tick and delivery stage take their turns at the
emulator one call at a time. An attribute value is already in its wire form in moto's
results but for its binary values, which the walk base64-encodes: this serializer writes
it so, and leaves every other shape to moto's walk. Its answers, parsed, are moto's own
(tests/integration/test_local_emulator_serializer.py).

moto keeps a registry of per-service serializers (``SERVICE_SPECIFIC_SERIALIZERS``, where
it registers its own for S3 and SQS); ``install`` adds this one for DynamoDB's JSON
protocol, for every caller of this process's emulator (the stack's own calls and its
server's).
"""

from __future__ import annotations

from typing import Any

from moto.core import serialize
from moto.core.serialize import JSONSerializer

ATTRIBUTE_VALUE = "AttributeValue"
_AS_IS = frozenset({"S", "N", "SS", "NS", "BOOL", "NULL"})


class _NotPlainError(Exception):
    """A value not as moto's results hold one: left to moto's walk."""


class DynamoDBJSONSerializer(JSONSerializer):
    def _serialize_type_structure(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if shape.name == ATTRIBUTE_VALUE:
            try:
                wire = self._attribute_value(value)
            except _NotPlainError:
                pass
            else:
                self._default_serialize(serialized, wire, shape, key)
                return
        super()._serialize_type_structure(serialized, value, shape, key)

    def _attribute_value(self, value: Any) -> dict[str, Any]:
        """An attribute value as moto's results hold it (a dict of its kind, nested values
        dicts too), in its wire form; ``_NotPlainError`` for anything else."""
        if not isinstance(value, dict):
            raise _NotPlainError
        wire: dict[str, Any] = {}
        for kind, content in value.items():
            if content is None:
                continue  # as the walk leaves out a member without a value
            if kind in _AS_IS:
                wire[kind] = content
            elif kind == "B":
                wire[kind] = self._base64(content)
            elif kind == "BS":
                wire[kind] = [self._base64(member) for member in content]
            elif kind == "M" and isinstance(content, dict):
                wire[kind] = {name: self._attribute_value(member) for name, member in content.items()}
            elif kind == "L" and isinstance(content, list):
                wire[kind] = [self._attribute_value(member) for member in content]
            else:
                raise _NotPlainError
        return wire


def install() -> None:
    """Answer DynamoDB's JSON protocol with this serializer in this process."""
    serialize.SERVICE_SPECIFIC_SERIALIZERS.setdefault("dynamodb", {})["json"] = DynamoDBJSONSerializer
