"""KPIs on the home page: the latest alerts the person may see, with a link to the overview."""

from django.utils.translation import gettext as _

from dxboard.core.panels import Panel

from .models import Alert


def home_panels(request) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    alerts = list(Alert.objects.restrict(user).select_related("rule__metric", "unit")[:8])
    return [Panel(_("Operating figures (KPIs)"), "kpi/panel.html", {"alerts": alerts}, 45)]
