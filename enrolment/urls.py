from django.urls import path

from . import views

app_name = "enrolment"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("join/<str:token>/", views.join, name="join"),
    path("<int:enrolment_pk>/profile/", views.profile, name="profile"),
    path("<int:enrolment_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("cohorts/<int:cohort_pk>/invite/", views.invite, name="invite"),
    path("invitations/<int:invitation_pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("cohorts/<int:cohort_pk>/review/", views.review, name="review"),
    path("<int:enrolment_pk>/review/", views.application_review, name="application-review"),
    path("<int:enrolment_pk>/promote/", views.promote, name="promote"),
    path("<int:enrolment_pk>/admin-withdraw/", views.admin_withdraw, name="admin-withdraw"),
    path("<int:enrolment_pk>/move/", views.move, name="move"),
    path("<int:enrolment_pk>/capacity/", views.mentor_capacity, name="mentor-capacity"),
    path("<int:enrolment_pk>/activation/", views.activation_resend, name="activation-resend"),
]
