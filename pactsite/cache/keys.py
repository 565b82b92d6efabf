"""What names a cached value: the cache's folder, and the digest of what the value depends on.

Light to import (the command line's quick look at the last build needs it), and the one
hash of the cache: keys, page and body hashes, changed input files.
"""

from __future__ import annotations

import hashlib

CACHE_DIR = ".pactsite-cache"
"""The build cache folder in the site folder."""
LINKS_FILE = "links.json"
"""What the last `check --external` found, in the build cache folder (`cache.weblinks`)."""


def digest(*parts: str | bytes) -> str:
    """A hex BLAKE2b (128 bits) over the parts, each length-prefixed so none run together."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()
