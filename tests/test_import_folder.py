"""Importing a folder of one site's stories: notes files skipped and reported, --outlet."""

import io

import pytest
from django.core.management import call_command

from archive.models import Article

pytestmark = pytest.mark.django_db

STORY = (
    "{title}\n\n"
    "Quarterly profits at the firm rose 5% to £600m in the three months to December.\n\n"
    "The firm said sales rose 2% as more customers signed up for its services this year.\n"
)


def test_folder_import_skips_readme_and_reports_it_and_outlet_names_every_story(tmp_path):
    folder = tmp_path / "bbc"
    (folder / "business").mkdir(parents=True)
    (folder / "README.TXT").write_text("Consists of 2225 documents from the BBC news website.\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "business" / "001.txt").write_text(STORY.format(title="Ad sales boost profit"))
    (folder / "business" / "002.txt").write_bytes(
        STORY.format(title="Dollar gains on Greenspan speech").encode("cp1252")
    )
    out = io.StringIO()
    call_command("import_articles", str(folder), outlet="BBC News", no_progress=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "2 created, 0 unchanged, 0 failed, 2 skipped",
        f"SKIPPED {folder / '.DS_Store'}: not a story: a system file",
        f"SKIPPED {folder / 'README.TXT'}: not a story: a README file",
    ]
    stories = Article.objects.order_by("title")
    assert [(a.title, a.outlet.name) for a in stories] == [
        ("Ad sales boost profit", "BBC News"),
        ("Dollar gains on Greenspan speech", "BBC News"),
    ]
    assert all("£600m" in a.standfirst for a in stories)
