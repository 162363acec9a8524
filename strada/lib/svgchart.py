"""The geometry of simple bar and column charts, for templates to draw as inline SVG.

Charts are drawn on the server so that pages load no script and the same drawing goes into a PDF.
The functions here only compute coordinates; the template writes the ``<rect>`` and ``<text>``
elements with presentation attributes (``fill``, ``x``...), never ``style`` (the content security
policy forbids inline styles). Each item may have several stacked segments; a value shown as text
("at least 12", "suppressed") is the caller's, so that an unknown figure is never drawn as 0.
Framework-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PALETTE = ("#2f5d8a", "#d08c2b", "#6a9f58", "#9c4f96", "#c4473a")
LABEL_CHARS = 28  # labels are cut to this many characters (the table beside has them whole)


@dataclass(frozen=True)
class Segment:
    value: float
    fill: str = PALETTE[0]


@dataclass(frozen=True)
class Item:
    label: str
    segments: tuple[Segment, ...]
    text: str  # the figure as the table shows it

    @property
    def total(self) -> float:
        return sum(max(segment.value, 0.0) for segment in self.segments)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Mark:
    label: str
    text: str
    label_x: float
    label_y: float
    text_x: float
    text_y: float
    rects: tuple[Rect, ...]


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    marks: tuple[Mark, ...]
    axis: tuple[float, float, float, float] = (0, 0, 0, 0)  # x1, y1, x2, y2
    legend: tuple[tuple[str, str, float], ...] = field(default=())  # (label, fill, x)
    label_anchor: str = "end"
    text_anchor: str = "start"

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def legend_y(self) -> float:
        return self.height - 8


def item(label: str, text: str, *values: float | None) -> Item:
    """An item with one segment per value (None counts as nothing drawn), in palette order."""
    segments = tuple(
        Segment(float(value or 0), PALETTE[index % len(PALETTE)])
        for index, value in enumerate(values)
    )
    return Item(label, segments, text)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _scale(items: list[Item]) -> float:
    return max((entry.total for entry in items), default=0.0) or 1.0


def horizontal_bars(
    items: list[Item],
    width: float = 640,
    bar_height: float = 18,
    gap: float = 6,
    label_width: float = 190,
    text_width: float = 110,
) -> Chart:
    """One bar per item, top to bottom: the label on the left, the figure's text on the right."""
    top = 4.0
    plot = width - label_width - text_width
    scale = plot / _scale(items)
    marks = []
    for index, entry in enumerate(items):
        y = top + index * (bar_height + gap)
        x = label_width
        rects = []
        for segment in entry.segments:
            length = max(segment.value, 0.0) * scale
            if length > 0:
                rects.append(Rect(round(x, 1), y, round(length, 1), bar_height, segment.fill))
            x += length
        marks.append(
            Mark(
                label=_short(entry.label),
                text=entry.text,
                label_x=label_width - 6,
                label_y=y + bar_height * 0.72,
                text_x=round(x + 6, 1),
                text_y=y + bar_height * 0.72,
                rects=tuple(rects),
            )
        )
    height = top * 2 + max(len(items), 1) * (bar_height + gap)
    return Chart(width, height, tuple(marks), (label_width, 0, label_width, height - top))


def columns(
    items: list[Item],
    width: float = 640,
    plot_height: float = 180,
    legend: tuple[str, ...] = (),
) -> Chart:
    """One column per item, left to right: the figure's text above, the label below."""
    top, bottom = 22.0, 24.0
    legend_height = 20.0 if legend else 0.0
    slot = width / max(len(items), 1)
    column = min(slot * 0.6, 60)
    scale = plot_height / _scale(items)
    base = top + plot_height
    marks = []
    for index, entry in enumerate(items):
        x = index * slot + (slot - column) / 2
        y = base
        rects = []
        for segment in entry.segments:
            length = max(segment.value, 0.0) * scale
            if length > 0:
                y -= length
                rects.append(Rect(round(x, 1), round(y, 1), round(column, 1), round(length, 1),
                                  segment.fill))  # fmt: skip
        centre = round(x + column / 2, 1)
        marks.append(
            Mark(
                label=_short(entry.label),
                text=entry.text,
                label_x=centre,
                label_y=base + 16,
                text_x=centre,
                text_y=round(y - 6, 1),
                rects=tuple(rects),
            )
        )
    keys = tuple(
        (label, PALETTE[index % len(PALETTE)], 10 + index * 160)
        for index, label in enumerate(legend)
    )
    height = base + bottom + legend_height
    return Chart(width, height, tuple(marks), (0, base, width, base), keys, "middle", "middle")
