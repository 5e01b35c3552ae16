"""The staff channel: workflow commands by chat, for identified staff only."""

from handlers.staff.desk import Desk, Identify, by_openid, by_wecom_user
from handlers.staff.router import bound_staff_router, staff_router

__all__ = ["Desk", "Identify", "bound_staff_router", "by_openid", "by_wecom_user", "staff_router"]
