"""The job: options, entry points (run, daily, rejects) and the graph."""
import logging


class _DropBeamImportNoise(logging.Filter):
    """Beam warns at import that BigQuery libraries are missing; this job
    never uses BigQuery, and the warning misleads users into installing them.
    Installed here, before any entry point imports Beam."""

    def filter(self, record):
        return 'apitools not found' not in record.getMessage()


logging.getLogger().addFilter(_DropBeamImportNoise())
