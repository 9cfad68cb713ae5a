"""A page of the tests' own that uses `{% map_pick %}` on an ordinary form, so the picker is
tried in a browser whatever form it is later put on; every other URL is the site's."""

from django import forms
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path


class PointForm(forms.Form):
    latitude = forms.FloatField(label="Latitude", required=False)
    longitude = forms.FloatField(label="Longitude", required=False)


PAGE = Template(
    """{% load maps %}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Picker</title></head><body><main><h1>Where is it?</h1>
<form method="get">{% map_pick form.latitude form.longitude %}
<label for="{{ form.latitude.id_for_label }}">Latitude</label>{{ form.latitude }}
<label for="{{ form.longitude.id_for_label }}">Longitude</label>{{ form.longitude }}
<button type="submit">Send</button></form></main></body></html>"""
)


def picker_page(request):
    form = PointForm(request.GET or None, prefix="c")
    form.fields["latitude"].widget.attrs["step"] = "any"
    form.fields["longitude"].widget.attrs["step"] = "any"
    return HttpResponse(PAGE.render(RequestContext(request, {"form": form})))


urlpatterns = [
    path("test-map-pick/", picker_page),
    path("", include("config.urls")),
]
