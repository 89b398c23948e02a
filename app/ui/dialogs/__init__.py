"""Dialogs opened from the areas: run and schedule, add a thing, import examples."""
