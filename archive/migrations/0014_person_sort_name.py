import unicodedata

from django.db import migrations, models

# as archive.models.sort_key when this migration was written
LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def sort_key(name):
    folded = name.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        folded = folded.translate(LETTERS)
    return folded


def fill(apps, schema_editor):
    Person = apps.get_model("archive", "Person")
    batch = []
    for pk, name in list(Person.objects.values_list("pk", "name")):
        batch.append(Person(pk=pk, sort_name=sort_key(name)))
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["sort_name"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_changerecord_operation"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("mention_count__gt", 0)),
                fields=["sort_name", "name"],
                name="person_sort_idx",
            ),
        ),
    ]
