"""Shared by every feature: Norwegian text and formats, org numbers, code lists, reference data,
list filtering, atomic files, the CSV reader and writer, errors, paths and the crash log. Imports
nothing else of kpdesk."""
