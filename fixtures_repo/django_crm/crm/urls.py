from django.urls import path

from leads import views as lead_views
from billing import views as billing_views

urlpatterns = [
    path("leads/", lead_views.lead_list, name="lead-list"),
    path("invoices/<int:pk>/", billing_views.invoice_detail, name="invoice-detail"),
]
