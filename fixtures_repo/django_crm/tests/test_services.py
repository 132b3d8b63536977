from unittest import mock


@mock.patch("leads.services.LeadScorer.is_hot", return_value=True)
def test_hot(is_hot):
    assert is_hot(None)
