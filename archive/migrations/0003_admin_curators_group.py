"""The "Curators" group: exactly the permissions curation needs, none about users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"
PERMISSIONS = [
    *(
        f"{action}_{model}"
        for model in ("article", "quote", "mention", "person", "alias", "outlet")
        for action in ("view", "add", "change", "delete")
    ),
    "view_importbatch",
    "add_importbatch",
    "view_changerecord",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so that the
    # group can be granted them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="archive", codename__in=PERMISSIONS)
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0002_admin_changerecord"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
