"""``valuechain report``: a study's results as a policy brief (HTML, PDF, XLSX and figures).

``document`` holds the neutral model of a report (sections of paragraphs, tables and
figures); ``html`` and ``pdf`` render it.
"""
