"""OpenAPI description of the source-system token (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SourceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dxboard.kpi.api.auth.SourceTokenAuthentication"
    name = "sourceToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Token of a source system (one per system; writes its allowed metrics only)."}
