"""Pages for recognizing department members' exceptional work: the list and the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission, show_errors
from outreach import services
from outreach.forms import RecognitionForm
from outreach.models import Recognition
from outreach.views._common import _form_page


def recognition_list(request):
    require_permission(request, Permission.VIEW_RECOGNITION)
    page = paginate(
        Recognition.objects.select_related("member").order_by("-date", "-id"),
        request.GET.get("page"),
    )
    return render(
        request,
        "outreach/recognition_list.html",
        {
            "page": page,
            "can_recognize": has_permission(request.user, Permission.RECOGNIZE),
            "breadcrumbs": crumbs((_("Recognition"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def recognition_new(request):
    require_permission(request, Permission.RECOGNIZE)
    form = RecognitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recognize(by=request.user, form=form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The recognition was recorded."))
            return redirect("outreach:recognition")
    return _form_page(
        request,
        form,
        _("Recognize exceptional work"),
        crumbs((_("Recognition"), reverse("outreach:recognition")), (_("Record"), None)),
    )
