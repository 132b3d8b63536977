"""Big constant literals blanked before LibCST parses a file.

The usual huge module is generated data: one dict or list of a few megabytes. LibCST builds about
650 bytes of Python objects per byte of such source (a 5 MB data module: 3.2 GB and 40 s), yet a
literal made only of constants holds nothing the scanner reads: no import, no name, no class, no
attribute use. So the value of a module-level assignment of such a literal (except ``__all__``,
whose strings are read) is blanked in place: every character but line breaks becomes a space
between a pair of parentheses, an empty tuple over the same lines and columns, and every position
LibCST reports after it is unchanged. The interpreter's AST, which the guard
(:mod:`smokegen.scan.guard`) has built anyway, says which literals qualify.
"""

from __future__ import annotations

import ast
import re

BLANK_FROM = 16 * 1024  # characters: a smaller literal costs LibCST little
_CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set)
_SIGNS = (ast.USub, ast.UAdd)
_NOT_A_LINE_BREAK = re.compile(r"[^\r\n]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as the interpreter counts lines


def _constant(node: ast.expr) -> bool:
    """True for a display of constants only: nested dicts, lists, tuples, sets, signed numbers."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is ast.Constant:
            continue
        if isinstance(current, ast.Dict):
            if any(key is None for key in current.keys):  # ``**mapping``
                return False
            stack.extend(key for key in current.keys if key is not None)
            stack.extend(current.values)
        elif isinstance(current, (ast.List, ast.Tuple, ast.Set)):
            stack.extend(current.elts)
        elif isinstance(current, ast.UnaryOp) and isinstance(current.op, _SIGNS):
            stack.append(current.operand)
        else:
            return False
    return True


def _binds_all(target: ast.expr) -> bool:
    return any(isinstance(node, ast.Name) and node.id == "__all__" for node in ast.walk(target))


class _Offsets:
    """(line, UTF-8 column) as the AST gives them -> index into the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def index(self, line: int, column: int) -> int:
        start = self.starts[line - 1]
        if column == 0:
            return start
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        head = self.text[start:end]
        if not head.isascii():
            head = head.encode("utf-8")[:column].decode("utf-8", "replace")
            column = len(head)
        return start + column


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def blank_constant_literals(text: str, tree: ast.Module) -> str:
    """``text`` with the value of each big module-level constant literal assignment blanked."""
    if len(text) < BLANK_FROM:
        return text
    offsets: _Offsets | None = None
    spans: list[tuple[int, int]] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        if not isinstance(value, _CONTAINERS) or value.end_lineno is None or value.end_col_offset is None:
            continue
        if value.end_lineno == value.lineno and value.end_col_offset - value.col_offset < BLANK_FROM:
            continue  # cheap rejection of the many one-line literals
        offsets = offsets or _Offsets(text)
        start = offsets.index(value.lineno, value.col_offset)
        end = offsets.index(value.end_lineno, value.end_col_offset)
        if end - start < BLANK_FROM or any(_binds_all(t) for t in targets) or not _constant(value):
            continue
        spans.append((start, end))
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        inside = _NOT_A_LINE_BREAK.sub(_spaces, text[start + 1 : end - 1])
        parts += (text[last:start], "(", inside, ")")
        last = end
    parts.append(text[last:])
    return "".join(parts)
