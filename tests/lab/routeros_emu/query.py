# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API query words (``?name=v``, ``?=name=v``, ``?-name``, ``?<``, ``?>``, ``?#`` stack operations)."""

from __future__ import annotations

from .facts import BOOLEAN_VALUES, RouterError


def _same(actual, expected):
    if actual == expected:
        return True
    return actual in ("true", "false") and BOOLEAN_VALUES.get(expected) == actual


def _compare(actual, expected, op):
    try:
        left, right = int(actual, 0), int(expected, 0)
    except (TypeError, ValueError):
        left, right = str(actual), expected
    return left < right if op == "<" else left > right


def _push_word(word, row, stack):
    body = word[1:]
    if body.startswith("#"):
        for op in body[1:]:
            if op.isdigit():
                index = int(op)
                if index >= len(stack):
                    raise RouterError("invalid_value", arg="query")
                stack.append(stack[index])
            elif op == "!":
                stack.append(not stack.pop()) if stack else stack.append(False)
            elif op in "&|":
                if len(stack) < 2:
                    raise RouterError("invalid_value", arg="query")
                right, left = stack.pop(), stack.pop()
                stack.append((left and right) if op == "&" else (left or right))
            elif op == ".":
                stack.append(stack[-1] if stack else True)
            else:
                raise RouterError("invalid_value", arg="query")
        return
    if body.startswith("-"):
        stack.append(body[1:] not in row)
        return
    if body[:1] in "<>":
        name, _equals, value = body[1:].partition("=")
        stack.append(name in row and _compare(row[name], value, body[0]))
        return
    if body.startswith("="):
        body = body[1:]
    if "=" in body:
        name, _equals, value = body.partition("=")
        stack.append(name in row and _same(row[name], value))
    else:
        stack.append(body in row)


def evaluate_queries(queries, row):
    """True when ``row`` passes every query word; all values left on the stack are ANDed."""
    if not queries:
        return True
    stack = []
    for word in queries:
        _push_word(word, row, stack)
    return all(stack)
