from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from billing.models import Invoice


def invoice_detail(request, pk):
    invoice = get_object_or_404(Invoice, pk=pk)
    return JsonResponse({"amount": invoice.amount_cents, "paid": invoice.paid})
