"""The Tianzhu demo catalogue: a shipped data file of demo records and its idempotent loader."""

from catalogue.demo.data import DEMO_FILE, DemoData, DemoDataError, read_demo
from catalogue.demo.loader import DemoConflictError, DemoReport, load_demo, remove_demo

__all__ = [
    "DEMO_FILE",
    "DemoConflictError",
    "DemoData",
    "DemoDataError",
    "DemoReport",
    "load_demo",
    "read_demo",
    "remove_demo",
]
