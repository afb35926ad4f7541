"""Calendar helpers shared by the HTML extraction and the header split."""
from __future__ import annotations

import datetime
from typing import Optional

# English month names and their abbreviations, lower case, to month numbers;
# every month's first three letters are a key.
MONTH_NUMBERS = {
    'jan': 1, 'january': 1, 'feb': 2, 'february': 2, 'mar': 3, 'march': 3,
    'apr': 4, 'april': 4, 'may': 5, 'jun': 6, 'june': 6, 'jul': 7, 'july': 7,
    'aug': 8, 'august': 8, 'sep': 9, 'sept': 9, 'september': 9, 'oct': 10,
    'october': 10, 'nov': 11, 'november': 11, 'dec': 12, 'december': 12,
}


def calendar_date(year, month, day, *, min_year: int = datetime.MINYEAR,
                  not_after: Optional[datetime.date] = None) -> Optional[datetime.date]:
    """The date of three numbers (or digit strings); None when they name no
    day (31 June, month 13), or a day before `min_year` or after `not_after`."""
    try:
        date = datetime.date(int(year), int(month), int(day))
    except (ValueError, TypeError, OverflowError):
        return None
    if date.year < min_year or (not_after is not None and date > not_after):
        return None
    return date
