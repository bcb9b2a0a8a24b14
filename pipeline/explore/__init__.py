"""Exploration: tidy tables for notebooks, plots and the HTML report."""
