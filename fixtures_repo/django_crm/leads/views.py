from django.http import JsonResponse

from leads.models import Lead
from leads.services import LeadScorer


def lead_list(request):
    scorer = LeadScorer()
    return JsonResponse({"hot": [lead.name for lead in Lead.objects.all() if scorer.is_hot(lead)]})
