"""Annotation: records in the ANNOTATION.md §4 format, and batches exported to and imported from annotators."""
