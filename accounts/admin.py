from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import DSN_REQUIRED_FOR_STAFF, Agency, Area, User


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
    list_filter = ("groups", "is_active", "is_superuser", "unit")
    search_fields = ("username", "first_name", "last_name", "dsn", "email")
    ordering = ("last_name", "first_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Department member"),
            {"fields": ("first_name", "last_name", "email", "dsn", "rank", "unit")},
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
