"""A real OpenID Connect provider for the single sign-on tests (django-oauth-toolkit), run as its own
Django project in a subprocess on 127.0.0.1: serve.py starts it, server.py is the pytest fixture."""
