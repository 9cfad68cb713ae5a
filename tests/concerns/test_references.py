"""The one reference allocator (concerns/references.py)."""

import pytest

from concerns import references

pytestmark = pytest.mark.django_db


def test_allocate_hands_out_consecutive_numbers_per_year():
    assert references.allocate(2031) == ["CR-2031-0001"]
    assert references.allocate(2031, 3) == ["CR-2031-0002", "CR-2031-0003", "CR-2031-0004"]
    assert references.next_reference(2032) == "CR-2032-0001"  # each year counts on its own
    assert references.next_reference(2031) == "CR-2031-0005"


def test_numbers_brought_with_records_are_never_handed_out_again():
    references.allocate(2019, 2)
    given = ["CR-2019-0042", "CR-2019-0007", "CR-2018-0003"]
    references.keep_ahead(references.highest_numbers(given))
    assert references.next_reference(2019) == "CR-2019-0043"
    assert references.next_reference(2018) == "CR-2018-0004"
    references.keep_ahead({2019: 10})  # a lower number never moves the counter back
    assert references.next_reference(2019) == "CR-2019-0044"
