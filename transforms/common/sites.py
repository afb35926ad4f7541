"""URL and site helpers shared by the HTML extraction and the text steps."""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit


def site_of_url(url: Optional[str]) -> str:
    """The host of a URL without a leading `www.`; '' when there is none."""
    try:
        host = urlsplit((url or '').strip()).hostname or ''
    except ValueError:
        return ''
    return host[4:] if host.startswith('www.') else host
