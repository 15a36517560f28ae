from django.contrib import admin
from django.urls import include, path, register_converter

from . import feeds, views


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
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article_detail"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("quotes/", views.quote_list, name="quote_list"),
    path("dates/", views.DateIndexView.as_view(), name="dates"),
    path("dates/undated/", views.undated, name="dates_undated"),
    path("dates/<yyyy:year>/", views.DateYearView.as_view(), name="dates_year"),
    path("dates/<yyyy:year>/<dd:month>/", views.DateMonthView.as_view(), name="dates_month"),
    path("dates/<yyyy:year>/<dd:month>/<dd:day>/", views.DateDayView.as_view(), name="dates_day"),
    path("feeds/latest/", feeds.LatestStoriesFeed(), name="feed_latest"),
    path("feeds/outlets/<slug:slug>/", feeds.OutletStoriesFeed(), name="feed_outlet"),
    path("feeds/people/<slug:slug>/", feeds.PersonStoriesFeed(), name="feed_person"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((archive_patterns, "archive"))),
    path("search/", include("search.urls", namespace="search")),
]
