"""What an Open311 client sends about the reporter and the place, checked before anything is stored.

The web form's fields carry their own limits; a client posts raw text, and what does not fit the model
(PersonalData's lengths, an e-mail address) or the province (a point at 0, 0 — a phone without a fix — or
outside the province's box) is refused with the spec's 400 error list instead of being cut or stored.
Each error names the field in words, in the reader's language.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_noop

from dxboard.core.i18n import named

from ..models import PersonalData, province_name


def _max(field: str) -> int:
    return PersonalData._meta.get_field(field).max_length


def reporter(first_name: str, last_name: str, phone: str, email: str) -> list[tuple[str, dict]]:
    """The reporter's fields that cannot be stored as sent: (message, parameters) for each."""
    found = []
    first_name, last_name = first_name.strip(), last_name.strip()
    name = " ".join(p for p in (first_name, last_name) if p)
    if len(first_name) > _max("name"):
        found.append((gettext_noop("The first name is longer than %(n)s characters."), {"n": _max("name")}))
    elif len(name) > _max("name"):
        found.append((gettext_noop("The first and last name together are longer than %(n)s characters."),
                      {"n": _max("name")}))
    if len(phone.strip()) > _max("phone"):
        found.append((gettext_noop("The phone number is longer than %(n)s characters."), {"n": _max("phone")}))
    if email.strip():
        try:
            if len(email.strip()) > _max("email"):
                raise ValidationError("too long")
            validate_email(email.strip())
        except ValidationError:
            found.append((gettext_noop("The e-mail address is not valid."), {}))
    return found


def province_bounds() -> tuple[float, float, float, float]:
    """South, west, north, east of the province (FEEDBACK_PROVINCE_BOUNDS): the units data holds each
    commune's centre only, not its boundary, so the box is a setting."""
    south, west, north, east = (float(v) for v in settings.FEEDBACK_PROVINCE_BOUNDS)
    return south, west, north, east


def point(lat: float, lon: float) -> tuple[str, dict] | None:
    """Why a point cannot be the place of a report, or None."""
    if lat == 0 and lon == 0:
        return gettext_noop("The location 0, 0 is not a place: send the point where the problem is."), {}
    south, west, north, east = province_bounds()
    if not (math.isfinite(lat) and math.isfinite(lon) and south <= lat <= north and west <= lon <= east):
        return (gettext_noop("The location %(lat)s, %(long)s is outside %(province)s."),
                {"lat": lat, "long": lon, "province": named(province_name())})
    return None
