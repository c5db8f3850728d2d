from dxboard.accounts.permissions import is_admin


def roles(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from .models import Notification

        unread = Notification.objects.filter(user=user, read=False).count()
    return {"user_is_admin": is_admin(user), "unread_notifications": unread}
