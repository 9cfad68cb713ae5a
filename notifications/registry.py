"""What the hourly sweep runs besides its own work: each app's reminders.

A pure registry (no models imported), so that an app's AppConfig can import it at the top
of its apps.py and add its steps in ready(); notifications never imports the apps.
"""

import datetime as dt
from collections.abc import Callable

# (name, step): each step is given the sweep's moment and returns how many notifications
# (or files) it made. Run in the order registered, each in its own transaction.
STEPS: list[tuple[str, Callable[[dt.datetime], int]]] = []


def register(name: str, step: Callable[[dt.datetime], int]) -> None:
    if all(existing != name for existing, _ in STEPS):
        STEPS.append((name, step))
