"""Dialogs opened from the menus: import and export, backups, centre profile, retention, thesaurus, about."""
