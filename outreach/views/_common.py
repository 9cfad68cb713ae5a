"""What the outreach pages share: the one form page every add and edit form is shown on."""

from django.shortcuts import render


def _form_page(request, form, title, crumbs, *, enctype=False, intro=""):
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": title, "breadcrumbs": crumbs, "multipart": enctype, "intro": intro},
    )
