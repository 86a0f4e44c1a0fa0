"""Rendering: docxtpl templates, the OOXML text path, page layout, PDF and template lint."""
