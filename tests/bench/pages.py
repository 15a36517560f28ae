"""Reader-page timings on a large archive: ``python -m tests.bench.pages --n 100000``.

Fills the configured database (use a scratch one: ``DATABASE_URL=...``) with ``n`` generated
published stories over 40 outlets and 2,000 people (5 mentions, 3 quotes each), then
requests the article, outlet, person, day and other pages and prints p50/p95 wall time, p95
CPU time of this process (the Python side, steadier than wall time on a busy machine; with
SQLite it includes the database work) and SQL queries per request. ``(cold)`` pages are
timed with the cache emptied before each request.
"""

import argparse
import datetime
import os
import random
import statistics
import time

import django


def fill(n):
    from archive.models import Article, Mention, Outlet, Person, Quote
    from archive.stats import refresh_counts

    if Article.objects.count() >= n:
        return
    rnd = random.Random(1)
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Bench Outlet {i}", slug=f"bench-outlet-{i}") for i in range(40)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Bench Person {i}", slug=f"bench-person-{i}") for i in range(2000)
    )
    start = datetime.date(2005, 1, 1)
    for chunk in range(0, n, 5000):
        articles = Article.objects.bulk_create(
            Article(
                title=f"Bench story {i}",
                slug=f"bench-story-{i}",
                outlet=outlets[i % 40],
                published=start + datetime.timedelta(days=rnd.randrange(6500)) if i % 50 else None,
                body="\n\n".join(f"Paragraph {p} of story {i}." for p in range(12)),
                raw="x" * 4000,
                content_hash=f"bench-{i}",
                status="published",
            )
            for i in range(chunk, min(n, chunk + 5000))
        )
        mentions, quotes = [], []
        for a in articles:
            who = rnd.sample(people[:200], 2) + rnd.sample(people[200:], 3)
            mentions += [Mention(article=a, person=p, count=2) for p in who]
            quotes += [
                Quote(article=a, speaker=who[q], text=f"Quote {q}", paragraph=q, position=q)
                for q in range(3)
            ]
        Mention.objects.bulk_create(mentions)
        Quote.objects.bulk_create(quotes)
        print(f"  {chunk + len(articles)} stories", flush=True)
    refresh_counts()  # what the importer's articles_changed signal does; bulk_create sends none


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from archive.models import Article

    call_command("migrate", verbosity=0)
    fill(args.n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics and visibility map after the bulk load, as autovacuum leaves them in
            # production (index-only scans need the visibility map).
            cursor.execute("VACUUM ANALYZE")
    busy = Article.objects.filter(published__isnull=False).order_by("-published").first()
    day = busy.published
    pages = {
        "healthz (ceiling)": "/healthz/",
        "article": busy.get_absolute_url(),
        "outlet": "/outlets/bench-outlet-3/",
        "person (frequent)": "/people/bench-person-7/",
        "person (rare)": "/people/bench-person-1500/",
        "day": f"/dates/{day:%Y/%m/%d}/",
        "month": f"/dates/{day:%Y/%m}/",
        "home (cached)": "/",
        "home (cold)": "/",
        "outlets": "/outlets/",
        "people": "/people/",
        "quotes": "/quotes/",
        "dates": "/dates/",
    }
    client = Client(HTTP_HOST="localhost")
    print(f"{'page':20} {'p50':>8} {'p95':>8} {'cpu p95':>8}  queries")
    for name, url in pages.items():
        cold = name.endswith("(cold)")
        client.get(url)  # warm up connections (and, unless cold, the cache)
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        n_queries = len(queries)  # read now: the next request clears the query log
        times, cpu = [], []
        for _ in range(args.runs):
            if cold:
                cache.clear()
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:20} {statistics.median(times):5.1f} ms {p95(times):5.1f} ms"
            f" {p95(cpu):5.1f} ms  {n_queries}"
        )


def p95(values):
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


if __name__ == "__main__":
    main()
