"""Figures for SLT and governors: the weekly digest and the CSV report."""
