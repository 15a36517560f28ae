from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import checks, signals  # noqa: F401  (the backend's check; index follows database)
