"""The single sign-on button for the login page: shown only when SSO is configured (people/sso.py)."""

from django import template

from people import sso

register = template.Library()


@register.inclusion_tag("people/sso_button.html")
def sso_button(next_url=""):
    return {"enabled": sso.enabled(), "label": sso.button_label() if sso.enabled() else "", "next": next_url}
