import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, User
from concerns.models import Concern
from core.filtering import QuickFilterSet
from core.widgets import DateInput, QuickSelect

SORTS = {
    "newest": ("-date_received", "-id"),
    "oldest": ("date_received", "id"),
    "reference": ("-reference",),
    "status": ("status", "-date_received", "-id"),
    "category": ("category", "-date_received", "-id"),
}


def _members(value: str):
    """Members a "name or DSN" typed in a filter means: the DSN or username exactly, or a
    surname or first name. A text box, not a list: a large department has hundreds of
    members, and a list of them all made every page of the concern list slow to build."""
    value = value.strip()
    return User.objects.filter(
        Q(dsn__iexact=value)
        | Q(username__iexact=value)
        | Q(last_name__iexact=value)
        | Q(first_name__iexact=value)
        | Q(last_name__istartswith=value)
    ).values("pk")


class ConcernFilter(QuickFilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Concern.Status.choices, empty_label=_("Any"))
    open = django_filters.BooleanFilter(
        method="filter_open", label=_("Open only"), widget=forms.CheckboxInput
    )
    category = django_filters.ChoiceFilter(choices=Concern.Category.choices, empty_label=_("Any"))
    source_type = django_filters.ChoiceFilter(
        choices=Concern.SourceType.choices, label=_("Source"), empty_label=_("Any")
    )
    nature = django_filters.ChoiceFilter(choices=Concern.Nature.choices, empty_label=_("Any"))
    # The agency's areas (inactive ones too: old concerns keep theirs); "Not placed" finds
    # the concerns whose typed location matched no area yet.
    defined_area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.for_picking(),
        label=_("Area"),
        empty_label=_("Any"),
        null_label=_("Not placed"),
    )
    area = django_filters.CharFilter(lookup_expr="icontains", label=_("Location contains"))
    received_from = django_filters.DateFilter(
        field_name="date_received", lookup_expr="gte", label=_("Received from"), widget=DateInput()
    )
    received_to = django_filters.DateFilter(
        field_name="date_received", lookup_expr="lte", label=_("Received to"), widget=DateInput()
    )
    assignee = django_filters.CharFilter(
        method="filter_member", label=_("Assigned to (name or DSN)"), max_length=150
    )
    reported_by = django_filters.CharFilter(
        method="filter_member", label=_("Reporting officer (name or DSN)"), max_length=150
    )
    awaiting = django_filters.BooleanFilter(
        method="filter_awaiting", label=_("Referred, awaiting response"), widget=forms.CheckboxInput
    )
    # 000 §III.5: a unit's acknowledgement is due within two working days of the routing.
    routing_overdue = django_filters.BooleanFilter(
        method="filter_routing_overdue",
        label=_("Routing not acknowledged, overdue"),
        widget=forms.CheckboxInput,
    )
    needs_me = django_filters.BooleanFilter(
        method="filter_needs_me", label=_("Needs my action"), widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Sort"),
        empty_label=None,
        # Beside the Apply button, on the line of the check boxes (concern_list.html).
        widget=QuickSelect(attrs={"class": "form-select w-auto"}),
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("reference", _("Reference")),
            ("status", _("Status")),
            ("category", _("Category")),
        ],
    )

    class Meta:
        model = Concern
        fields = []

    def filter_member(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(**{f"{name}__in": _members(value)})

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset

    def filter_awaiting(self, queryset, name, value):
        return queryset.awaiting_response() if value else queryset

    def filter_routing_overdue(self, queryset, name, value):
        return queryset.routing_overdue(timezone.localdate()) if value else queryset

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
