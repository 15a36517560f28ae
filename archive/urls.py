from django.contrib import admin
from django.urls import include, path, register_converter

from . import feeds, views
from .pagecache import cached_page


class FourDigitYear:
    """A year in a URL: exactly four digits, passed on as a string (the date views parse it)."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    """A month or day in a URL: exactly two digits (``02``), passed on as a string."""

    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "dd")

app_name = "archive"

archive_patterns = [
    path("", cached_page(views.home), name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path(
        "articles/<int:pk>/<slug:slug>/", cached_page(views.article_detail), name="article_detail"
    ),
    path("outlets/", cached_page(views.outlet_list), name="outlet_list"),
    path("unknown-outlet/", cached_page(views.outlet_unknown), name="outlet_unknown"),
    path("outlets/<slug:slug>/", cached_page(views.outlet_detail), name="outlet_detail"),
    path("people/", cached_page(views.person_list), name="person_list"),
    path("people/<slug:slug>/", cached_page(views.person_detail), name="person_detail"),
    path("quotes/", cached_page(views.quote_list), name="quote_list"),
    path("dates/", cached_page(views.DateIndexView.as_view()), name="dates"),
    path("dates/undated/", cached_page(views.undated), name="dates_undated"),
    path("dates/<yyyy:year>/", cached_page(views.DateYearView.as_view()), name="dates_year"),
    path(
        "dates/<yyyy:year>/<dd:month>/",
        cached_page(views.DateMonthView.as_view()),
        name="dates_month",
    ),
    path(
        "dates/<yyyy:year>/<dd:month>/<dd:day>/",
        cached_page(views.DateDayView.as_view()),
        name="dates_day",
    ),
    path("feeds/latest/", cached_page(feeds.LatestStoriesFeed()), name="feed_latest"),
    path("feeds/outlets/<slug:slug>/", cached_page(feeds.OutletStoriesFeed()), name="feed_outlet"),
    path("feeds/people/<slug:slug>/", cached_page(feeds.PersonStoriesFeed()), name="feed_person"),
]

handler400 = views.bad_request  # says why a request could not be read (too many files ...)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("archive.api.urls", namespace="api")),
    path("", include((archive_patterns, "archive"))),
    path("", include("archive.research.urls", namespace="research")),
    path("search/", include("search.urls", namespace="search")),
]
