from django import template
from django.utils.html import format_html

from submissions.once import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    """A hidden input with a new token each time the form is shown: posting it twice is one submit."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
