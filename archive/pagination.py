"""Pages of long lists for the reader pages: a bad page number is a 404, and a list whose
size is already known is not counted again."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404

from .models import Article

PAGE_SIZE = 20


class CountedPaginator(Paginator):
    """A paginator told the size of its list (known from a counter or an aggregate the page
    needs anyway) instead of running ``COUNT(*)`` over it."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


class NewestFirst:
    """Published stories newest first, undated ones last, as a sliceable list of known size.

    ``keys`` is what the order is read from: rows with a ``published`` date and the story id
    in ``key`` (the stories themselves, or a person's mentions, which copy the date). The
    dated and the undated rows are read apart, each in the order of an index ((…, published,
    id) and id), so a page never sorts the whole set. The page's ids are picked from that
    index and the stories read by primary key alone in the same query (another filter there
    can lead SQLite's planner to scan an index instead); a story found no longer published
    is left out. One query a page, two for the page where the dated stories end.
    """

    def __init__(self, keys, dated, undated, *, key="id"):
        self.keys, self.key, self.dated, self.total = keys, key, dated, dated + undated

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("NewestFirst supports plain slices only")
        start = item.start or 0
        stop = self.total if item.stop is None else min(item.stop, self.total)
        rows = []
        if start < min(stop, self.dated):
            rows += self._rows(True, start, min(stop, self.dated))
        if stop > self.dated:
            rows += self._rows(False, max(start - self.dated, 0), stop - self.dated)
        return rows

    def _rows(self, dated, start, stop):
        if dated:
            order, story_order = ("-published", f"-{self.key}"), ("-published", "-id")
        else:
            order, story_order = (f"-{self.key}",), ("-id",)
        keys = self.keys.filter(published__isnull=not dated).order_by(*order)
        ids = keys.values(self.key)[start:stop]
        stories = Article.objects.filter(pk__in=ids).for_list().order_by(*story_order)
        return [a for a in stories if a.status == Article.Status.PUBLISHED]


def paginate(request, queryset, per_page=PAGE_SIZE, *, count=None):
    """The requested page of ``queryset``; a bad or out-of-range page number is a 404.

    With ``count`` the paginator uses it instead of counting the rows.
    """
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CountedPaginator(queryset, per_page, count)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page") from exc
