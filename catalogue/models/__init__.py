"""All catalogue tables; importing this package registers every model on `Base.metadata`."""

from catalogue.models.accounts import OfficialAccount
from catalogue.models.audit import AuditEntry, AuditHead
from catalogue.models.base import PUBLIC_STATUSES, Base, PublicationStatus, utcnow
from catalogue.models.botstate import BotConversation, BotDelivery
from catalogue.models.citizens import HeldReply, MessageLog, Rating, Ticket, VillageBinding
from catalogue.models.console import ConsoleSession
from catalogue.models.funds import BudgetYear, FundItem, FundType
from catalogue.models.items import (
    Item,
    PowerItem,
    Responsibility,
    RetiredCode,
    ServiceItem,
    Synonym,
    TimeLimit,
)
from catalogue.models.life_events import LifeEventRecord
from catalogue.models.outbound import NoticeMark, OutboundJob, PlaceFollow, PlaceQrCode
from catalogue.models.poverty import PovertyAllocation, PovertyProject, project_villages
from catalogue.models.records import CaseCount, OfficialDay
from catalogue.models.regions import Department, Region
from catalogue.models.staff import Role, StaffMember
from catalogue.models.workflow import ChangeRequest, CommandReceipt, RequestHold, StaffNotice

__all__ = [
    "PUBLIC_STATUSES",
    "AuditEntry",
    "AuditHead",
    "Base",
    "BotConversation",
    "BotDelivery",
    "BudgetYear",
    "CaseCount",
    "ChangeRequest",
    "CommandReceipt",
    "ConsoleSession",
    "Department",
    "FundItem",
    "FundType",
    "HeldReply",
    "Item",
    "LifeEventRecord",
    "MessageLog",
    "NoticeMark",
    "OfficialAccount",
    "OfficialDay",
    "OutboundJob",
    "PlaceFollow",
    "PlaceQrCode",
    "PovertyAllocation",
    "PovertyProject",
    "PowerItem",
    "PublicationStatus",
    "Rating",
    "Region",
    "RequestHold",
    "Responsibility",
    "RetiredCode",
    "Role",
    "ServiceItem",
    "StaffMember",
    "StaffNotice",
    "Synonym",
    "Ticket",
    "TimeLimit",
    "VillageBinding",
    "project_villages",
    "utcnow",
]
