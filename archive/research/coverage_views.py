"""Coverage over time of a search, a person or an outlet, and the comparison page."""

urlpatterns = []
