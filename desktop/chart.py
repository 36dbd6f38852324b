"""Small charts drawn with Qt's own painting (no plotting library, nothing rendered
elsewhere): lines over time with an optional reference line, and stacked bars per day.
They only draw what they are given; ``agent.monitor.series`` computes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop.qt import (
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPointF,
    QPolygonF,
    QRectF,
    QSize,
    Qt,
    QWidget,
)

__all__ = ["COLORS", "BarChart", "LineChart"]

# Told apart by people with the common colour-vision deficiencies (Okabe-Ito).
COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 52, 10, 24, 22

Point = tuple[float, float]


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


class _Chart(QWidget):
    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.unit = unit
        self.empty_text = self.tr("No turns yet")  # what an empty chart says
        self.setAccessibleName(title)
        self.setMinimumSize(280, 170)

    def sizeHint(self) -> QSize:
        return QSize(380, 210)

    def _plot_area(self) -> QRectF:
        return QRectF(
            _MARGIN_LEFT,
            _MARGIN_TOP,
            max(10, self.width() - _MARGIN_LEFT - _MARGIN_RIGHT),
            max(10, self.height() - _MARGIN_TOP - _MARGIN_BOTTOM),
        )

    def _frame(self, p: QPainter, top: float, empty: bool) -> QRectF:
        """Title, axes and the y scale from 0 to ``top``; the plot area."""
        text = self.palette().color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        title = f"{self.title} ({self.unit})" if self.unit else self.title
        p.drawText(QRectF(4, 2, self.width() - 8, 20), Qt.AlignmentFlag.AlignLeft, title)
        area = self._plot_area()
        p.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        p.drawLine(area.bottomLeft(), area.bottomRight())
        p.drawLine(area.bottomLeft(), area.topLeft())
        if empty:
            p.setPen(text)
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return area
        p.setPen(text)
        for frac in (0.0, 0.5, 1.0):
            y = area.bottom() - frac * area.height()
            label = _number(top * frac)  # the unit is in the title: long labels would clip
            p.drawText(QRectF(0, y - 8, _MARGIN_LEFT - 4, 16), Qt.AlignmentFlag.AlignRight, label)
        return area

    def _legend(self, p: QPainter, names: Sequence[str]) -> None:
        x = float(self.width() - _MARGIN_RIGHT)
        for n, name in reversed(list(enumerate(names))):
            width = p.fontMetrics().horizontalAdvance(name)
            x -= width + 18
            p.fillRect(QRectF(x, 8, 10, 10), QColor(COLORS[n % len(COLORS)]))
            p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            p.drawText(QRectF(x + 13, 2, width + 4, 20), Qt.AlignmentFlag.AlignLeft, name)


class LineChart(_Chart):
    """Values over time, one line per name, and an optional dashed reference line (a
    budget). Times are seconds since the epoch."""

    def __init__(self, title: str, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, unit, parent)
        self.series: dict[str, list[Point]] = {}
        self.reference: tuple[str, float] | None = None

    def set_series(
        self, series: dict[str, list[Point]], reference: tuple[str, float] | None = None
    ) -> None:
        self.series = {k: sorted(v) for k, v in series.items() if v}
        self.reference = reference
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        points = [pt for pts in self.series.values() for pt in pts]
        top = max([y for _, y in points] + [self.reference[1] if self.reference else 0.0])
        area = self._frame(p, top * 1.1 or 1.0, not points)
        if not points:
            return
        top = top * 1.1 or 1.0
        t0, t1 = min(t for t, _ in points), max(t for t, _ in points)
        span = (t1 - t0) or 1.0

        def at(t: float, y: float) -> QPointF:
            x = area.left() + (t - t0) / span * area.width() if t1 > t0 else area.center().x()
            return QPointF(x, area.bottom() - y / top * area.height())

        for n, pts in enumerate(self.series.values()):
            color = QColor(COLORS[n % len(COLORS)])
            p.setPen(QPen(color, 2))
            p.drawPolyline(QPolygonF([at(t, y) for t, y in pts]))
            p.setBrush(color)
            for t, y in pts:
                p.drawEllipse(at(t, y), 2.5, 2.5)
        if self.reference is not None:
            label, value = self.reference
            y = area.bottom() - value / top * area.height()
            p.setPen(QPen(QColor("#D55E00"), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.drawText(QRectF(area.left() + 4, y - 16, area.width(), 14),
                       Qt.AlignmentFlag.AlignLeft, label)  # fmt: skip
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        fmt = "%m-%d %H:%M" if span < 3 * 86400 else "%Y-%m-%d"
        for t, align in ((t0, Qt.AlignmentFlag.AlignLeft), (t1, Qt.AlignmentFlag.AlignRight)):
            text = dt.datetime.fromtimestamp(t).strftime(fmt)
            p.drawText(QRectF(area.left(), area.bottom() + 3, area.width(), 18), align, text)
        self._legend(p, list(self.series))


class BarChart(_Chart):
    """Counts per label (a day), stacked: one colour per named part."""

    def __init__(self, title: str, unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, unit, parent)
        self.labels: list[str] = []
        self.stacks: dict[str, list[int]] = {}

    def set_bars(self, labels: Sequence[str], stacks: dict[str, list[int]]) -> None:
        self.labels = list(labels)
        self.stacks = dict(stacks)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        totals = [sum(parts) for parts in zip(*self.stacks.values(), strict=True)] or [0]
        top = max(totals) or 1
        area = self._frame(p, float(top), not self.labels)
        if not self.labels:
            return
        slot = area.width() / len(self.labels)
        width = max(2.0, min(28.0, slot * 0.7))
        for i in range(len(self.labels)):
            base = area.bottom()
            x = area.left() + slot * i + (slot - width) / 2
            for n, values in enumerate(self.stacks.values()):
                h = values[i] / top * area.height()
                if h:
                    p.fillRect(QRectF(x, base - h, width, h), QColor(COLORS[n % len(COLORS)]))
                base -= h
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        first, last = self.labels[0][5:], self.labels[-1][5:]  # MM-DD
        p.drawText(QRectF(area.left(), area.bottom() + 3, area.width(), 18),
                   Qt.AlignmentFlag.AlignLeft, first)  # fmt: skip
        if len(self.labels) > 1:
            p.drawText(QRectF(area.left(), area.bottom() + 3, area.width(), 18),
                       Qt.AlignmentFlag.AlignRight, last)  # fmt: skip
        self._legend(p, list(self.stacks))
