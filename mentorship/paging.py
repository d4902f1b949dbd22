"""Pagination for pages that show more than one paginated list (each has its own query parameter)."""

from django.core.paginator import Page, Paginator


def paginate(request, items, *, per_page: int, param: str = "page", anchor: str = "") -> Page:
    """One page of `items` for `request.GET[param]`, with `first_url`, `previous_url`, `next_url`
    and `last_url` that keep every other query parameter (the other lists' pages, filters)."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    if page.has_previous():
        page.first_url, page.previous_url = url(1), url(page.previous_page_number())
    if page.has_next():
        page.next_url, page.last_url = url(page.next_page_number()), url(page.paginator.num_pages)
    return page
