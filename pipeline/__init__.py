"""govthemes: clean AI-governance statements, split them into clauses, tag them with themes.

The steps, one module each: ``read`` (files to documents), ``repair`` and ``clean`` (documents
to passages with attribution), ``segment`` (passages to clauses, a spaCy pipeline), ``process``
(the job that runs them, deduplicates and streams rows), ``model`` and ``classify`` (themes),
``tables``, ``plots`` and ``report`` (analysis), ``cli`` (the ``govthemes`` command).
"""
