from django.core.management.base import BaseCommand

from annotation.demo.load import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Create the demo base: users, one project per label type, realistic tasks (safe to run twice)."

    def handle(self, *args, **options):
        summary = demo_load()
        self.stdout.write(self.style.SUCCESS(
            f"Demo base ready: {len(summary['projects'])} projects; users {', '.join(summary['users'])}; "
            f"password: {DEMO_PASSWORD}"))
