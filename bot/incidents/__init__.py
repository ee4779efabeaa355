"""Incident reports to SLT and the case they run on each, with its audit trail."""
