"""The portal's URLs plus the bench's floor: the cheapest logged-in page, the base layout
with no content, through the same middleware stack as every page."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns

FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Plancher{% endblock %}'
    "{% block content %}<h1>Plancher</h1>{% endblock %}"
)


def floor(request):
    return HttpResponse(FLOOR.render({}, request))


urlpatterns = [path("bench/plancher/", floor, name="bench_floor"), *portal_urlpatterns]
