"""The API against its own OpenAPI document, with schemathesis: generated requests to
every operation, through the WSGI application, over the seed stories. No answer may be a
server error, nor fall outside what the document declares (status, content type,
headers, body). Deterministic (derandomized) and small, so it runs in seconds."""

import hypothesis
import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from archive.models import Article, Outlet, Person

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app(settings, own_throttle_counts):
    """The site as a WSGI application inside the test's transaction: Django closes the
    connection at the end of a request, which would end the transaction (the test client
    avoids it the same way)."""
    settings.ARCHIVE_API_ANON_RATE = "100000/min"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_values():
    """Values that name something in the archive, or that are valid, for the parameters
    a generated value would almost always make a 400 or a 404 of (a random slug, date or
    cursor): the generated requests then reach the records as well as the errors."""
    outlets = list(Outlet.objects.values_list("slug", flat=True))
    people = list(Person.objects.filter(mention_count__gt=0).values_list("slug", flat=True))
    return {
        ("query", "outlet"): outlets,
        ("query", "person"): people,
        ("query", "speaker"): people,
        ("query", "from"): ["2022", "2022-02", "2021-12-31"],
        ("query", "to"): ["2022", "2022-02-08"],
        ("query", "cursor"): [],
        ("query", "q"): ["macron", "putin -nato", '"security demands"', "ukrain*"],
        ("path", "article_id"): list(Article.objects.values_list("id", flat=True)),
        ("path", "slug"): outlets + people,
    }


def steer(case, data, values):
    """Each of ``values``' parameters in ``case`` kept, dropped or replaced by a real value."""
    for (where, name), choices in values.items():
        container = case.query if where == "query" else case.path_parameters
        if not container or name not in container:
            continue
        choice = data.draw(st.sampled_from(["keep", "drop", *choices]), label=name)
        if choice == "drop" and where == "query":
            del container[name]
        elif choice not in ("keep", "drop"):
            container[name] = [choice] if isinstance(container[name], list) else choice


def test_every_operation_keeps_to_its_schema(seeded, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(op.label for op in operations) == [
        "GET /api/articles/",
        "GET /api/articles/{article_id}/",
        "GET /api/coverage/",
        "GET /api/outlets/",
        "GET /api/outlets/{slug}/",
        "GET /api/people/",
        "GET /api/people/{slug}/",
        "GET /api/quotes/",
        "GET /api/search/",
    ]
    statuses = {}
    values = real_values()

    def run(operation):
        @hypothesis.given(case=operation.as_strategy(), data=st.data())
        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def check(case, data):
            steer(case, data, values)
            response = case.call_and_validate(checks=CHECKS)
            statuses.setdefault(operation.label, set()).add(response.status_code)

        check()

    for operation in operations:
        run(operation)
    # The generated requests reached both the records and the errors of every operation.
    assert {label: 200 in codes for label, codes in statuses.items()} == {
        op.label: True for op in operations
    }
    assert all(codes - {200} for codes in statuses.values())


def test_known_records_keep_to_the_schema(seeded, wsgi_app):
    """The detail operations with ids and slugs that exist (generated ones rarely do)."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    person = Person.objects.filter(mention_count__gt=0).order_by("name").first()
    article_id = Article.objects.published().order_by("id").first().pk
    cases = [
        ("GET /api/people/{slug}/", {"slug": person.slug}),
        ("GET /api/articles/{article_id}/", {"article_id": article_id}),
    ]
    for label, path in cases:
        operation = schema.find_operation_by_label(label)
        case = schema.make_case(operation=operation, path_parameters=path)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (label, response.text)
