"""Subcommands of ``kpdesk``; see ``kpdesk.cli`` for the shape each module follows."""
