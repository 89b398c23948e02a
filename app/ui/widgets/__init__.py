"""Widgets and helpers shared by the areas and dialogs."""
