"""Alignment of international instruments with Ukrainian law: concepts, retrieval, statuses with evidence."""
