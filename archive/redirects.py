"""Where an old person or outlet URL lives now, after a merge or a rename.

The reader pages call ``redirect_for`` when a person or outlet slug is not found, and
redirect permanently to the new slug when there is one.
"""

from .models import SlugRedirect

KINDS = ("person", "outlet")
MAX_HOPS = 10  # merges collapse chains; this only guards against a hand-made loop


def redirect_for(kind: str, slug: str) -> str | None:
    """The slug that ``slug`` of ``kind`` ("person" or "outlet") now redirects to, or None."""
    if kind not in KINDS:
        raise ValueError(f"Unknown redirect kind: {kind!r} (expected one of {', '.join(KINDS)})")
    seen = {slug}
    current = None
    for _ in range(MAX_HOPS):
        target = (
            SlugRedirect.objects.filter(kind=kind, old_slug=current or slug)
            .values_list("new_slug", flat=True)
            .first()
        )
        if target is None or target in seen:
            break
        seen.add(target)
        current = target
    return current
