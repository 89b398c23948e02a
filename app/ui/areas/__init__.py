"""The sidebar areas of the main window, one module or sub-package each."""
