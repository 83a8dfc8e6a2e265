"""{% absurl 'app:view' arg ... %}: an absolute link for emails, through mentorship.links."""

from __future__ import annotations

from django import template

from mentorship.links import absolute_reverse

register = template.Library()


@register.simple_tag
def absurl(viewname: str, *args) -> str:
    return absolute_reverse(viewname, args=list(args) or None)
