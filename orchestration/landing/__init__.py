"""Shared landing mechanics: find files, recognize them by content, land them losslessly."""
