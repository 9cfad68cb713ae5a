from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Site-wide choices that belong to no single app."""

    name = "config"
    verbose_name = "Site"

    def ready(self):
        from django import forms

        from accounts.widgets import QuickSelect, QuickSelectMultiple

        # Every pick-list of records (members, organizations, units, departments) renders
        # its options in Python: at a large department's size, Django's template per option
        # cost a quarter of a second on the concern page (docs/PERFORMANCE.md).
        forms.ModelChoiceField.widget = QuickSelect
        forms.ModelMultipleChoiceField.widget = QuickSelectMultiple
