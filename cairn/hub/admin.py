"""Admin for the Hub's set-up only (member agencies, representatives, thresholds). Case
data (meetings, actions) is changed through the services, never here."""

from django.contrib import admin

from cairn.accounts.admin import AuditedAdmin

from .models import HubMember, HubSetup


@admin.register(HubSetup)
class HubSetupAdmin(AuditedAdmin):
    list_display = ["name", "chair", "frequent_missing_count", "frequent_missing_days"]


@admin.register(HubMember)
class HubMemberAdmin(AuditedAdmin):
    list_display = ["agency", "representative", "deputy"]
