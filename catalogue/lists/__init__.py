"""The county's lists declared once: each list's fields with their Chinese names and forms,
which fields the regulations require for each kind of record, and the completeness check."""
