"""Every new programme starts with the default modules. Programmes (below training) cannot import
training, so training listens for their creation."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from programmes.models import Programme

from . import services


@receiver(post_save, sender=Programme, dispatch_uid="training-defaults-for-new-programme")
def _defaults_for_new_programme(sender, instance, created, raw=False, **kwargs):
    # raw: loaded from a fixture, which brings its own modules.
    if created and not raw:
        services.defaults_install(programme=instance)
