"""The digest's chart: response times per week against the policy's 24-hour line."""

from __future__ import annotations

import io
from datetime import datetime


def response_chart(series: list[tuple[datetime, list[float]]]) -> bytes:
    """A PNG: each week's response times (hours) as a box, with the 24-hour deadline marked."""
    import matplotlib  # heavy, and needed once a week: imported here, not at start-up

    matplotlib.use("Agg")  # no screen on a server
    import matplotlib.pyplot as plt

    labels = [start.strftime("%-d %b") for start, _ in series]
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        axes.boxplot([hours or [float("nan")] for _, hours in series], tick_labels=labels)
        axes.axhline(24, color="#c0392b", linestyle="--", label="24-hour limit")
        axes.set_ylabel("Hours to reply")
        axes.set_xlabel("Week starting")
        axes.set_title("Replies to comments on school accounts, last 8 weeks")
        axes.legend(loc="upper right")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
