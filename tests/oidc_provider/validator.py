from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaimsValidator(OAuth2Validator):
    """The `email` scope gives the user's email and whether it is verified (django-oauth-toolkit maps
    both claims to that scope): a user whose last name is "unverified" stands for an address the
    provider has not confirmed."""

    def get_additional_claims(self, request):
        return {"email": request.user.email, "email_verified": request.user.last_name != "unverified"}
