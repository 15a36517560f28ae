"""Downloads of a search (CSV, JSON Lines) and its Atom feed."""

urlpatterns = []
