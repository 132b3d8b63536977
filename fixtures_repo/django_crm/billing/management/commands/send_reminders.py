from django.core.management.base import BaseCommand

from billing.models import Invoice


class Command(BaseCommand):
    help = "Remind the leads with unpaid invoices."

    def handle(self, *args, **options):
        for invoice in Invoice.objects.filter(paid=False):
            self.stdout.write(f"reminding {invoice.lead.email}")
