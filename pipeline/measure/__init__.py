"""Measurement: theme evaluation, segmentation evaluation against gold, and benchmarks."""
