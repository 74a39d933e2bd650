"""Printed reports (PDF): matching summary, offer summary, meeting handout, week schedule, door sign.

Each report module has a ``load`` function that reads plain data in one database session and a
pure ``build`` function that turns that data into PDF bytes with the one shared look
(``kpdesk.reports.style``). ``kpdesk.reports.report_loader`` is the single entry the command line and
the GUI use. ReportLab is not thread-safe: ``style.build_pdf`` builds one report at a time, and
the GUI runs them on its single worker thread.
"""
