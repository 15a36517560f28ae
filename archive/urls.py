from django.contrib import admin
from django.urls import include, path

from . import views

app_name = "archive"

archive_patterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article_detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((archive_patterns, "archive"))),
    path("search/", include("search.urls", namespace="search")),
]
