"""Indicators (指标管理): catalogue and targets, yearly entry, review, analysis, reporting progress, values Excel."""
