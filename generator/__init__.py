"""vanban: Vietnamese administrative documents (Kế hoạch, Phụ lục) from plan data."""

__version__ = "0.1.0"
