"""Disruption pages, one module per tactic family (`tactics`, `cawns`, `markers`,
`vehicles`, `locations`, `plans`), routed in cairn/disruption/urls.py. Views parse input,
call one service or selector, and render."""
