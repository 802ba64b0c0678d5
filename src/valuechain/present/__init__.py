"""Presentation: figures for reports, the tables the command line prints, and the ODD
generator."""
