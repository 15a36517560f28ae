"""Keeping the index in step with the database, after commit.

Saves and deletes of articles, and changes to what an article's index document holds
(its mentions, quotes, outlet, the people's names), queue article ids in a
per-transaction set; one ``transaction.on_commit`` callback writes them all in one
batch. A rolled-back transaction writes nothing. Articles created by an import run
(``batch`` set) are left to the importer's ``articles_changed`` signal, sent once per
chunk after commit, so an import writes the index once per chunk, not once per story,
together with the other copies of the chunk's stories (their story cluster may have
changed).
"""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive.models import Alias, Article, Mention, Outlet, Person, Quote
from archive.signals import articles_changed

from . import background, index, names

_local = threading.local()


def _pending() -> set:
    if not hasattr(_local, "ids"):
        _local.ids = set()
    return _local.ids


def flush() -> None:
    """Write the queued ids to the index (run by ``on_commit``)."""
    ids = set(_pending())
    _pending().clear()
    if ids:
        index.update_articles(ids)


def queue(ids) -> None:
    """Index ``ids`` once the current transaction commits (at once outside one)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return
    pending = _pending()
    scheduled = bool(pending)
    pending.update(ids)
    connection = transaction.get_connection()
    # Our callback is still registered unless its transaction was rolled back.
    if (
        scheduled
        and connection.in_atomic_block
        and any(func is flush for _sids, func, _robust in connection.run_on_commit)
    ):
        return
    transaction.on_commit(flush)


@receiver(articles_changed, dispatch_uid="search.articles_changed")
def _articles_changed(sender, ids, copies=None, **kwargs):
    # One write for the announced ids and whatever the same commit queued. A new story
    # filed in the cluster of its copies changes their documents (their cluster) too:
    # the importer lists them (``copies``); for other senders they are looked up.
    queued = set(_pending())
    _pending().clear()
    if copies is None:
        listed, unsure = set(), set(ids) | queued
    else:
        listed, unsure = set(ids) | set(copies), queued
    if background.bulk():
        # (a bulk run rebuilds the whole index when it ends: no copies to look up)
        background.submit(listed | unsure)
        return
    ids = listed | (index.with_copies(unsure) if unsure else set())
    if background.active():
        background.submit(ids)
    else:
        index.update_articles(ids)


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


def _articles_of_person(person_id):
    return Mention.objects.filter(person_id=person_id).values_list("article_id", flat=True)


@receiver(post_save, sender=Person, dispatch_uid="search.person_saved")
def _person_saved(sender, instance, created, raw=False, **kwargs):
    if not (raw or created):
        names.forget()
        queue(_articles_of_person(instance.pk))


@receiver(post_save, sender=Alias, dispatch_uid="search.alias_saved")
@receiver(post_delete, sender=Alias, dispatch_uid="search.alias_deleted")
def _alias_changed(sender, instance, raw=False, **kwargs):
    # Aliases are applied to queries, not written into the documents (search/names.py).
    names.forget()


@receiver(post_save, sender=Outlet, dispatch_uid="search.outlet_saved")
def _outlet_saved(sender, instance, created, raw=False, **kwargs):
    if not (raw or created):
        queue(instance.articles.values_list("id", flat=True))
