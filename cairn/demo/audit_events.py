"""Audit event names owned by the demo app."""

from cairn.audit.registry import Action, register

register("demo.loaded", Action.COLLECTION, "Synthetic demo data was loaded")
