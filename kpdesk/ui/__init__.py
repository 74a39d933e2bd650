"""All Qt code of kpdesk. Widgets format and forward; rules and queries live in kpdesk/."""
