"""Presentation: figures for reports (:mod:`.figures` from results tables,
:mod:`.sensitivity_figures` from a sweep's sensitivity indices), the tables the command line
prints, the report of a study (:mod:`.report`), and the ODD generator."""
