"""Insights: pure functions over ``relmap.store.Frames`` (no Streamlit, no SQL).

Entry points: ``build_report(frames, as_of)`` (everything, JSON-ready), and per topic
``prepare`` -> ``job_changes``, ``champions``, ``moved_champions``, ``account_risk``,
``warm_paths``, ``account_timeline``, ``next_contacts``.
"""

from relmap.insights.report import build_report, report_text

__all__ = ["build_report", "report_text"]
