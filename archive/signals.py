"""Signals other parts of the project listen to.

``articles_changed`` is sent after a transaction that created, changed or deleted
articles has committed, once per batch, with ``ids`` (a list of article ids) and
``created``: True when the batch only added new articles whose mentions and quotes were
saved with their story's fields (date, state, outlet) and whose people's counts were
raised in the same transaction (the importer's chunks). ``copies``, when not None, lists
every other article whose story cluster the batch changed (the importer files new
stories with their copies): listeners need not look for them. The search index and the
counters listen to it so that they follow the database.
"""

from django.db import transaction
from django.dispatch import Signal

from .models import Article

articles_changed = Signal()


def send_after_commit(ids, *, created: bool = False, copies=None):
    """Send ``articles_changed`` for ``ids`` once the current transaction commits.

    ``ids`` (and ``copies``) are read at commit time, so a caller may pass lists it fills
    during the transaction (registering first lets listeners handle one batch for the
    whole commit).
    """

    def send():
        changed = sorted(set(ids))
        moved = None if copies is None else sorted(set(copies) - set(changed))
        if changed or moved:
            articles_changed.send(sender=Article, ids=changed, created=created, copies=moved)

    transaction.on_commit(send)
