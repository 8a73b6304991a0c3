"""The bench's floor: the cheapest logged-in page, the base layout with no content,
through the same middleware stack as every page. Each page's « × floor » is its time
over this one's."""

from django.http import HttpResponse
from django.template import engines

FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
    "{% block content %}<h1>{{ title }}</h1>{{ body }}{% endblock %}"
)


def floor_page(request, *, title: str, body: str = "") -> HttpResponse:
    return HttpResponse(FLOOR.render({"title": title, "body": body}, request))


def floor(request):
    return floor_page(request, title="Plancher")
