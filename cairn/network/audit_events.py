"""Audit event names owned by the network app."""

from cairn.audit.registry import Action, register

register("person.matched", Action.CONSULTATION, "Possible matches for a person were looked up")
register("person.merged", Action.COMBINATION, "Two person records were merged")
register("person.unmerged", Action.COMBINATION, "A merge of two person records was undone")
register("candidates.viewed", Action.CONSULTATION, "The duplicate review queue was viewed")
register("merges.viewed", Action.CONSULTATION, "Merges of person records were viewed")
register("candidate.rejected", Action.ALTERATION, "A candidate pair was marked not the same")
register("linkage.run", Action.COMBINATION, "Batch linkage filled the duplicate review queue")
register("network.viewed", Action.CONSULTATION, "A person's network was viewed")
register("network.exported", Action.DISCLOSURE, "A network was exported for analysis")
