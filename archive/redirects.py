"""Where an old person or outlet URL lives now, after a merge or a rename.

The reader pages and the feeds call ``redirect_for`` when a person or outlet slug is not
found, and redirect permanently to the new slug when there is one. A merge records its
redirects (``archive.curation``); a person or outlet whose slug changes (in the admin or
anywhere else it is saved) records one here, and every older redirect that led to the old
slug is pointed at the new one, so a URL from before a merge still arrives after a rename.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Outlet, Person, SlugRedirect

KINDS = ("person", "outlet")
MAX_HOPS = 10  # merges collapse chains; this only guards against a hand-made loop
KIND_OF = {Person: "person", Outlet: "outlet"}


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


def renamed(kind: str, old_slug: str, new_slug: str) -> None:
    """Record that ``old_slug`` of ``kind`` is now ``new_slug``: the old URL and every URL
    that redirected to it lead to the new one; a redirect from ``new_slug`` (it lives
    again) is dropped."""
    if not old_slug or old_slug == new_slug:
        return
    SlugRedirect.objects.filter(kind=kind, new_slug=old_slug).update(new_slug=new_slug)
    SlugRedirect.objects.filter(kind=kind, old_slug=new_slug).delete()
    SlugRedirect.objects.update_or_create(
        kind=kind, old_slug=old_slug, defaults={"new_slug": new_slug}
    )


@receiver(pre_save, sender=Person, dispatch_uid="archive.redirects.person_pre")
@receiver(pre_save, sender=Outlet, dispatch_uid="archive.redirects.outlet_pre")
def _remember_slug(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._slug_before_save = None
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and "slug" not in update_fields:
        return
    instance._slug_before_save = (
        sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


@receiver(post_save, sender=Person, dispatch_uid="archive.redirects.person_post")
@receiver(post_save, sender=Outlet, dispatch_uid="archive.redirects.outlet_post")
def _record_rename(sender, instance, created=False, raw=False, **kwargs):
    old = getattr(instance, "_slug_before_save", None)
    instance._slug_before_save = None
    if not created and not raw and old:
        renamed(KIND_OF[sender], old, instance.slug)
