"""The meeting place's widgets: week schedule, booking dialog, free-room finder, usage, its menu."""
