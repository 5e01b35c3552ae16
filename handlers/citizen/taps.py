"""Tappable choices: the official account's in-text menu links.

A line `<a href="weixin://bizmsgmenu?msgmenucontent=1&msgmenuid=1">…</a>` in a text reply is
shown as a link; tapping it sends `msgmenucontent` back as the citizen's message. Lists keep
their numbers in the text, so typing the number works where links are not shown.
"""

from __future__ import annotations

# WeChat's own examples write the content unencoded (「msgmenucontent=满意&msgmenuid=1」); only
# the characters that would end the attribute or the tag are left out.
_UNSAFE = str.maketrans({'"': "“", "<": "《", ">": "》", "&": "和"})


def tap(label: str, says: str, menu_id: int) -> str:
    """`label` as a link that sends `says` when tapped."""
    content = says.translate(_UNSAFE)
    return (
        f'<a href="weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={menu_id}">'
        f"{label.translate(_UNSAFE)}</a>"
    )


def numbered(number: int, label: str, rest: str = "") -> str:
    """「1. <a …>名称</a>（部门）」: tapping the name sends the number."""
    return f"{number}. {tap(label, str(number), number)}{rest}"
