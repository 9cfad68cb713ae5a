"""What every import test shares: the agency every page heads with, and pressing "Import"."""

import re

import pytest

from tests.factories import AgencyFactory


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Press "Import" on the check page; the background import runs at once here."""

    def _commit(client, check_url, mapping=None):
        data = {"action": "import", **(mapping or {})}
        if not mapping:
            # Send back the mapping the page chose, as a browser would.
            page = client.get(check_url).content.decode()
            for block in page.split("<select")[1:]:
                name = re.search(r'name="(map-[a-z_]+)"', block)
                chosen = re.search(r'<option value="([^"]*)" selected', block.split("</select>")[0])
                if name:
                    data[name[1]] = chosen[1] if chosen else ""
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(check_url, data)

    return _commit
