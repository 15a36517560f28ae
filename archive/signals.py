"""Signals other parts of the project listen to.

``articles_changed`` is sent after a transaction that created, changed or deleted
articles has committed, once per batch, with ``ids`` (a list of article ids). The
search index listens to it so that it follows the database.
"""

from django.dispatch import Signal

articles_changed = Signal()


def send_after_commit(ids):
    """Send ``articles_changed`` for ``ids`` once the current transaction commits."""
    from django.db import transaction

    from .models import Article

    ids = sorted(set(ids))
    if ids:
        transaction.on_commit(lambda: articles_changed.send(sender=Article, ids=ids))
