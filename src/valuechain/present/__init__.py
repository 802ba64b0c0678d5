"""Presentation: figures for reports (:mod:`.figures` from results tables,
:mod:`.sensitivity_figures` from a sweep's sensitivity indices), the tables the command line
prints, and the ODD generator."""
