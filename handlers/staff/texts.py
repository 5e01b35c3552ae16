"""Staff-facing help text (Chinese)."""

from catalogue.lists.declarations import (
    FUNDS,
    POVERTY_ALLOCATIONS,
    POVERTY_PROJECTS,
    ListDeclaration,
)
from catalogue.tickets import SLA_WORKING_DAYS
from catalogue.workflow.rules import (
    FUND_PUBLISH_DAYS,
    FUND_UPDATE_DAYS,
    POVERTY_UPDATE_WORKING_DAYS,
    RESUME_DAYS,
)


def _changeable(declaration: ListDeclaration) -> str:
    """The field names a list change accepts, as its declaration gives them."""
    return "、".join(field.label for field in declaration.changeable_fields())


HELP = f"""工作人员命令（命令后加空格；编码可带或不带横线）：
查 编码 — 事项现状、草稿和申请记录
待办 — 等我审核、审定或发布的申请，以及到期工作
逾期 — 已逾期的工作
通报 — 各部门逾期和待办工作（第二十二条；县审改办、县政府、管理员）
导入 [事项|资金|扶贫项目|扶贫资金] — 之后发送 xlsx/csv 文件，生成草稿
模板 [事项|责任|资金|扶贫项目|扶贫资金|办件量] — 收到导入模板文件和它的列
我的草稿 — 我提出、未办结的申请，本部门的草稿及缺项
我部门 — 本部门的事项和资金记录：各状态条数，不完整的记录缺哪些内容
提交 编码 — 草稿送县审改办审核
通过 #申请号/编码 — 审核或审定通过
驳回 #申请号/编码 理由
撤回 #申请号/编码 — 提出人撤回本人未办结的申请
发布 #申请号…/编码…/全部 — 已批准的申请生效
变更 编码 [（一）…（六）] 字段=值 … — 第九条变更
暂停 编码 （一）…（四） 理由 — 第十条暂停
恢复 编码 [理由] — 第十二条，审核后{RESUME_DAYS}日内恢复
作废 编码 依据 — 编码进入代码废止库
合并 编码1 编码2 … 新名称 [暂停=保持|恢复] — 原编码废止，赋新编码；有暂停事项时须写明
预算批准 年度 日期 [说明=…] — 第七条，起算{FUND_PUBLISH_DAYS}日；已登记的日期经复核更正，原日期保留
资金发布 年度 — 申请发布当年专项资金管理清单，财政局另一人“通过”后发布
资金变更 项目号 字段=值 … 说明=… [发生=日期] — 第八条，复核后{FUND_UPDATE_DAYS}日内更新
  字段：{_changeable(FUNDS)}
扶贫变更 项目号 字段=值 … 说明=… 审定=日期 — 审核登记后{POVERTY_UPDATE_WORKING_DAYS}个工作日内发布
  字段：{_changeable(POVERTY_PROJECTS)}
扶贫资金变更 分配号 字段=值 … 说明=… 审定=日期 — 资金分配计划调整，程序同上
  字段：{_changeable(POVERTY_ALLOCATIONS)}
扶贫审核 #申请号 领导小组/市扶贫办 审核人=… 日期=… 文号=… — 登记第三条两级审核
扶贫更新 年度 — 申请年初整体更新扶贫清单
日志 编码 — 操作记录
工单 — 群众人工工单：状态、已等时长、是否超时（{SLA_WORKING_DAYS}个工作日内答复）
回复 #工单号 内容 — 答复群众（48小时内发过消息的立即送达，否则待其下次发消息时送达）
关闭 #工单号 理由 — 不答复而关闭
差评 [全部] — 差评台账（默认只列未办结的）
回访 #差评号 内容 / 整改 #差评号 内容 — 记录差评的回访和整改
通过、驳回、发布、预算批准、资金发布、扶贫更新、作废、合并须在2分钟内回复“确认 动态码”（6位）。
每个动态码只能用一次；连续输错5次账号锁定15分钟，锁定期间不能办理任何操作。"""

TOO_LONG = "命令过长，未执行。每条命令请不超过 {limit} 字；大批内容请用“导入”发送文件。"
CONFIRM = "此操作须确认：{what}\n请在2分钟内回复“确认”{totp}；回复“取消”放弃。"
CONFIRM_TOTP = "及6位动态码，例如“确认 123456”"
EXPIRED = "确认已超过2分钟，操作未执行，请重新发送命令。"
CANCELLED = "已取消，操作未执行。"
NOTHING_TO_CONFIRM = "没有等待确认的操作。"
STRANGER = "您的企业微信账号未登记为工作人员，无法使用本应用。请联系县政府办公室管理员登记。"
UNKNOWN = "没有这个命令。发送“帮助”查看工作人员命令。"
IMPORT_WAIT = (
    "请在10分钟内发送{kind}的 xlsx 或 csv 文件（按导入模板填写）。"
    "导入的内容为草稿，提交审核后才会发布。"
)
IMPORT_NO_FILE = "没有收到文件。请先发送“导入”，再发送 xlsx 或 csv 文件。"
