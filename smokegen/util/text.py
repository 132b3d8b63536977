"""Text from the project made safe to show: what a module's exception, output or file name says goes
into terminals, CI logs and XML, none of which may receive it raw."""

from __future__ import annotations

import re

# What :func:`printable` escapes: the C0 controls but tab and newline (NUL, BEL, ESC, a carriage
# return that rewrites the line), DEL and the C1 controls (CSI ``\x9b`` starts a terminal sequence
# too); lone surrogates (from undecodable bytes: no encoder writes them) and U+FFFE/U+FFFF, which
# XML 1.0 does not allow even as character references; the bidirectional overrides and isolates
# that make a line read otherwise than it is (CVE-2021-42574).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that a terminal, a log or XML 1.0 would act on or refuse shown
    as its Python escape (``\\x1b``, ``\\x00``, ``\\udcff``); newlines and tabs are kept."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
