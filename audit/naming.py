"""How the audit trail names a record: as people do ("Concern CR-2026-0075", "the
authenticator app of Lt. Priya Natarajan"), never by its table and number ("Concern
(concerns) 75", "Totp device (otp_totp) 1").

The trail stores a table and an id (audit/trail.py); a page of entries asks for their names
in one query per kind of record shown (`names`), so a page of 100 entries costs a handful of
queries whatever the trail holds. The apps above audit register how their records are named
from `ready()` (`register`); the accounts records below are named here. A record since
removed keeps its kind and number.
"""

from collections.abc import Callable, Iterable

from django.apps import apps
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# table -> function(ids) -> {id: name}
NAMERS: dict[str, Callable[[list[str]], dict[str, str]]] = {}


# Kinds from libraries whose own names are not the words people use.
KIND_WORDS = {
    "otp_totp_totpdevice": _("Authenticator app"),
    "otp_static_staticdevice": _("Backup codes"),
    "otp_static_statictoken": _("Backup code"),
}


def kind_label(model) -> str:
    table = model._meta.db_table
    return str(KIND_WORDS.get(table) or model._meta.verbose_name).capitalize()


def register(model_label: str, name: Callable[[object], str], *, fields: Iterable[str] = ()):
    """Name each record of `model_label` ("concerns.Concern") by `name(record)`, reading
    only `fields` (and what `name` follows through select_related ones: "user__username")."""
    model = apps.get_model(model_label)
    wanted = list(fields)
    related = sorted({f.split("__")[0] for f in wanted if "__" in f})

    def namer(ids: list[str]) -> dict[str, str]:
        keys = [int(i) for i in ids if str(i).isdigit()]
        rows = model._default_manager.filter(pk__in=keys).select_related(*related)
        if wanted:
            rows = rows.only("pk", *wanted)
        return {str(row.pk): name(row) for row in rows}

    NAMERS[model._meta.db_table] = namer


def names(rows) -> dict[tuple[str, str], str]:
    """{(table, id): name} for the entries of one page: one query per kind of record."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.record_type and row.record_type in NAMERS:
            wanted.setdefault(row.record_type, set()).add(str(row.record_id))
    found = {}
    for table, ids in wanted.items():
        for record_id, name in NAMERS[table](sorted(ids)).items():
            found[(table, record_id)] = name
    return found


def register_accounts() -> None:
    """The records of the layers below audit: people and their second factors."""
    register(
        "accounts.User",
        lambda user: gettext("Account of %(person)s") % {"person": user.display_name},
        fields=["username", "first_name", "last_name", "rank"],
    )
    register(
        "accounts.Area",
        lambda area: gettext("Area %(label)s") % {"label": area.label},
        fields=["name", "code"],
    )
    if apps.is_installed("django_otp.plugins.otp_totp"):
        register(
            "otp_totp.TOTPDevice",
            lambda device: (
                gettext("Authenticator app of %(person)s") % {"person": device.user.display_name}
            ),
            fields=["user__username", "user__first_name", "user__last_name", "user__rank"],
        )
