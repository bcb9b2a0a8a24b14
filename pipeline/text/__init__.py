"""Text steps: repair encoding debris, clean a page into passages with attribution, segment passages into clauses, fold text for features."""
