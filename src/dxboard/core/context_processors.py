from dxboard.accounts.permissions import is_admin


def roles(request):
    return {"user_is_admin": is_admin(getattr(request, "user", None))}
