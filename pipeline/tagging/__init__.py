"""Tagging: agency mentions linked to canonical ids, and the norms (task, power, duty, prohibition) they bear."""
