from unittest import mock


@mock.patch("app.crud.ItemRepository.list", return_value=[])
def test_list(listed):
    assert listed(20) == []
