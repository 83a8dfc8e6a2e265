from django import template

from accounts.recognition import badges_of

register = template.Library()


@register.filter(name="badges_of")
def badges_of_filter(keys):
    """Stored badge keys (MentorProfile.badges) -> the badges with their labels and rules."""
    return badges_of(keys)
