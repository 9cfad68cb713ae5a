from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared mechanisms with no domain in them and no models: roles and permissions,
    paging, widgets, view helpers, charts. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django import forms

        from core.widgets import QuickSelect, QuickSelectMultiple

        # Every pick-list of records (members, organizations, units, departments) renders
        # its options in Python: at a large department's size, Django's template per option
        # cost a quarter of a second on the concern page (docs/PERFORMANCE.md).
        forms.ModelChoiceField.widget = QuickSelect
        forms.ModelMultipleChoiceField.widget = QuickSelectMultiple
