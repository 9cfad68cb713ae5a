"""The dashboard's open-concerns matrix and trend table, built in Python
(desk/templatetags/dashboard_tables.py): the same markup the template's loops made,
escaping included, and the figures of the dashboard itself."""

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse

from desk.templatetags.dashboard_tables import open_matrix_rows, trend_rows

# The loops the tags replace, as the template had them.
MATRIX_LOOP = Template(
    "{% url 'concerns:list' as list_url %}{% for row in by_category %}"
    '<tr><th scope="row" class="fw-normal">{{ row.label }}</th>'
    '{% for status, n in row.cells %}<td class="text-end">{% if n %}<a href="{{ list_url }}'
    '?category={{ row.category }}&amp;status={{ status }}">{{ n }}</a>{% else %}'
    '<span class="text-body-secondary">0</span>{% endif %}</td>{% endfor %}'
    '<td class="text-end fw-semibold"><a href="{{ list_url }}?category={{ row.category }}'
    '&amp;open=on">{{ row.total }}</a></td></tr>{% endfor %}'
)
TREND_LOOP = Template(
    '{% for month, values, total in rows %}<tr><th scope="row" class="fw-normal">{{ month }}'
    '</th>{% for n in values %}<td class="text-end">{{ n }}</td>{% endfor %}'
    '<td class="text-end">{{ total }}</td></tr>{% endfor %}'
)
BY_CATEGORY = [
    {
        "category": "traffic",
        "label": "Traffic & parking",
        "total": 1204,
        "cells": [("received", 1200), ("in_progress", 0), ("escalated", 4)],
    },
    {
        "category": "<odd>",
        "label": 'Say "hello"',
        "total": 0,
        "cells": [("received", 0), ("in_progress", 0), ("escalated", 0)],
    },
]


def test_the_matrix_is_the_markup_of_the_templates_loop():
    built = open_matrix_rows(BY_CATEGORY)
    assert built == MATRIX_LOOP.render(Context({"by_category": BY_CATEGORY}))
    assert "Traffic &amp; parking" in built and "&lt;odd&gt;" in built
    assert f'href="{reverse("concerns:list")}?category=traffic&amp;status=escalated">4</a>' in built


def test_the_trend_table_is_the_markup_of_the_templates_loop():
    rows = [("Dec 24", [12, 0, 3], 15), ("Jan <25>", [], 0)]
    built = trend_rows(rows)
    assert built == TREND_LOOP.render(Context({"rows": rows}))
    assert "Jan &lt;25&gt;" in built


@pytest.mark.django_db
def test_the_dashboard_shows_them_and_says_when_nothing_is_open(client_for, chief):
    from tests.factories import ConcernFactory

    empty = client_for(chief).get(reverse("home")).content.decode()
    assert "No open concerns." in empty
    ConcernFactory(category="traffic", status="received")
    cache.clear()  # the dashboard keeps its counts for two minutes
    page = client_for(chief).get(reverse("home")).content.decode()
    assert "No open concerns." not in page
    assert f'href="{reverse("concerns:list")}?category=traffic&amp;status=received">1</a>' in page
    assert f'href="{reverse("concerns:list")}?category=traffic&amp;open=on">1</a>' in page
