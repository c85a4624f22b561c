"""What a GraphQL document costs, computed from the document before it runs.

Two figures, each with its limit (SPEC section 5: every request does bounded work):

- **points**, the work: each field costs 1 each time it resolves, and a field that reads
  or writes the table costs ``DATA_FIELD_POINTS`` more. A list multiplies what it holds
  by its size: ``schedules(first)`` and ``runs(first)`` their ``nodes``, ``nextRuns(count)``
  and ``previewSchedule(count)`` their run times.
- **answer bytes**, the most the answer can take (``ports.answer_bytes``): each field
  ``FIELD_BYTES``, a payload the largest one can take, but the payloads of one page of
  ``schedules`` no more than the page holds (it is cut at ``CONNECTION_PAGE_BYTES``), and a
  text of bounded length (a name, a description) the most its longest can take.

A list given as an argument (``schedules(labels)``) costs a point per element: a variable
can hold a list no token limit sees.

Fields are collected as execution collects them (aliases apart, fragments and inline
fragments merged, each fragment once per selection), so neither aliases nor fragments
hide work; ``@skip``/``@include`` are ignored, which can only count more. An abstract
type counts its costliest member. Written here because no maintained library does this
(graphql-complexity, the one Python option, multiplies only by one argument name of
list fields, reads no variables, and knows nothing of connections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
    is_object_type,
    type_from_ast,
    value_from_ast,
)

from service.domain.about import MAX_DESCRIPTION, MAX_LABEL_KEY, MAX_LABEL_VALUE, MAX_LABELS, MAX_NAME, MAX_PAUSE_NOTE
from service.domain.backfill import MAX_BACKFILL
from service.domain.delivery_stats import MAX_HOURS
from service.services.ports import MAX_PAYLOAD_ANSWER_BYTES

MAX_POINTS = 20_000
# Under Lambda's 6 MB with room for headers, the envelope and a field longer than counted.
MAX_ANSWER_BYTES = 5_000_000
CONNECTION_PAGE_BYTES = 1_000_000
FIELD_BYTES = 128  # a field's name and value, escaped: ids, instants, names, messages
# A character takes at most 14 bytes in an answer (a character past U+FFFF is two \\u
# escapes, each escaped once more in the Lambda envelope).
_CHARACTER_BYTES = 14
# The texts of bounded length a schedule shows, at their longest (labels: their keys and
# values are ASCII letters, digits and -_./ only, with the punctuation of their JSON).
_LABEL_BYTES = MAX_LABEL_KEY + MAX_LABEL_VALUE + FIELD_BYTES
MAX_DETAILS_ANSWER_BYTES = (MAX_NAME + MAX_DESCRIPTION + MAX_PAUSE_NOTE) * _CHARACTER_BYTES + MAX_LABELS * _LABEL_BYTES
# A page holds at least one schedule, however large its payload and details.
PAGE_PAYLOAD_BYTES = max(CONNECTION_PAGE_BYTES, MAX_PAYLOAD_ANSWER_BYTES + MAX_DETAILS_ANSWER_BYTES)

DATA_FIELD_POINTS = 10
DEFAULT_LIST_SIZE = 20  # a list with no size of its own (a validation error's problems)

# The fields that read or write the table (every mutation does too).
_DATA_FIELDS = {
    ("Query", "schedules"),
    ("Query", "schedule"),
    ("Query", "targets"),
    ("Query", "deliveryStats"),
    ("Schedule", "runs"),
}
# A field's argument that sizes its list: the field's own, or its connection's nodes.
_LIST_SIZES = {
    ("Query", "schedules"): "first",
    ("Schedule", "runs"): "first",
    ("Schedule", "nextRuns"): "count",
    ("Query", "previewSchedule"): "count",
}
_PAYLOADS = {("Schedule", "payload")}
# Texts of bounded length, counted with the payloads: a page of ``schedules`` is cut by the
# size of its payloads and these together (``ports.schedule_answer_bytes``).
_TEXTS = {
    ("Schedule", "name"): MAX_NAME * _CHARACTER_BYTES,
    ("Schedule", "description"): MAX_DESCRIPTION * _CHARACTER_BYTES,
    ("Schedule", "pauseNote"): MAX_PAUSE_NOTE * _CHARACTER_BYTES,
    ("Label", "key"): MAX_LABEL_KEY,
    ("Label", "value"): MAX_LABEL_VALUE,
}
# Lists whose size no argument gives, but a rule bounds.
_FIXED_SIZES = {
    ("Schedule", "labels"): MAX_LABELS,
    ("DeliveryStats", "hours"): MAX_HOURS,  # at most a week of hours
    ("Backfill", "runs"): MAX_BACKFILL,
}
_PAGED_BY_SIZE = {("Query", "schedules")}


@dataclass(frozen=True)
class Cost:
    points: int = 0
    field_bytes: int = 0
    payload_bytes: int = 0

    @property
    def answer_bytes(self) -> int:
        return self.field_bytes + self.payload_bytes

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.points + other.points, self.field_bytes + other.field_bytes, self.payload_bytes + other.payload_bytes
        )

    def times(self, count: int) -> Cost:
        return Cost(self.points * count, self.field_bytes * count, self.payload_bytes * count)

    def payloads_at_most(self, cap: int) -> Cost:
        return Cost(self.points, self.field_bytes, min(self.payload_bytes, cap))


def costliest(costs: Iterable[Cost]) -> Cost:
    """At least as much as each of ``costs`` (only one of them is ever paid)."""
    listed = list(costs) or [Cost()]
    return Cost(max(c.points for c in listed), max(c.field_bytes for c in listed), max(c.payload_bytes for c in listed))


def document_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> Cost:
    """The cost of the operation that would run (of the costliest, if that is not clear)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walks = (_Walk(schema, fragments, _variables(schema, op, variables or {})).operation(op) for op in operations)
    return costliest(walks)


def _variables(schema: GraphQLSchema, operation: OperationDefinitionNode, given: dict[str, Any]) -> dict[str, Any]:
    values = dict(given)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            type_ = type_from_ast(schema, definition.type)
            if type_ is not None:
                values[name] = value_from_ast(definition.default_value, type_)  # type: ignore[arg-type]
    return values


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def operation(self, operation: OperationDefinitionNode) -> Cost:
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }[operation.operation]
        if root is None:
            return Cost()
        return self._selections([operation.selection_set], root, inherited_size=None)

    def _selections(
        self, selection_sets: list[SelectionSetNode], type_: GraphQLObjectType, inherited_size: int | None
    ) -> Cost:
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(selection_set, type_, fields, visited)
        total = Cost()
        for nodes in fields.values():
            total += self._field(nodes, type_, inherited_size)
        return total

    def _collect(
        self,
        selection_set: SelectionSetNode,
        type_: GraphQLObjectType,
        fields: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection, type_):
                    self._collect(selection.selection_set, type_, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name not in visited and fragment is not None and self._applies(fragment, type_):
                    visited.add(name)
                    self._collect(fragment.selection_set, type_, fields, visited)

    def _applies(self, fragment: InlineFragmentNode | FragmentDefinitionNode, type_: GraphQLObjectType) -> bool:
        if fragment.type_condition is None:
            return True
        condition = type_from_ast(self.schema, fragment.type_condition)
        if condition is type_:
            return True
        return is_abstract_type(condition) and self.schema.is_sub_type(condition, type_)

    def _field(self, nodes: list[FieldNode], parent: GraphQLObjectType, inherited_size: int | None) -> Cost:
        name = nodes[0].name.value
        if name.startswith("__"):
            # __typename; introspection is bounded by the schema and reads no data.
            return Cost(points=1, field_bytes=FIELD_BYTES) if name == "__typename" else Cost()
        definition = parent.fields.get(name)
        if definition is None:
            return Cost()  # validation refuses it before execution
        key = (parent.name, name)
        data = key in _DATA_FIELDS or parent is self.schema.mutation_type
        own = Cost(
            points=1 + (DATA_FIELD_POINTS if data else 0) + self._list_arguments(definition, nodes[0]),
            field_bytes=FIELD_BYTES,
            payload_bytes=MAX_PAYLOAD_ANSWER_BYTES if key in _PAYLOADS else _TEXTS.get(key, 0),
        )
        size = self._size(definition, nodes[0], _LIST_SIZES.get(key))
        if key in _FIXED_SIZES:
            size = _FIXED_SIZES[key]
        is_list = is_list_type(get_nullable_type(definition.type))
        selection_sets = [node.selection_set for node in nodes if node.selection_set is not None]
        children = Cost()
        if selection_sets:
            named = get_named_type(definition.type)
            members = self.schema.get_possible_types(named) if is_abstract_type(named) else [named]
            passed_on = None if is_list else size
            children = costliest(
                self._selections(selection_sets, member, passed_on) for member in members if is_object_type(member)
            )
        if is_list:
            children = children.times(size if size is not None else inherited_size or DEFAULT_LIST_SIZE)
        if key in _PAGED_BY_SIZE:
            children = children.payloads_at_most(PAGE_PAYLOAD_BYTES)
        return own + children

    def _list_arguments(self, definition: GraphQLField, node: FieldNode) -> int:
        """A point per element of each list given as an argument."""
        points = 0
        for given in node.arguments or ():
            argument = definition.args.get(given.name.value)
            if argument is None or not is_list_type(get_nullable_type(argument.type)):
                continue
            value = value_from_ast(given.value, argument.type, self.variables)
            if isinstance(value, list):
                points += len(value)
        return points

    def _size(self, definition: GraphQLField, node: FieldNode, argument: str | None) -> int | None:
        if argument is None or argument not in definition.args:
            return None
        argument_definition = definition.args[argument]
        value: Any = argument_definition.default_value
        given = next((a for a in node.arguments or () if a.name.value == argument), None)
        if given is not None:
            value = value_from_ast(given.value, argument_definition.type, self.variables)
            if value is Undefined or value is None:  # an unset variable: the argument's default
                value = argument_definition.default_value
        if isinstance(value, bool) or not isinstance(value, int):
            return None  # not a number: execution refuses it
        return max(value, 0)
