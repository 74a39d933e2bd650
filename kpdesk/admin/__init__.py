"""The centre's own administration: privacy rights, retention, the centre profile, the audit log view
and the one-line summary of a database."""
