from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.IntegrationTokenAuthentication"
    name = "IntegrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration token made in the admin: `Authorization: Bearer <token>`.",
        }
