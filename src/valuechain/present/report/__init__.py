"""The report of a study (``valuechain report``): its tables (:mod:`.tables`), figures and
documents, in English or Bahasa Indonesia."""

from valuechain.present.report.tables import ReportTable, report_tables, write_tables

__all__ = ["ReportTable", "report_tables", "write_tables"]
