"""The Data area: things of each data type, privacy rules and triggers."""
