"""The agreement view."""
