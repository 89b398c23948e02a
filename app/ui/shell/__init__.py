"""The program around the areas: application, main window, tray, single instance, bridge."""
