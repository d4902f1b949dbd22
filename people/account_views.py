"""The login, password reset and account activation pages: Django's auth views, in the product's look
(templates/registration/), saying what the link someone followed is for."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from . import accounts, lockout


class _SaysWhatNextIs:
    """Adds `purpose` ("open your mentoring workspace") for the page's `next`."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["purpose"] = accounts.purpose_of(self.next_url())
        return context

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next")
        return accounts.safe_next(url, host=self.request.get_host())


class LoginView(_SaysWhatNextIs, auth_views.LoginView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, throttled by address and by client (people/lockout.py)."""

    form_class = accounts.OutboxPasswordResetForm

    def form_valid(self, form):
        verdict = lockout.password_reset_verdict(self.request, email=form.cleaned_data["email"])
        if verdict is lockout.ResetVerdict.REFUSE:
            wait = lockout.password_reset_wait()
            return lockout.locked_out_page(self.request, wait=wait, reason="password_reset")
        if verdict is lockout.ResetVerdict.QUIET:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class _NewPasswordUnlocks:
    """Choosing a password from an emailed link ends a lockout on that login (the lockout page
    suggests it): whoever holds the mailbox is the person, not a guesser."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.login_unlock(username=form.user.get_username())
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(_NewPasswordUnlocks, auth_views.PasswordResetConfirmView):
    pass


@method_decorator(login_not_required, name="dispatch")
class ActivateView(_SaysWhatNextIs, _NewPasswordUnlocks, auth_views.PasswordResetConfirmView):
    """The link in an activation email: choose a password, be logged in, go on to `next`.

    Django's view keeps the token out of the address bar (and so out of Referer headers): it moves it
    into the session and redirects; `next` is kept in the session across that redirect."""

    NEXT_KEY = "_activation_next"
    token_generator = accounts.activation_tokens
    template_name = "registration/activate.html"
    post_reset_login = True
    post_reset_login_backend = "people.backends.RolesModelBackend"
    reset_url_token = "set-password"  # noqa: S105 - a path segment, not a secret
    success_url = reverse_lazy("home")

    def dispatch(self, *args, **kwargs):
        if "next" in self.request.GET:
            self.request.session[self.NEXT_KEY] = accounts.safe_next(
                self.request.GET["next"], host=self.request.get_host()
            )
        return super().dispatch(*args, **kwargs)

    def next_url(self) -> str:
        return self.request.session.get(self.NEXT_KEY, "")

    def get_success_url(self):
        return self.request.session.pop(self.NEXT_KEY, "") or str(self.success_url)
