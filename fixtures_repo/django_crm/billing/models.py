from django.db import models

from leads.models import Lead


class Invoice(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE)
    amount_cents = models.IntegerField()
    paid = models.BooleanField(default=False)
