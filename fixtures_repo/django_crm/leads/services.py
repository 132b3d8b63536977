from leads.models import Lead


class LeadScorer:
    """Scores a lead from what is known about it."""

    def __init__(self, threshold: int = 50):
        self.threshold = threshold

    def is_hot(self, lead: Lead) -> bool:
        return lead.score >= self.threshold
