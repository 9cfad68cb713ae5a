"""The CRO merges two reports of the same broken light from the concern's page and sees the
lead gather them; a typo in a reference is answered plainly and loses nothing (issue 22)."""

import pytest
from django.utils import timezone

from accounts.models import Area
from concerns.models import Concern
from core.roles import Role
from tests.browser.journeys import Journey
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _light(area, summary, **fields):
    return ConcernFactory(
        category="street_lighting",
        defined_area=area,
        area="400 block of Elm St",
        summary=summary,
        date_received=timezone.localdate(),
        **fields,
    )


def test_cro_merges_two_reports_from_the_concern_page(page, screenshot):
    cro = UserFactory(username="j-cro", rank="Lt.", roles=[Role.CRO])
    beat = Area.objects.create(code="B3", name="Riverbend Beat 3", kind="beat")
    lead = _light(beat, "Street light out on Elm St by the park")
    second = _light(beat, "Streetlight out on Elm Street near the park")
    third = _light(beat, "Elm St light by the park still dark")

    journey = Journey(page, screenshot, "merge")
    journey.sign_in(cro)
    journey.goto(lead.get_absolute_url(), shot="lead-before")
    panel = page.locator(".duplicates-panel")
    assert panel.get_by_text("Merge other reports into this one").is_visible()

    # The candidates the page found are offered; the CRO ticks one and mistypes the other.
    panel.get_by_label(f"{second.reference} · {second.summary}").check()
    panel.get_by_label("Other reports, by reference").fill("CR-2099-99999")
    journey.follow(panel.get_by_role("button", name=f"Merge into {lead.reference}"), "error")
    journey.see("There is no concern CR-2099-99999 that you can see.")
    assert page.get_by_label("Other reports, by reference").input_value() == "CR-2099-99999"
    assert page.get_by_label(f"{second.reference} · {second.summary}").is_checked()

    page.get_by_label("Other reports, by reference").fill(third.reference)
    journey.follow(page.get_by_role("button", name=f"Merge into {lead.reference}"), "merged")
    assert page.url.endswith(lead.get_absolute_url())
    journey.see(f"Merged into {lead.reference}")
    gathered = page.locator(".gathered-reports")
    assert gathered.get_by_role("link", name=second.reference).is_visible()
    assert gathered.get_by_role("link", name=third.reference).is_visible()
    journey.see("Gathered 2 more reports")

    # A merged report says where it went; the list still shows it, marked.
    journey.follow(gathered.get_by_role("link", name=third.reference), "duplicate")
    journey.see("it is counted once, there")
    journey.goto("/concerns/", shot="list")
    journey.see(f"merged into {lead.reference}")
    journey.finish()

    assert set(Concern.objects.filter(duplicate_of=lead).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }
