"""{% mentor_card_values profile as card %}: what a mentor card shows, worked out in Python once.

The card (templates/accounts/_mentor_card.html) is drawn 12 times a directory page; reading each
value through the template engine (attribute lookups that try a dict first, floatformat,
pluralize, join, the loops' counters) made the cards about half of the page's Python time. The
card reads these values from a plain dict instead; `profile` stays in the card's context for
anything else.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

CARD_SKILLS = 6  # skills a card shows


@register.simple_tag
def mentor_card_values(profile) -> dict:
    user = profile.user
    name = user.display_name
    count = profile.rating_count
    years = profile.years_experience
    return {
        "url": profile.get_absolute_url(),
        "name": name,
        "initial": name[:1].upper(),
        "photo_url": profile.photo.url if profile.photo else "",
        "colleague": bool(getattr(profile, "is_colleague", False)),
        "internal": profile.visibility == "internal",
        "headline": profile.headline,
        "rating": floatformat(profile.rating_average, 1) if count else "",
        "reviews": f"{count} review{'' if count == 1 else 's'}",
        "experience": f"{years} yr{'' if years == 1 else 's'} experience",
        "lengths": "/".join(str(n) for n in profile.session_lengths),
        "accepting": profile.accepting_bookings,
        "skills": [skill["name"] for skill in getattr(profile, "skill_list", [])[:CARD_SKILLS]],
        "languages": ", ".join(lang["name"] for lang in getattr(profile, "language_list", [])),
    }
