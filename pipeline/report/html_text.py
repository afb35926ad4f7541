"""Values written into the report page: escaped, numbers formatted."""
from __future__ import annotations

import html
from typing import Optional


def escape(value) -> str:
    """Every value from the data goes through here: article text is hostile."""
    return html.escape('' if value is None else str(value), quote=True)


def format_number(n) -> str:
    """A number for the page (HTML-safe whatever it is given)."""
    if n is None:
        return '–'
    if isinstance(n, bool) or not isinstance(n, (int, float)):
        return escape(n)
    if isinstance(n, float):
        return f'{n:,.4g}' if abs(n) < 1000 else f'{n:,.0f}'
    return f'{n:,}'


def plural(n: int, one: str, many: Optional[str] = None) -> str:
    return f'{format_number(n)} {one if n == 1 else (many or one + "s")}'
