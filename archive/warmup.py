"""What a web worker loads as it starts, so that its first requests are not slower than
the rest: the site's templates, compiled, and the search index's searcher, warmed."""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

from search.api import warm_up as warm_search

log = logging.getLogger(__name__)


def compile_templates() -> int:
    """Compile every template of the site's own template folders (the cached template
    loader keeps them for the process); returns how many."""
    count = 0
    for config in settings.TEMPLATES:
        for folder in map(Path, config.get("DIRS", ())):
            for path in sorted(folder.rglob("*.html")):
                try:
                    get_template(path.relative_to(folder).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    log.exception("template %s cannot be compiled", path)
                    continue
                count += 1
    return count


def warm_up() -> None:
    compile_templates()
    warm_search()
