"""The navigation's organisation entries, read only when a page renders them (from the cache)."""

from django.utils.functional import SimpleLazyObject

from orgs.selectors_members import nav_organisations


def organisations(request):
    user = getattr(request, "user", None)
    return {"my_organisations": SimpleLazyObject(lambda: nav_organisations(user=user))}
