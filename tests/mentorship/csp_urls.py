"""The project's URLs plus pages that break the Content-Security-Policy on purpose, for the tests
that prove the browser tests notice (tests/mentorship/test_headers_browser.py), and a view that
fails, for the headers of the server-error page (tests/mentorship/test_headers.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from mentorship.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401

PAGE = (
    '<!doctype html><html lang="en"><head><title>probe</title></head>'
    "<body><main><h1>Probe</h1>{}</main></body></html>"
)


@login_not_required
def inline_script(request):
    return HttpResponse(PAGE.format('<script>document.title = "ran";</script>'))


@login_not_required
def style_attribute(request):
    return HttpResponse(PAGE.format('<p style="color: red">red</p>'))


@login_not_required
def framed_style(request):
    return HttpResponse(
        PAGE.format(
            '<iframe title="x" sandbox srcdoc="&lt;p style=&quot;color: red&quot;&gt;red&lt;/p&gt;"></iframe>'
        )
    )


@login_not_required
def server_error(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [
    *urlpatterns,
    path("csp-probe/server-error/", server_error),
    path("csp-probe/inline-script/", inline_script),
    path("csp-probe/style-attribute/", style_attribute),
    path("csp-probe/framed-style/", framed_style),
]
