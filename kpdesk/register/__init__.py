"""The broker register: employers, their contact persons and competence needs."""
