"""`dxboard feedback demo` loads the feedback demo; `dxboard feedback routing` prints the accuracy of
the routing classifier on a held-out split and of the routing decisions taken; `dxboard feedback
api-client NAME` creates an Open311 client and prints its key once."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Citizen feedback: demo data, routing accuracy, Open311 clients"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["demo", "routing", "api-client"])
        parser.add_argument("name", nargs="?", default="Open311 client")

    def handle(self, *args, what, name, **options):
        if what == "demo":
            from dxboard.feedback.demo import load_demo

            self.stdout.write(f"{load_demo()} reports created")
        elif what == "routing":
            from dxboard.feedback import routing

            self.stdout.write(f"held-out: {routing.evaluate()}")
            self.stdout.write(f"decisions: {routing.decision_accuracy()}")
        else:
            from dxboard.feedback.actions import create_api_client

            client, key = create_api_client(name, acting_user=None)
            self.stdout.write(f"{client.name}: api_key={key}")
