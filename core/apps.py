import django_filters.fields
from django import forms
from django.apps import AppConfig

from core.widgets import ListedChoices, ListedFilterChoices, QuickSelect, QuickSelectMultiple

# Every pick-list of records (members, organizations, units, departments) and every model
# field's own choices (a concern's category) render their options in Python: at a large
# department's size, Django's template per option cost a quarter of a second on the
# concern page (docs/PERFORMANCE.md), and their blank choice reads "Choose one", never
# "---------". Set here, when Django reads the list of apps, and not in ready(): a form
# module imported while the models load (concerns.forms, through the services) builds its
# fields before any ready() runs, and would keep Django's plain widget.
forms.ModelChoiceField.widget = QuickSelect
forms.ModelMultipleChoiceField.widget = QuickSelectMultiple
forms.TypedChoiceField.widget = QuickSelect
# And every list of fixed choices (a filter's status, category, sort), for the same cost.
forms.ChoiceField.widget = QuickSelect
forms.MultipleChoiceField.widget = QuickSelectMultiple
# A pick-list of records is read in one query, not through a server-side cursor's three
# round trips (core/widgets.py, ListedChoices).
forms.ModelChoiceField.iterator = ListedChoices
django_filters.fields.ModelChoiceField.iterator = ListedFilterChoices
django_filters.fields.ModelMultipleChoiceField.iterator = ListedFilterChoices


class CoreConfig(AppConfig):
    """Shared mechanisms with no domain in them and no models: roles and permissions,
    paging, widgets, view helpers, charts. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import tallies

        # After every migrate: the tallies' functions refreshed, a missing trigger created
        # and its tally recounted (core/tallies.py).
        post_migrate.connect(tallies.install_after_migrate, sender=self)
