import django_filters
from django import forms

from accounts.models import User
from accounts.roles import Role
from concerns.forms import DateInput
from concerns.models import Concern

SORTS = {
    "newest": ("-date_received", "-id"),
    "oldest": ("date_received", "id"),
    "reference": ("-reference",),
    "status": ("status", "-date_received", "-id"),
    "category": ("category", "-date_received", "-id"),
}


def _staff(request):
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .distinct()
        .order_by("last_name", "first_name")
    )


class ConcernFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    status = django_filters.ChoiceFilter(choices=Concern.Status.choices, empty_label="Any")
    open = django_filters.BooleanFilter(
        method="filter_open", label="Open only", widget=forms.CheckboxInput
    )
    category = django_filters.ChoiceFilter(choices=Concern.Category.choices, empty_label="Any")
    source_type = django_filters.ChoiceFilter(
        choices=Concern.SourceType.choices, label="Source", empty_label="Any"
    )
    nature = django_filters.ChoiceFilter(choices=Concern.Nature.choices, empty_label="Any")
    area = django_filters.CharFilter(lookup_expr="icontains", label="Area contains")
    received_from = django_filters.DateFilter(
        field_name="date_received", lookup_expr="gte", label="Received from", widget=DateInput()
    )
    received_to = django_filters.DateFilter(
        field_name="date_received", lookup_expr="lte", label="Received to", widget=DateInput()
    )
    assignee = django_filters.ModelChoiceFilter(queryset=_staff, empty_label="Anyone")
    reported_by = django_filters.ModelChoiceFilter(
        queryset=_staff, label="Reporting officer", empty_label="Anyone"
    )
    awaiting = django_filters.BooleanFilter(
        method="filter_awaiting", label="Referred, awaiting response", widget=forms.CheckboxInput
    )
    needs_me = django_filters.BooleanFilter(
        method="filter_needs_me", label="Needs my action", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort",
        empty_label=None,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("reference", "Reference"),
            ("status", "Status"),
            ("category", "Category"),
        ],
    )

    class Meta:
        model = Concern
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label = lambda u: f"{u.display_name} ({u.dsn})"  # noqa: E731
        self.filters["assignee"].field.label_from_instance = label
        self.filters["reported_by"].field.label_from_instance = label

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset

    def filter_awaiting(self, queryset, name, value):
        return queryset.awaiting_response() if value else queryset

    def filter_needs_me(self, queryset, name, value):
        return queryset.needs_action_by(self.request.user) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["newest"]))

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("sort"):
            qs = qs.order_by(*SORTS["newest"])
        return qs
