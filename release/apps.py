from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    """Dataset releases: the top floor. It reads annotation, review and prelabel; nothing imports it."""

    name = "release"
