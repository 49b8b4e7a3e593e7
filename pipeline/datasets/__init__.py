"""Annotation datasets: export units (with the tagger's predictions as pre-annotations) to the formats of
annotation tools, import finished annotations back into annotations/ (stand-off), measure agreement."""
