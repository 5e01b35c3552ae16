"""Charts people read at a glance on a phone: server-rendered SVG, no JavaScript.

Each chart carries its numbers twice: as bars, and in `rows` for the accessible table the
page prints beside it (the SVG itself is `role="img"` with a title naming what it shows).
Colours and fonts are SVG attributes, not `style`, so the pages' Content-Security-Policy
(no inline styles) holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

from handlers.citizen.amounts import wan

# Sized for a phone: the SVG scales to the column's width (about 360 CSS pixels on a phone), so
# one viewBox unit is about one pixel there and the 14-unit text reads as 14 px.
WIDTH = 360
LABEL_LINE = 20
BAR_HEIGHT = 16
GAP = 12
VALUE_ROOM = 80  # room right of the longest bar for its amount
FONT = "14"
BAR_COLOUR = "#9b1c1c"
MAX_LABEL_CHARS = 24  # CJK characters on one line of the viewBox's width
MAX_BARS = 30  # more than this is a table's job; the rest are summed as 其他
# A region's name every label starts with (天祝藏族自治县林业和草原局, …民政局) is said once,
# by the page, not on every bar; only a whole region name is dropped, never part of a word.
REGION_ENDINGS = ("省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled amount."""

    label: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart: its title, the bars (the table's rows) and the SVG drawing them."""

    title: str
    unit: str
    rows: tuple[Bar, ...]
    svg: Markup

    @property
    def total(self) -> Decimal:
        """The exact sum of the bars."""
        return sum((bar.value for bar in self.rows), Decimal(0))


def sums(pairs: Iterable[tuple[str, Decimal]]) -> list[Bar]:
    """Bars from (label, amount) pairs, amounts of one label added up, largest first."""
    totals: dict[str, Decimal] = {}
    for label, value in pairs:
        key = label.strip() or "未注明"
        totals[key] = totals.get(key, Decimal(0)) + value
    return sorted((Bar(k, v) for k, v in totals.items()), key=lambda bar: (-bar.value, bar.label))


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _capped(bars: Sequence[Bar]) -> tuple[Bar, ...]:
    if len(bars) <= MAX_BARS:
        return tuple(bars)
    rest = sum((bar.value for bar in bars[MAX_BARS - 1 :]), Decimal(0))
    return (*bars[: MAX_BARS - 1], Bar(f"其他{len(bars) - MAX_BARS + 1}项", rest))


def shared_prefix(labels: Sequence[str]) -> str:
    if len(labels) < 2:
        return ""
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    while prefix and not prefix.endswith(REGION_ENDINGS):
        prefix = prefix[:-1]
    return prefix if all(len(label) > len(prefix) for label in labels) else ""


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    unit: str = "万元",
    shown: Callable[[Decimal], str] = wan,
) -> Chart | None:
    """A bar chart of `bars` in their order, each label on its own line above its bar;
    None when there is nothing to draw. The table rows keep the full labels; `shown` writes
    a bar's value (amounts by default; counts for the staff console's reports)."""
    rows = _capped(bars)
    if not rows or all(bar.value <= 0 for bar in rows):
        return None
    largest = max(bar.value for bar in rows)
    shared = shared_prefix([bar.label for bar in rows])
    span = WIDTH - VALUE_ROOM
    step = LABEL_LINE + BAR_HEIGHT + GAP
    height = len(rows) * step + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" font-size="{FONT}" '
        f'font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">',
        f"<title>{escape(title)}（单位：{escape(unit)}）</title>",
    ]
    for index, bar in enumerate(rows):
        top = GAP + index * step
        length = 0 if bar.value <= 0 else max(2, int(span * bar.value / largest))
        label = _short(bar.label.removeprefix(shared))
        parts.append(f'<text x="0" y="{top + 14}" fill="#1f2933">{escape(label)}</text>')
        bar_top = top + LABEL_LINE
        parts.append(
            f'<rect x="0" y="{bar_top}" width="{length}" height="{BAR_HEIGHT}" '
            f'rx="3" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{length + 6}" y="{bar_top + 13}" fill="#52606d">'
            f"{escape(shown(bar.value))}</text>"
        )
    parts.append("</svg>")
    return Chart(title, unit, rows, Markup("".join(parts)))


STEP_WIDTH = 340
STEP_CHARS = 22  # CJK characters a line of a step box holds (at 14 units, with padding)
STEP_LINE = 20
ARROW = 26


def _lines(text: str) -> list[str]:
    words = " ".join(text.split())
    return [words[i : i + STEP_CHARS] for i in range(0, len(words), STEP_CHARS)] or [""]


def _step_name(step: str) -> str:
    """「申请：申请人通过…」 is drawn as 申请: the page lists the whole step beside the chart."""
    for mark in ("：", ":"):
        head, found, _rest = step.partition(mark)
        if found and 0 < len(head.strip()) <= STEP_CHARS:
            return head.strip()
    return step


def flowchart(title: str, steps: Sequence[str]) -> Markup | None:
    """An item's procedure as boxes joined by arrows, top to bottom, in the recorded order:
    each box the step's name (its words before a colon), or the whole step."""
    shown = [_step_name(step) for step in (s.strip() for s in steps) if step]
    if not shown:
        return None
    left = (WIDTH - STEP_WIDTH) / 2
    parts: list[str] = []
    y = 10.0
    for number, step in enumerate(shown, start=1):
        lines = _lines(f"{number}. {step}")
        box = len(lines) * STEP_LINE + 16
        parts.append(
            f'<rect x="{left}" y="{y}" width="{STEP_WIDTH}" height="{box}" rx="6" '
            f'fill="#f5f7fa" stroke="#9b1c1c" stroke-width="1.5"/>'
        )
        for row, line in enumerate(lines):
            parts.append(
                f'<text x="{WIDTH / 2}" y="{y + 8 + STEP_LINE * (row + 0.5)}" '
                f'text-anchor="middle" dominant-baseline="middle" fill="#1f2933">'
                f"{escape(line)}</text>"
            )
        y += box
        if number < len(shown):
            parts.append(
                f'<path d="M{WIDTH / 2} {y + 2} V{y + ARROW - 6}" stroke="#52606d" '
                f'stroke-width="2"/><path d="M{WIDTH / 2 - 6} {y + ARROW - 10} '
                f'L{WIDTH / 2} {y + ARROW - 2} L{WIDTH / 2 + 6} {y + ARROW - 10}" '
                f'fill="none" stroke="#52606d" stroke-width="2"/>'
            )
            y += ARROW
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {y + 10}" width="100%" font-size="{FONT}" '
        f'font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(parts) + "</svg>")
