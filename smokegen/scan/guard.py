"""What the interpreter refuses, found before LibCST sees a file.

LibCST's native parser recurses on the thread's stack once per level of nesting and has no limit
of its own: 2,000 nested parentheses overflow an 8 MB stack and kill the process (SIGSEGV), where
CPython stops at 200 nested brackets (its tokenizer), 100 levels of indentation and a few thousand
levels of nested expressions (its parser and AST). So every file is first parsed with the
interpreter's own parser (``compile(..., PyCF_ONLY_AST)``: about a twentieth of a scan):

- a file it accepts is nested no deeper than the interpreter allows, which LibCST's parse, run on a
  large stack (:mod:`smokegen.util.deepstack`), handles;
- nesting past the interpreter's limits is SG001 at its line, and LibCST never sees the file;
- any other syntax error may be syntax newer than this interpreter (the project may run a newer
  Python, whose grammar LibCST knows), so that file still goes to LibCST, and the error is reported
  only if LibCST rejects the file too; but first a token scan bounds its nesting, since the
  interpreter's parser stopped at the first error and vouches for nothing after it.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from smokegen.model import FailureReason

# The interpreter's own messages for what no Python accepts: nesting past its tokenizer's limits,
# the same on every supported version, and null bytes (a SyntaxError since 3.11.4, a ValueError before).
_FINAL_ERRORS = frozenset(
    {"too many nested parentheses", "too many levels of indentation", "source code string cannot contain null bytes"}
)
MAX_BRACKETS = 200  # CPython's tokenizer (MAXLEVEL)
_DEFAULT_RECURSION_LIMIT = 1000
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
_NOT_A_START = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})
# In a file the interpreter rejects for another reason, LibCST parses it only if no statement has
# more tokens than this: a statement's nesting cannot exceed its token count, and LibCST's parser
# takes at most about 7 KB of stack per level (1,132 nested f-strings, the costliest shape measured,
# overflow 8 MB), so 40,000 levels fit the deep stack (512 MB) with room to spare.
MAX_TOKENS_UNCHECKED = 40_000


@contextmanager
def _default_recursion_limit() -> Iterator[None]:
    """CPython's default recursion limit, which its parser heeds up to 3.11 (an AST may be three times
    as deep): the limit of the interpreter that imports the project's code, whatever this process's
    is (mypy raises it to 16,384, the deep stack to 200,000)."""
    previous = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(_DEFAULT_RECURSION_LIMIT)
    except RecursionError:  # already deeper than that: parse under the current limit
        previous = 0
    try:
        yield
    finally:
        if previous:
            sys.setrecursionlimit(previous)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the file is not handed to LibCST (``final``), or the interpreter's error to report if
    LibCST rejects the file too."""

    reason: FailureReason
    message: str
    line: int
    column: int
    final: bool = True


def interpreter_parse(text: str, path: str) -> ast.Module | Refusal:
    """The file's AST as the running interpreter parses it, or why it refuses the file."""
    try:
        with warnings.catch_warnings(), _default_recursion_limit():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes and the like
            tree = compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:  # IndentationError and TabError included
        refusal = Refusal(
            FailureReason.SYNTAX,
            error.msg,
            error.lineno or 1,
            error.offset or 1,
            final=error.msg in _FINAL_ERRORS,
        )
        return refusal if refusal.final else _bounded(text, refusal)
    except RecursionError:
        return _too_deep(text, "maximum recursion depth exceeded")
    except MemoryError:  # "parser stack overflowed" (empty on 3.11), or a file too big for memory
        return _too_deep(text, "the parser ran out of stack or memory")
    except ValueError as error:  # null bytes and the like
        return Refusal(FailureReason.SYNTAX, str(error), 1, 1)
    assert isinstance(tree, ast.Module)
    return tree


def _too_deep(text: str, detail: str) -> Refusal:
    line = _scan_tokens(text).busiest_line
    return Refusal(
        FailureReason.SYNTAX,
        f"nested too deeply for the interpreter to compile ({detail}); split the expression",
        line,
        1,
    )


@dataclass(slots=True)
class _Tokens:
    deepest: tuple[int, int] | None = None  # where brackets first nest past MAX_BRACKETS
    busiest_line: int = 1  # where the statement with the most tokens starts
    most_tokens: int = 0
    broken: bool = False  # the tokenizer itself gave up


def _scan_tokens(text: str) -> _Tokens:
    """Bracket depth and tokens per statement, by the standard tokenizer (only for files the
    interpreter refused: a rare path)."""
    found = _Tokens()
    depth = 0
    count = 0
    start = 1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if count == 0:
                if token.type in _NOT_A_START:
                    continue
                start = token.start[0]
            count += 1
            if token.type == tokenize.OP:
                if token.string in _OPENING:
                    depth += 1
                    if depth > MAX_BRACKETS and found.deepest is None:
                        found.deepest = (token.start[0], token.start[1] + 1)
                        break
                elif token.string in _CLOSING:
                    depth = max(0, depth - 1)
            elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if count > found.most_tokens:
                    found.most_tokens, found.busiest_line = count, start
                count = 0
    except (tokenize.TokenError, SyntaxError):  # IndentationError; on 3.12+ any tokenizer error
        found.broken = True
    if count > found.most_tokens:
        found.most_tokens, found.busiest_line = count, start
    return found


def _bounded(text: str, error: Refusal) -> Refusal:
    """``error`` made final unless a token scan shows LibCST can safely parse the file."""
    tokens = _scan_tokens(text)
    if tokens.deepest is not None:
        line, column = tokens.deepest
        return Refusal(FailureReason.SYNTAX, "too many nested parentheses", line, column)
    if tokens.broken or tokens.most_tokens > MAX_TOKENS_UNCHECKED:
        return replace(error, final=True)  # the interpreter's error stands: too big to hand LibCST unchecked
    return error
