"""Audit event names owned by the notifications app."""

from cairn.audit.registry import Action, register

register("notification.listed", Action.CONSULTATION, "The notifications inbox was viewed")
