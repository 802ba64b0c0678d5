"""``valuechain report``: a study's results as a policy brief (HTML, PDF, XLSX and figures),
in English or Bahasa Indonesia.

``tables`` and ``figures`` compute the report's tables and figures from the runs;
``document`` holds the neutral model of a report (sections of paragraphs, tables and
figures); ``html`` and ``pdf`` render it.
"""

from valuechain.present.report.tables import ReportTable, report_tables, write_tables

__all__ = ["ReportTable", "report_tables", "write_tables"]
