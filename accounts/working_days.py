"""Working days: the one home of which days the department works.

A working day is Monday to Friday, except the public holidays of the agency's country and
state (the `holidays` package, as the agency profile names them: "US" and "IL") and the
days the agency itself closes (`Closure`: the day after Thanksgiving, a city furlough
day). Every rule that counts working days asks this module: a routing acknowledged within
two working days (concerns/acknowledgement.py) and the monthly report's routings awaiting
acknowledgement (reports/builders/monthly.py).

The calendar (the country, the state and the closures) is one small row set kept five
minutes in the cache, so a page that counts working days for many routings reads it once
or not at all; saving the agency profile or a closure clears it (accounts/apps.py), and
with a shared cache every server sees the change at once. The holidays themselves are
computed, never stored: the package knows each year's dates (an observed Friday for a
Saturday Fourth of July).
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.core.cache import cache

from accounts.models import Agency, Closure

CACHE_KEY = "crd:working-calendar"
CACHE_SECONDS = 300


@lru_cache(maxsize=8)
def _public_holidays(country: str, subdivision: str) -> holidays.HolidayBase:
    """The package's calendar of one country and state: it adds each year's dates the
    first time a day of that year is asked."""
    return holidays.country_holidays(country, subdiv=subdivision or None)


def supported_countries() -> dict[str, list[str]]:
    """Country codes the holidays package knows, each with its states or provinces."""
    return holidays.list_supported_countries()


@dataclass(frozen=True)
class WorkingCalendar:
    country: str
    subdivision: str
    closures: dict  # date -> the agency's own name for the closure

    def _holidays(self):
        return _public_holidays(self.country, self.subdivision) if self.country else {}

    def day_off(self, day: dt.date) -> str | None:
        """Why `day` is not a working day ("Saturday", "Thanksgiving Day", the closure's
        name), or None on a working day."""
        if day in self.closures:
            return self.closures[day]
        if day.weekday() >= 5:
            return day.strftime("%A")
        return self._holidays().get(day)

    def is_working(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    def add(self, day: dt.date, days: int) -> dt.date:
        """The working day `days` working days after `day` (`day` itself not counted)."""
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                days -= 1
        return day

    def between(self, after: dt.date, until: dt.date) -> int:
        """Working days later than `after`, up to and including `until`."""
        count = 0
        day = after
        while day < until:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count

    def days_off(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, bool]]:
        """The weekdays from `start` to `end` that are not worked: (day, name, whether it
        is the agency's own closure rather than a public holiday)."""
        out = []
        day = start
        while day <= end:
            if day.weekday() < 5 and not self.is_working(day):
                out.append((day, self.day_off(day), day in self.closures))
            day += dt.timedelta(days=1)
        return out


def _load() -> WorkingCalendar:
    fields = ("holiday_country", "holiday_subdivision")
    agency = Agency.objects.filter(pk=1).values(*fields).first()
    # Before the profile is first saved, its defaults (the United States, no state).
    agency = agency or {name: Agency._meta.get_field(name).get_default() for name in fields}
    return WorkingCalendar(
        country=agency["holiday_country"],
        subdivision=agency["holiday_subdivision"],
        closures=dict(Closure.objects.values_list("day", "name")),
    )


def working_calendar() -> WorkingCalendar:
    """The agency's calendar, from the cache when it is there."""
    return cache.get_or_set(CACHE_KEY, _load, CACHE_SECONDS)


def forget_calendar(sender=None, created=False, **_) -> None:
    """Clears the cached calendar: the profile's country or state, or a closure, changed.
    A signal receiver (accounts/apps.py), so the admin site's changes count too. The
    profile's first saving changes nothing: the calendar read its defaults before."""
    if not (sender is Agency and created):
        cache.delete(CACHE_KEY)
