"""Audit event names owned by the information rights app."""

from cairn.audit.registry import Action, register

A = Action
for _name, _action, _description in [
    ("rights.request_logged", A.COLLECTION, "A rectification or restriction request was logged"),
    ("rights.request_extended", A.ALTERATION, "A rights request's time limit was extended"),
    ("rights.identity_confirmed", A.ALTERATION, "IG confirmed a rights requester's identity"),
    ("rights.request_closed", A.ALTERATION, "A rights request was answered (its outcome)"),
    ("rights.request_viewed", A.CONSULTATION, "A rights request was viewed"),
    ("rights.requests_listed", A.CONSULTATION, "The list of rights requests was viewed"),
    ("rights.restricted", A.ALTERATION, "Processing of a record was restricted"),
    ("rights.restriction_lifted", A.ALTERATION, "A restriction of processing was lifted"),
    (
        "rights.restricted_duplicate_flagged",
        A.COMBINATION,
        "A new record strongly matching a restricted one was flagged to IG",
    ),
    (
        "rights.restricted_duplicate_decided",
        A.ALTERATION,
        "IG decided whether a flagged new record is the restricted record's person",
    ),
    (
        "rights.restricted_duplicate_viewed",
        A.CONSULTATION,
        "IG compared a flagged new record with the restricted record",
    ),
    (
        "rights.restricted_duplicates_listed",
        A.CONSULTATION,
        "The list of possible duplicates of restricted records was viewed",
    ),
]:
    register(_name, _action, _description)

for _name, _action, _description in [
    ("rights.sar_logged", A.COLLECTION, "A subject access request was logged"),
    (
        "rights.sar_identity_confirmed",
        A.ALTERATION,
        "IG confirmed a subject access requester's identity",
    ),
    ("rights.sar_extended", A.ALTERATION, "A subject access request's time limit was extended"),
    ("rights.sar_searched", A.CONSULTATION, "Records that may be a SAR requester's were listed"),
    (
        "rights.sar_records_confirmed",
        A.COMBINATION,
        "Records were confirmed as a SAR requester's and the bundle built",
    ),
    ("rights.sar_viewed", A.CONSULTATION, "A subject access bundle was viewed"),
    ("rights.sars_listed", A.CONSULTATION, "The list of subject access requests was viewed"),
    ("rights.sar_redacted", A.ALTERATION, "Part of a subject access bundle was redacted"),
    ("rights.sar_part_approved", A.ALTERATION, "An agency approved its part of a SAR bundle"),
    (
        "rights.sar_source_words_confirmed",
        A.ALTERATION,
        "IG confirmed, with a reason, that words which may identify a partner as the police's "
        "source go out in a SAR disclosure",
    ),
    (
        "rights.sar_part_taken_over",
        A.ALTERATION,
        "The handling IG took over an agency's unapproved part of a SAR bundle",
    ),
    (
        "rights.sar_withholding_undone",
        A.ALTERATION,
        "A withheld record was put back into a SAR bundle",
    ),
    (
        "rights.sar_closed",
        A.ALTERATION,
        "A subject access request was withdrawn or closed without disclosure",
    ),
    (
        "rights.sar_possible_entries_viewed",
        A.CONSULTATION,
        "Entries naming a SAR requester in words only (not linked) were viewed",
    ),
    (
        "rights.sar_possible_entry_decided",
        A.ALTERATION,
        "IG decided whether an entry naming a SAR requester is about them",
    ),
    (
        "rights.sar_source_named",
        A.ALTERATION,
        "A SAR bundle names the partner that gave the police an intelligence entry",
    ),
    (
        "rights.sar_source_hidden",
        A.ALTERATION,
        "A SAR bundle gives a partner's intelligence entry as held by the police again",
    ),
    ("rights.sar_disclosed", A.DISCLOSURE, "A subject access bundle was disclosed"),
    ("rights.sar_pdf_downloaded", A.DISCLOSURE, "A disclosed SAR bundle's PDF was downloaded"),
]:
    register(_name, _action, _description)
