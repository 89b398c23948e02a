"""The Scheduler area: upcoming runs, the timeline and the history."""
