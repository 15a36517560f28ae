"""The Whoosh search backend: the index on local disk and the search engine over it.

Every use of Whoosh's private internals is in ``fastpaths`` (behind its version guard)
and ``build`` (used only when ``fastpaths.ENABLED``).
"""

import sys

from . import fastpaths, schema  # fastpaths patches Whoosh's per-document reader (when enabled)

# An index written before the engine was a package of its own names its analyser and
# positions format ``search.schema.FoldingStemmer`` / ``FastPositions`` (Whoosh pickles the
# schema in the index): under that name they are still found, and the index opens.
sys.modules.setdefault("search.schema", schema)

__all__ = ["fastpaths", "schema"]
