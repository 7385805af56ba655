"""``python -m pipeline.services up|down|status|install``."""

from pipeline.services.cli import app

app(prog_name="centinela services")
