"""Person matching: shared comparison levels, in-process online matching and Splink
batch linkage."""
