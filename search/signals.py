"""Keeping the search backend in step with the database, after commit.

Saves and deletes of articles, and changes to what an article's index document holds
(its mentions, quotes, outlet, the people's names), queue article ids in a
per-transaction set; one ``transaction.on_commit`` callback hands them all to the backend
in one batch (``SearchBackend.changed``). A rolled-back transaction hands over nothing.
Articles created by an import run (``batch`` set) are left to the importer's
``articles_changed`` signal, sent once per chunk after commit, so an import writes the
index once per chunk, not once per story, together with the other copies of the chunk's
stories (their story cluster may have changed).
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import names, source
from .backends import get_backend

_local = threading.local()


def _pending() -> set:
    if not hasattr(_local, "ids"):
        _local.ids = set()
    return _local.ids


def queued() -> set:
    """The article ids queued in this thread for the next commit (a copy)."""
    return set(_pending())


def flush() -> None:
    """Hand the queued ids to the backend (run by ``on_commit``)."""
    ids = set(_pending())
    _pending().clear()
    if ids:
        get_backend().changed(ids)


def queue(ids) -> None:
    """Index ``ids`` once the current transaction commits (at once outside one)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return
    pending = _pending()
    connection = transaction.get_connection()
    # Our callback is still registered unless its transaction was rolled back; ids left
    # from a rolled-back transaction are not owed to the index (its changes never were).
    # With nothing pending, a callback still listed has run already (a test's
    # captureOnCommitCallbacks runs callbacks without a commit): register another.
    if (
        connection.in_atomic_block
        and pending
        and any(func is flush for _sids, func, _robust in connection.run_on_commit)
    ):
        pending.update(ids)
        return
    pending.clear()
    pending.update(ids)
    transaction.on_commit(flush)


@receiver(source.articles_changed_signal(), dispatch_uid="search.articles_changed")
def _articles_changed(sender, ids, copies=None, **kwargs):
    # One write for the announced ids and whatever the same commit queued. A new story
    # filed in the cluster of its copies changes their documents (their cluster) too:
    # the importer lists them (``copies``); for other senders they are looked up.
    queued_ids = set(_pending())
    _pending().clear()
    if copies is None:
        listed, unsure = set(), set(ids) | queued_ids
    else:
        listed, unsure = set(ids) | set(copies), queued_ids
    get_backend().changed(listed | (source.with_copies(unsure) if unsure else set()))


Article, Mention, Quote = source.model("Article"), source.model("Mention"), source.model("Quote")
Person, Alias, Outlet = source.model("Person"), source.model("Alias"), source.model("Outlet")


@receiver(post_save, sender=Article, dispatch_uid="search.article_saved")
def _article_saved(sender, instance, created, raw=False, **kwargs):
    if raw or (created and instance.batch_id):
        return  # fixtures load; an import run announces its articles per chunk
    queue([instance.pk])


@receiver(post_delete, sender=Article, dispatch_uid="search.article_deleted")
def _article_deleted(sender, instance, **kwargs):
    queue([instance.pk])


@receiver(post_save, sender=Mention, dispatch_uid="search.mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="search.mention_deleted")
@receiver(post_save, sender=Quote, dispatch_uid="search.quote_saved")
@receiver(post_delete, sender=Quote, dispatch_uid="search.quote_deleted")
def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        queue([instance.article_id])


@receiver(post_save, sender=Person, dispatch_uid="search.person_saved")
def _person_saved(sender, instance, created, raw=False, **kwargs):
    if not (raw or created):
        names.forget()
        queue(source.articles_of_person(instance.pk))


@receiver(post_save, sender=Alias, dispatch_uid="search.alias_saved")
@receiver(post_delete, sender=Alias, dispatch_uid="search.alias_deleted")
def _alias_changed(sender, instance, raw=False, **kwargs):
    # Aliases are applied to queries, not written into the documents (search/names.py).
    names.forget()


@receiver(post_save, sender=Outlet, dispatch_uid="search.outlet_saved")
def _outlet_saved(sender, instance, created, raw=False, **kwargs):
    if not (raw or created):
        queue(source.articles_of_outlet(instance))
