"""Middleware of the project's own."""

from django.shortcuts import render


def method_not_allowed_page(get_response):
    """Django answers a refused method (`require_POST` and friends) with an empty 405; people who
    meet one (a bookmarked form action, a reloaded POST-only link) get a page of the product, with
    the Allow header kept."""

    def middleware(request):
        response = get_response(request)
        if response.status_code != 405 or response.content or getattr(response, "streaming", False):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page

    return middleware
