"""The county's published lists: models, the 32-character code, importers, workflow rules, audit."""
