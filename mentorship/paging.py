"""Pagination for pages that show more than one paginated list (each has its own query parameter)."""

from django.core.paginator import Page, Paginator


def paginate(
    request, items, *, per_page: int, param: str = "page", anchor: str = "", count: int | None = None
) -> Page:
    """One page of `items` for `request.GET[param]`, with `first_url`, `previous_url`, `next_url`
    and `last_url` that keep every other query parameter (the other lists' pages, filters).
    `count`: the number of items when the page already knows it (one COUNT query fewer)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    page = paginator.get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    if page.has_previous():
        page.first_url, page.previous_url = url(1), url(page.previous_page_number())
    if page.has_next():
        page.next_url, page.last_url = url(page.next_page_number()), url(page.paginator.num_pages)
    return page
