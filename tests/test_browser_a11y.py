"""Accessibility measured in headless Chromium: axe-core (npm, ``package.json``) on every page
type, reader and curator, at desktop and phone width, in light and dark mode.

No serious or critical violation is allowed; a new one fails the test with the rule, the
page and the offending elements. Each page is also screenshot at each width and colour
scheme to ``artifacts/screenshots/a11y/`` for a reviewer. Skipped, with the reason, when
Chromium, Playwright or ``node_modules/axe-core`` (``npm ci``) is missing.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Article, Person
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    SHOTS,
    VIEWPORTS,
    browser,
    expect,
    site,
)

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing"),
    pytest.mark.skipif(
        not AXE.exists(), reason=f"accessibility checks skipped: {AXE} missing (run `npm ci`)"
    ),
]


def axe_violations(tab):
    """axe-core's serious and critical violations on the loaded page, as readable lines.

    The script is injected from the file; the context bypasses the page's CSP for that
    injection only (the pages themselves are checked under the policy elsewhere).
    """
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    lines = []
    for rule in result:
        if rule["impact"] not in BLOCKING:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} -- {targets}")
    return lines


def reader_paths(site):  # noqa: F811
    feature = site["feature"]
    return {
        "home": "/",
        "article": feature.get_absolute_url(),
        "outlets": "/outlets/",
        "outlet": "/outlets/daily-gen/",
        "unknown-outlet": "/unknown-outlet/",
        "people": "/people/",
        "person": "/people/alice-example/",
        "dates": "/dates/",
        "year": "/dates/2021/",
        "month": "/dates/2021/03/",
        "day": "/dates/2021/03/20/",
        "undated": "/dates/undated/",
        "quotes": "/quotes/",
        "search": "/search/?q=Macron",
        "search-facet": "/search/?q=Macron&outlet=" + search_outlet(),
        "not-found": "/no/such/page/",
    }


def search_outlet():
    article = Article.objects.published().filter(outlet__isnull=False, title__icontains="Macron")
    return article.first().outlet.slug


def admin_paths():
    article = Article.objects.filter(outlet__isnull=False).order_by("pk").first()
    person = Person.objects.order_by("pk").first()
    return {
        "admin-articles": "/admin/archive/article/",
        "admin-article": f"/admin/archive/article/{article.pk}/change/",
        "admin-person": f"/admin/archive/person/{person.pk}/change/",
        "admin-outlets": "/admin/archive/outlet/",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_violations_on_any_page(site, browser, width, scheme):  # noqa: F811
    call_command("rebuild_index")  # the search pages need the live data indexed
    User.objects.create_superuser("curator", password="pw-Curator-1")
    context = browser.new_context(viewport=VIEWPORTS[width], color_scheme=scheme, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    folder = SHOTS / "a11y"
    folder.mkdir(parents=True, exist_ok=True)
    found, checked = [], []
    try:
        paths = reader_paths(site)
        tab.goto(site["url"] + "/admin/login/")
        tab.get_by_label("Username").fill("curator")
        tab.get_by_label("Password").fill("pw-Curator-1")
        tab.get_by_role("button", name="Log in").click()
        expect(tab).to_have_url(re.compile(r"/admin/$"))
        paths.update(admin_paths())
        for name, path in paths.items():
            response = tab.goto(site["url"] + path)
            assert response.status == (404 if name == "not-found" else 200), (name, path)
            # Django's search-as-you-type boxes are built when jQuery is ready
            tab.wait_for_function(
                "() => !document.querySelector("
                "'select.admin-autocomplete:not([name*=__prefix__]):not(.select2-hidden-accessible)')"
            )
            tab.screenshot(path=str(folder / f"{name}-{width}-{scheme}.png"), full_page=True)
            found += [f"{name} {path}: {line}" for line in axe_violations(tab)]
            checked.append(name)
    finally:
        context.close()
    assert len(checked) == 20
    assert found == [], "\n".join(found)


def test_axe_finds_a_planted_violation(site, browser):  # noqa: F811
    """The check itself can fail: an unlabelled field and low-contrast text are reported."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    tab = context.new_page()
    try:
        tab.goto(site["url"] + "/")
        tab.evaluate(
            """() => {
                const box = document.createElement('input');
                document.querySelector('main').append(box);
                const faint = document.createElement('p');
                faint.textContent = 'faint words';
                faint.style.color = '#eeeeee';
                document.querySelector('main').append(faint);
            }"""
        )
        lines = axe_violations(tab)
    finally:
        context.close()
    rules = sorted(line.split(" ")[0] for line in lines)
    assert rules == ["color-contrast", "label"]
