from django.apps import AppConfig


class PoleConfig(AppConfig):
    name = "cairn.pole"
    label = "pole"
    verbose_name = "People, objects, locations and links"
