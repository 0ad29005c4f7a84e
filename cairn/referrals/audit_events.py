"""Audit event names owned by the referrals app. Every lifecycle transition is a
disclosure to the referral's recipient (DPA 2018 s.62)."""

from cairn.audit.registry import Action, register

register("referral.started", Action.COLLECTION, "A referral was started (draft)")
register("referral.draft_saved", Action.ALTERATION, "A referral draft was saved")
register("referral.draft_discarded", Action.ERASURE, "A draft referral was deleted")
register("referral.submitted", Action.DISCLOSURE, "A referral was sent to its recipient")
register("referral.acknowledged", Action.DISCLOSURE, "A referral was acknowledged")
register("referral.accepted", Action.DISCLOSURE, "A referral was accepted")
register("referral.declined", Action.DISCLOSURE, "A referral was declined")
register("referral.withdrawn", Action.DISCLOSURE, "A referral was withdrawn")
register("referral.viewed", Action.CONSULTATION, "A referral was viewed")
register("referral.listed", Action.CONSULTATION, "Referrals were listed")
register("referral.mash_decided", Action.DISCLOSURE, "A MASH screening decision was recorded")
register("referral.strategy_recorded", Action.COLLECTION, "A strategy discussion was recorded")
register("referral.ho_reference", Action.ALTERATION, "A Home Office NRM reference was recorded")
register("referral.nrm_decided", Action.ALTERATION, "An NRM grounds decision was recorded")
register("referral.pdf_downloaded", Action.DISCLOSURE, "A referral was downloaded as a PDF")
register("referral.exported", Action.DISCLOSURE, "An NRM referral was exported as JSON")
register("referral.overdue_flagged", Action.DISCLOSURE, "Overdue referrals were flagged")
register("referral.escalated", Action.DISCLOSURE, "Unacknowledged PPU notifications escalated")
