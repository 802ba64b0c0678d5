"""The report of a study: its tables and figures, in English or Bahasa Indonesia."""
