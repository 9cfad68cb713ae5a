from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.sso.provider.models import Person


class DirectoryValidator(OAuth2Validator):
    """The claims a directory sends: names, email, groups, the employee number, and `amr`
    saying how the person proved who they are (RFC 8176: "pwd", plus "mfa" and "otp" when
    a second factor was asked)."""

    oidc_claim_scope = None  # every claim in the ID token and from userinfo

    def get_additional_claims(self, request):
        user = request.user
        person = Person.objects.filter(user=user).first()
        claims = {
            "preferred_username": user.username,
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "amr": ["pwd", "mfa", "otp"] if person and person.second_factor else ["pwd"],
        }
        if person and person.employee_id:
            claims["employee_id"] = person.employee_id
        if person and person.title:
            claims["title"] = person.title
        return claims
