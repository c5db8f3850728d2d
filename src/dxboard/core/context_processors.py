import functools

from dxboard.accounts.permissions import is_admin


def roles(request):
    user = getattr(request, "user", None)

    @functools.cache
    def unread() -> int:
        """Counted only when a template shows it (the page's bell), not for every partial (autosaves)."""
        if user is None or not user.is_authenticated:
            return 0
        from .models import Notification

        return Notification.objects.filter(user=user, read=False).count()

    return {"user_is_admin": is_admin(user), "unread_notifications": unread}
