"""Create or repair the "Curators" group, and optionally make users curators."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.curation import ensure_curators_group


class Command(BaseCommand):
    help = (
        'Give the "Curators" group exactly the permissions curation needs (idempotent); '
        "with user names, make those users staff members of the group."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="existing users to make curators")

    def handle(self, *args, usernames, **options):
        group = ensure_curators_group()
        self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
        User = get_user_model()
        missing = [name for name in usernames if not User.objects.filter(username=name).exists()]
        if missing:
            raise CommandError(f"No such user: {', '.join(missing)}")
        for name in usernames:
            user = User.objects.get(username=name)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
            self.stdout.write(f"{name} is a curator")
