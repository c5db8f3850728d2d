"""Row-level permission as a queryset method, the NetBox way.

Every model that belongs to a unit names the lookup to that unit in `unit_path`, and every view and
API asks `Model.objects.restrict(user, action)`. No view decides by itself whether an object is
"mine"; an object outside the user's scope is simply not in the queryset, so it answers 404.
"""

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from dxboard.accounts.permissions import EVERYTHING, scope

        allowed = scope(user, action, self.model)
        if allowed is EVERYTHING:
            return self
        if not allowed:
            return self.none()
        return self.filter(**{f"{self.model.unit_path}__in": allowed})
