"""Matching needs to offers: the pure engine (``engine``, no database) and its database side
(``persistence``: inputs, thesaurus, decisions; ``run``: one run over the whole database)."""
