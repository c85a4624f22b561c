"""What people call a schedule and how they group it: its ``name``, ``description`` and
``labels``, with the rules each must follow, and the filters that find schedules by them.

Labels follow Kubernetes' label syntax, so that the keys and values people already use
there work here unchanged: a key is an optional DNS-subdomain prefix and a slash, then a
name of up to 63 characters; a value is up to 63 characters, possibly empty. (Written from
Kubernetes' own rules, apimachinery's ``IsQualifiedName`` and ``IsValidLabelValue``: no
maintained Python package checks them.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.errors import FieldProblem, ValidationFailed, quoted

MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_PAUSE_NOTE = 500
MAX_LABELS = 20
MAX_LABEL_KEY = 253 + 1 + 63  # a prefix, a slash, a name
MAX_LABEL_VALUE = 63
Labels = tuple[tuple[str, str], ...]  # (key, value) pairs, sorted by key: hashable, ordered

_LABEL_NAME = re.compile(r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
KEY_SYNTAX = (
    "a label key is a name of up to 63 letters, digits, '-', '_' or '.' that begins and ends with a letter "
    "or digit, optionally after a DNS-subdomain prefix and '/' (for example 'team' or 'example.com/tier')"
)
VALUE_SYNTAX = (
    "a label value is empty, or up to 63 letters, digits, '-', '_' or '.' that begin and end with a letter or digit"
)


@dataclass(frozen=True)
class About:
    """A valid name, description and labels (each may be absent)."""

    name: str | None = None
    description: str | None = None
    labels: Labels = ()


def check_about(
    name: str | None, description: str | None, labels: Sequence[tuple[str, str]] | None
) -> tuple[About, list[FieldProblem]]:
    """The valid ``About``, and every problem found (nothing is valid while any is left)."""
    problems: list[FieldProblem] = []
    if name is not None:
        problems += _text_problems("name", name, 1, MAX_NAME)
    if description is not None:
        problems += _text_problems("description", description, 0, MAX_DESCRIPTION, allow_lines=True)
    pairs = list(labels or ())
    if len(pairs) > MAX_LABELS:
        problems.append(FieldProblem("labels", f"has {len(pairs)} labels; the limit is {MAX_LABELS}"))
    seen: set[str] = set()
    for key, value in pairs:
        problems += label_problems(key, value, "labels")
        if key in seen:
            problems.append(FieldProblem(f"labels.{_shown(key)}", "is given more than once"))
        seen.add(key)
    about = About(name=name, description=description or None, labels=tuple(sorted(pairs)))
    return about, problems


def check_pause_note(note: str) -> str:
    problems = _text_problems("note", note, 1, MAX_PAUSE_NOTE, allow_lines=True)
    if problems:
        raise ValidationFailed(problems)
    return note


def label_problems(key: str, value: str, field: str) -> list[FieldProblem]:
    problems = []
    if not _is_label_key(key):
        problems.append(FieldProblem(field, f"{quoted(key)} is not a label key: {KEY_SYNTAX}"))
    elif not (value == "" or _LABEL_NAME.fullmatch(value)):
        problems.append(FieldProblem(f"{field}.{key}", f"{quoted(value)} is not a label value: {VALUE_SYNTAX}"))
    return problems


def parse_label_filter(text: str, field: str = "label") -> tuple[str, str]:
    """A ``key=value`` filter, as ``?label=`` takes it."""
    key, sep, value = text.partition("=")
    if not sep:
        raise ValidationFailed.single(field, f"{quoted(text)} is not key=value (for example 'team=payments')")
    problems = label_problems(key, value, field)
    if problems:
        raise ValidationFailed(problems)
    return key, value


def check_label_filters(labels: Sequence[tuple[str, str]], field: str) -> Labels:
    """Label filters: each valid, at most ``MAX_LABELS`` (a schedule has no more to match)."""
    if len(labels) > MAX_LABELS:
        raise ValidationFailed.single(field, f"has {len(labels)} labels; at most {MAX_LABELS} can be matched")
    problems = [p for key, value in labels for p in label_problems(key, value, field)]
    if problems:
        raise ValidationFailed(problems)
    return tuple(dict.fromkeys(labels))


def check_name_prefix(prefix: str, field: str) -> str:
    if not 1 <= len(prefix) <= MAX_NAME:
        raise ValidationFailed.single(field, f"must be 1 to {MAX_NAME} characters, got {len(prefix)}")
    return prefix


def name_key(text: str) -> str:
    """How names are compared and sorted: case and Unicode forms do not count, so the
    prefix 'cool' finds 'Cool stuff' and 'straße' finds 'STRASSE'."""
    return unicodedata.normalize("NFKC", text).casefold()


def _is_label_key(key: str) -> bool:
    prefix, slash, name = key.rpartition("/")
    if slash and not (0 < len(prefix) <= 253 and _DNS_SUBDOMAIN.fullmatch(prefix)):
        return False
    return bool(_LABEL_NAME.fullmatch(name))


def _text_problems(field: str, text: str, low: int, high: int, allow_lines: bool = False) -> list[FieldProblem]:
    if not low <= len(text) <= high:
        return [FieldProblem(field, f"must be {low} to {high} characters, got {len(text)}")]
    allowed = "\n\t" if allow_lines else ""
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cs") and char not in allowed:
            return [FieldProblem(field, f"contains the control character U+{ord(char):04X} at position {index}")]
    return []


def _shown(key: str) -> str:
    return key if len(key) <= 100 else key[:100] + "…"
