"""Input and output: reading raw files, writing rows, the result cache and model files."""
