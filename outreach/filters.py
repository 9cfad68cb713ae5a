import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.roles import Role
from core.widgets import DateInput
from outreach.models import CommunityOrganization, OutreachActivity
from outreach.models.activities import program_model


def _members(request):
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .distinct()
        .order_by("last_name", "first_name")
    )


class OrganizationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(
        choices=CommunityOrganization.Kind.choices, empty_label=_("Any kind")
    )
    active = django_filters.BooleanFilter(
        method="filter_active", label=_("Active only"), widget=forms.CheckboxInput
    )
    stale = django_filters.BooleanFilter(
        method="filter_stale", label=_("No contact for 90 days"), widget=forms.CheckboxInput
    )

    class Meta:
        model = CommunityOrganization
        fields = []

    def filter_active(self, queryset, name, value):
        # An unticked box means "any", not "inactive only".
        return queryset.filter(is_active=True) if value else queryset

    def filter_stale(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.stale(timezone.localdate())


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=OutreachActivity.Kind.choices, empty_label=_("Any kind")
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=CommunityOrganization.objects.all(), empty_label=_("Any organization")
    )
    program = django_filters.ModelChoiceFilter(
        queryset=lambda request: program_model().objects.all(), empty_label=_("Any program")
    )
    officer = django_filters.ModelChoiceFilter(
        field_name="officers", queryset=_members, empty_label=_("Any officer")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To"), widget=DateInput()
    )
    status = django_filters.ChoiceFilter(
        choices=OutreachActivity.Status.choices, empty_label=_("Held or scheduled")
    )
    notice_missing = django_filters.BooleanFilter(
        method="filter_notice_missing",
        label=_("Foot patrols with a notification missing"),
        widget=forms.CheckboxInput,
    )
    report = django_filters.BooleanFilter(
        method="filter_report",
        label=_("Community Services Report only"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = OutreachActivity
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["officer"].field.label_from_instance = lambda u: u.display_name

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_notice_missing(self, queryset, name, value):
        # 002 §300.3(d): the same definition as the monthly report's figure.
        return queryset.notice_missing() if value else queryset

    def filter_report(self, queryset, name, value):
        return queryset.filter(kind__in=OutreachActivity.CSR_KINDS) if value else queryset
