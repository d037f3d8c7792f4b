from django.apps import AppConfig


class PrelabelConfig(AppConfig):
    name = "prelabel"
