"""Themes: the taxonomy (``themes.json``), the features, the theme model and the classify step."""
