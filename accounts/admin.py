from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.addresses import address_key
from accounts.models import (
    DSN_REQUIRED_FOR_STAFF,
    AddressPoint,
    Agency,
    Area,
    Closure,
    DirectoryGroup,
    DirectoryLink,
    User,
)


class DepartmentUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "dsn", "rank", "unit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsn"].required = True
        self.fields["dsn"].error_messages["required"] = DSN_REQUIRED_FOR_STAFF


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = DepartmentUserCreationForm
    list_display = ("username", "display_name", "dsn", "unit", "roles", "is_active")
    list_filter = ("groups", "is_command_staff", "is_active", "is_superuser", "unit")
    search_fields = ("username", "first_name", "last_name", "dsn", "email")
    ordering = ("last_name", "first_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Department member"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "dsn",
                    "rank",
                    "unit",
                    "is_command_staff",
                )
            },
        ),
        (
            _("Roles"),
            {"fields": ("groups",), "description": _("The roles decide what this person may do.")},
        ),
        (
            _("Administration"),
            {"fields": ("is_active", "is_staff", "is_superuser"), "classes": ("collapse",)},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined"), "classes": ("collapse",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "dsn",
                    "rank",
                    "unit",
                    "groups",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ("groups",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "chief_name", "phone")

    def has_add_permission(self, request):
        return not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("day", "name")
    date_hierarchy = "day"
    search_fields = ("name",)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    """The same rules as the areas page (Area.clean: boundary, nesting); the page is where
    the CRO works, with the GeoJSON import and the matching of typed places."""

    list_display = ("name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    ordering = ("name",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("min_longitude", "min_latitude", "max_longitude", "max_latitude")


@admin.register(AddressPoint)
class AddressPointAdmin(admin.ModelAdmin):
    """The agency's address list, to look an address up or correct one point; the list is
    loaded from the city's file with `manage.py import_addresses`."""

    list_display = ("address", "latitude", "longitude", "imported_at")
    search_fields = ("key",)
    readonly_fields = ("key", "imported_at")
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        obj.key = address_key(obj.address)
        super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        # Searched as a lookup compares: "14 Birch Ln." finds "14 BIRCH LANE".
        return super().get_search_results(request, queryset, address_key(search_term))


@admin.register(DirectoryGroup)
class DirectoryGroupAdmin(admin.ModelAdmin):
    """The mapping single sign-on reads (accounts/sso.py): a directory group's role and unit."""

    list_display = ("name", "role", "unit")
    list_filter = ("role",)
    search_fields = ("name", "unit")


@admin.register(DirectoryLink)
class DirectoryLinkAdmin(admin.ModelAdmin):
    """Who signs in through the directory; written by the sign-ins, read here."""

    list_display = ("user", "subject", "linked_at", "signed_in_at", "deactivated_at")
    list_filter = ("deactivated_at",)
    search_fields = ("user__username", "user__dsn", "subject")
    readonly_fields = ("user", "subject", "linked_at", "signed_in_at", "deactivated_at")

    def has_add_permission(self, request):
        return False
