"""What brat's reader and writer share: the characters that break a line (a span across them is
stored as one fragment per line)."""
from __future__ import annotations

import re

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RE = re.compile(f"[{re.escape(_LINE_BREAKS)}]")
