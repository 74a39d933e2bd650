"""The meeting place's bookings: one idea per module, imported from the module itself.

- ``inputs``: ``BookingData`` and ``validate_booking`` (raw text -> typed data, Norwegian messages)
- ``times``: parsing and saying wall-clock times (Europe/Oslo, stored naive)
- ``recurrence``: RFC 5545 RRULE text, checked and expanded by python-dateutil
- ``holidays``: Norwegian holidays (``holidays_between`` for the week view)
- ``conflicts``: the batched, indexed overlap query; ``Conflicts``, ``Clash``, ``ConflictError``
- ``planning``: ``plan_booking``: dates, holidays and conflicts before anything is written
- ``service``: every write (create, one occurrence, this and following, whole series, cancel)
- ``snapshots``: undo of any write
- ``reads``: ``BookingRow``, ``SeriesRow``, and ``BookingData`` to fill the dialog
- ``week``: ``week_schedule`` for the week view and the printed schedule
- ``finder``: free rooms and the nearest free times
- ``usage``: hours booked against opening hours, per room and month
- ``imports``: the CSV importers for rooms and bookings

Nothing is imported here, so ``import kpdesk.booking.times`` stays cheap and free of cycles.
"""
