"""Every fixed sentence the bot says to citizens: plain, short, with the next step.

A sentence that names the account's own place or its province's online service takes them
from a `Wording` (`{place}`, `{portal}`, `{online}`, `{here}` 本县, `{centre}` 县政务服务中心):
each official account's comes from its home region (`handlers.accounts.wording`); the default
account keeps Tianzhu's, `TIANZHU`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Wording:
    """How fixed sentences name the account's own place and its province's online service."""

    place: str  # 天祝县, 克拉玛依市: the home region
    portal: str  # 甘肃政务服务网: the province's government service website
    app: str = ""  # 甘快办: the province's government service app, when known

    @property
    def online(self) -> str:
        """The website, and the app when there is one."""
        return f"{self.portal}或“{self.app}”" if self.app else self.portal

    @property
    def level(self) -> str:
        """The kind of region the place is, as its name ends (县, 区, 市, 旗, 州, 盟; '' if
        unknown): what 「本县」 and 「县政务服务中心」 say of it."""
        return self.place[-1] if self.place[-1:] in _LEVELS else ""

    @property
    def here(self) -> str:
        """本县, 本区, 本市 (本地 when the kind of place is unknown)."""
        return f"本{self.level or '地'}"

    @property
    def centre(self) -> str:
        """县政务服务中心, 区政务服务中心 (当地政务服务中心 when unknown)."""
        return f"{self.level or '当地'}政务服务中心"

    def say(self, text: str, **values: object) -> str:
        """`text` with this account's names (and `values`) filled in."""
        return text.format(
            place=self.place,
            portal=self.portal,
            online=self.online,
            here=self.here,
            centre=self.centre,
            **values,
        )


_LEVELS = frozenset("县区市旗州盟")


TIANZHU = Wording("天祝县", "甘肃政务服务网", "甘快办")

WELCOME = (
    "您好！这里是{place}政务服务公众号。\n"
    "您可以直接发文字或语音问我，例如：\n"
    "· 开网吧要什么材料\n"
    "· 营业执照几天能办好\n"
    "· 上古城村 扶贫 2016\n"
    "· 2015 农牧局 专项资金\n"
    "也可以点下方菜单。找不到时回复“人工”，工作人员会回复您。"
)

PRIVACY = (
    "隐私说明：我们只保存为您答复所需的信息——最近的对话进度（{state_hours}小时后自动清除）、"
    "消息记录（{log_days}天后自动删除）、您绑定的村、您的评价和人工工单。"
    "不收集姓名和电话。取消关注后，对话进度和村绑定会立即删除。"
)

GOODBYE_LOG = "citizen unsubscribed: state and village binding deleted"

ASK_WHAT = "请告诉我您要办什么事，比如“开网吧要什么材料”“社保卡丢了怎么办”。"
COMMON_HOURS = (
    "{centre}各窗口一般的办公时间：{hours}\n具体事项的时间，请说要办什么事，比如“身份证几点能办”。"
)
CENTRE_HOURS = "{centre}的办公时间：{hours}"
CENTRE_HOURS_UNKNOWN = "{centre}什么时候上下班没有公布，请拨打12345政务服务便民热线问。"
CENTRE_PLACE = "{centre}，各部门的办事窗口大多在这里。"
CENTRE_PHONE = "监督投诉电话：{phone}"
CENTRE_NO_PHONE = "服务中心的电话没有公布，可以拨打12345政务服务便民热线。"
CENTRE_WINDOWS = "各窗口的电话，请说要办什么事或哪个部门，比如“身份证电话”“民政局电话”。"
CLOSED_WEEKENDS = "周六、周日不办公（调休上班的日子照常办公）。"
CLOSED_HOLIDAYS = "法定节假日放假期间不办公。"
CLOSED_AT_NOON = "中午不办公，请在上午或下午的时间去。"
SEASON_HOURS = "季节不同时间不同：{season}。"
DAY_OPEN = "{day}是工作日，照常办公。"
DAY_CLOSED = "{day}不是工作日，不办公。"
DAY_UNKNOWN = "{day}是否办公，请以当地通知为准。"
PHONE_OF_CENTRE = "{number} 是{centre}的监督投诉电话。要办什么事，直接告诉我。"
EMPTY_VOICE = "没有听清您的语音，请再说一遍，或者直接打字告诉我。"
ONLY_TEXT = "目前我只能看懂文字和语音。请用文字或语音告诉我您要办什么事。"

LIST_HINT = "回复序号查看详情"
DEPARTMENT_ITEMS = "{name}可以办的事项（共{count}项）"
DEPARTMENT_CONTACT = "{name}：{where}电话 {phone}"
DEPARTMENT_WINDOW = "办事窗口：{location}"
DEPARTMENT_HOURS = "办公时间：{hours}"
DEPARTMENT_ITEM_ASKED = "问具体事项的电话、地点，直接说事项名称，比如“{example}电话”。"
NO_PHONE_GIVEN = "电话暂未公布，可以拨打12345政务服务便民热线"
DEPARTMENT_NO_ITEMS = "{name}目前没有公开的办事事项。"
DEPARTMENT_ALL = "全部事项：{url}"
NEXT_PAGE = "下一页"
NONE_FITS = (
    "好的，这几个都不是。请换个说法再说一下要办的事，比如证件或事情的名称、要做什么"
    "（办新证、补办、变更、注销），或回复“人工”，我们把您的问题转给工作人员。"
)
NO_MORE_PAGES = "已经是最后一页了，找到的就是这些"
NONE_OF_THEM = "都不是的话，换个说法再问，或回复“人工”。"
GONE = "这个事项刚刚更新或下线了，请重新查询。"
NO_LIST = "刚才没有可以选的列表。请直接告诉我您要办什么事，比如“办营业执照”。"
BAD_CHOICE = "没有第{number}项。请回复列表里的序号（1–{count}）。"
LOSS_FIRST = "证件丢了，先挂失（第1项），再补办（第2项）"
PAPER_FIRST = "还没有{paper}的，先办第1项把{paper}办下来，再办第2项"
PAPER_HINT = "回复序号看完整的申请材料。"
# 「先办哪个」 after a list of alternatives (not a life event's ordered steps)
# … with nothing listed yet
NO_ORDER_YET = "还没有列出要办的事。说说您的情况，比如“开个理发店要办啥”，我按先后顺序列出来。"
NOT_IN_ORDER = "这几项不分先后，是不同的事项。您要办哪一个？请回复序号。"

# Never the same answer twice in a row (the handler rotates through these).
NO_MATCH = (
    "抱歉，没有找到和“{said}”对应的事项。可以换个说法，比如说出要办的事和证件名称。",
    "还是没有找到“{said}”。试试更短的关键词，比如“营业执照”“低保”“网吧”。",
    "这个问题我暂时答不上来。",
)
SUGGEST = "您是不是想找："
NONE_OF_THESE = (
    "都不是的话，可以换个说法再问。",
    "如果都不是，试试更短的关键词，比如“营业执照”“低保”。",
    "这些都不对的话，我暂时答不上来。",
)
WHICH_ONE = "您问的是哪一个事项的{what}？请回复序号"
HOTLINE_LINE = "咨询电话暂未公布，可以拨打12345政务服务便民热线。"
OFFER_HUMAN = "回复“人工”，我们把您的问题转给工作人员。"
OFFER_HUMAN_OR_HOTLINE = "也可以回复“人工”，或拨打12345政务服务便民热线咨询。"
# After 「有人吗」: the next question this account cannot answer goes to staff at once.
PRESENCE = (
    "需要工作人员的话，直接说您的问题：能自动答的马上答，"
    "这里答不了的（比如查进度、查个人记录）直接转给工作人员。"
)

RATE_PROMPT = "对这条答复满意吗？回复“评1”到“评5”打分（5分最满意）。"
RATED = "谢谢您的评价（{score}分）：{level}。我们会继续改进。还有其他问题可以直接问我。"
RATED_BAD = (
    "收到您的评价：{level}。我们已转给负责的部门核实整改，并会回访您。如需补充说明，请回复“人工”。"
)
RATED_ALREADY = "这条答复您已评价过（{level}），每条答复评价一次。"
RATE_RANGE = "评分是1到5分：回复“评1”到“评5”（5分最满意）。"
RATE_HOW = (
    "欢迎评价！请回复“评1”到“评5”为刚才的答复打分（5分最满意），也可以直接说“满意”或“不满意”。"
)
RATE_WHAT = "谢谢！评价是给某一条答复打分的：先查一个事项，看完答复后回复“评1”到“评5”。"

HUMAN_MENU = "点了“人工服务”菜单"  # a ticket's words when the menu asked for a person
HUMAN_OPENED = (
    "已为您转人工，工单号：{ticket}。\n"
    "请用一句话说明您要问的问题，我们补充到这张工单上，工作人员一并看到。"
    "工作人员会在工作日通过本公众号回复您（一般1个工作日内）。"
)
HUMAN_PENDING = (
    "您已转人工，工单号：{ticket}，工作人员还没答复。\n"
    "请用一句话说明您要问的问题，我们补充到这张工单上。"
)
HUMAN_ADDED = (
    "已把您的问题补充到工单，工单号：{ticket}。\n"
    "工作人员会在工作日通过本公众号回复您（一般1个工作日内）。"
    "收到回复前请不要取消关注。"
)
URGENT = (
    "情况紧急，请马上拨打{hotline}，由{office}处理。\n"
    "本公众号不能报警、不能派人，请不要在这里等回复。"
)
STEP_STOPS = "这一步是：{step}。不用重新申请，告知下面的部门："
FIRST_STEP_OUTSIDE = "第一步是{ask}。办完这一步，再问我下一步。"
HUMAN_WITHDRAWN = "已取消工单{ticket}，不再转给工作人员。还有问题，随时问我。"
HUMAN_WAITING = (
    "您的工单{ticket}还在等工作人员答复，一般1个工作日内通过本公众号回复您。有要补充的，直接发来。"
)
HUMAN_CREATED = (
    "已为您转人工，工单号：{ticket}。\n"
    "有要补充的，直接发来，我们补充到工单上。"
    "工作人员会在工作日通过本公众号回复您（一般1个工作日内）。"
    "收到回复前请不要取消关注。"
)
HUMAN_REPLY = (
    "【人工回复·工单{ticket}】\n{answer}\n——{signature}\n"
    "对这条答复满意吗？请回复：非常满意、满意、基本满意、不满意或非常不满意。"
)

BIND_ASK = "请在“绑定”后面写上村名，比如“绑定 上古城村”。"
BOUND = "已绑定：{place}。以后回复“我村资金”即可查看本村的扶贫资金和项目。"
NOT_BOUND = "您还没有绑定村。请回复“绑定 村名”，比如“绑定 上古城村”。"
BOUND_NOW = "您绑定的是：{place}。回复“我村资金”查看本村的扶贫资金和项目；换村请回复“换绑 村名”。"
NOT_BOUND_TALKED = (
    "（您还没有绑定村，上面是刚才说的{place}。回复“绑定 {place}”，以后直接问“我村资金”。）"
)
SUPERVISION_AGAIN = "监督投诉电话：{phone}。要反映的事直接发过来，我们转给工作人员。"
PLACE_CODE_NAMED = (
    "{code} 是{name}的统计用区划代码。\n它的扶贫资金和项目：{url}\n回复“扶贫资金”在这里看。"
)
PLACE_CODE_OF = "{name}的统计用区划代码是 {code}{within}。\n它的扶贫资金和项目：{url}"
TOWN_HOLDS = "，下辖{count}个村（社区）"
VILLAGE_LIES_IN = "，属{town}（{town_code}）"
TOWN_VILLAGES = "{town}（{code}）下辖{count}个村（社区）："
COUNTY_TOWNS = "天祝藏族自治县（{code}）有{towns}，{villages}个村（社区）："
COUNTY_VILLAGES = (
    "天祝藏族自治县（{code}）有{towns}，{villages}个村（社区）。"
    "问一个乡镇有哪些村，比如“{example}有哪些村”。"
)
VILLAGE_HAS_NONE = "{name}是村（社区），下面不再分村。"
DIVISION_NAMED = "{code} 是{name}{within}的行政区划代码。"
DIVISION_ABOVE = "本公众号答复天祝藏族自治县（{code}）的政务服务事项、资金和扶贫项目。"
OTHER_REGION_CODE = (
    "{code} 不是天祝藏族自治县的区划代码（本县乡镇、村的代码都以{county}开头），这里查不到它。"
    "别的县区的事，请咨询当地政务服务中心，或拨打12345政务服务便民热线。"
)
COUNTY_CODES = (
    "全县{towns}，{villages}个村（社区）：乡镇代码9位、村代码12位，都以{code}开头{example}。"
    "发乡镇或村的名称或代码，可以查它的扶贫资金和项目。"
)
NEAR_CODE = "没有编码为 {code} 的事项{length}，编码最接近的是"
NEAR_CODE_LENGTH = "（您发的是{length}位，事项编码是32位）"
PARTIAL_CODE = "编码 {code} 不完整（您发的是{length}位，事项编码是32位），编码里有这一段的事项是"
PLACE_UNKNOWN = (
    "没有找到叫“{name}”的村或镇。请检查名称，或写上乡镇名，比如“赛什斯镇 上古城村 扶贫”。"
)
# 「办好了能寄到家不」 of a card whose guide says papers may be posted.
POSTING_SAID = "这里不能安排邮寄。能不能寄、寄到哪里，办理时跟窗口说清楚。办事指南里写着："
# 「道路旅客运输经营许可在哪办」 after a card that needs it, when no item here issues it.
PAPER_OUTSIDE = (
    "“{paper}”是办“{item}”要交的材料，本县目录里没有办理它的事项。"
    "在哪办、怎么办，可以问{name}：{phone}"
)
# 「那有没有具体建了啥项目」 of a year whose project list names none of the place's.
NO_PROJECTS_LISTED = "项目清单里没有这一年的项目"
PLACE_YEARS_TOGETHER = "{first}—{last}年分配资金合计{total}万元"
# 「大红沟镇17年比16年多分了多少」: the allocations of two years set side by side.
PLACE_YEAR_CHANGE = (
    "{place}{year}年分配资金比{earlier}年{way}{change}万元"
    "（{year}年{now}万元，{earlier}年{before}万元）。"
)
# What a service number is (「12345是干啥的电话」).
SERVICE_HOTLINE_IS = (
    "12345 是政务服务便民热线：办事咨询、投诉举报、意见建议都可以打。"
    "要办什么事，也可以直接在这里说，我帮您查办事指南。"
)
NATIONAL_HOTLINE_IS = (
    "{number} 是{label}，管{matters}方面的事。本县办事、投诉可以打12345政务服务便民热线。"
)
# A code of the county's form that no town or village has (「620623199999」).
PLACE_CODE_UNKNOWN = (
    "全县没有代码为 {code} 的乡镇或村（社区）（乡镇代码9位、村代码12位）。"
    "请核对代码，或直接发乡镇、村的名称。"
)
# What an item code's letters mean (表1 行政权力类别代码).
CATEGORY_MEANING = "{code} 是事项编码里的权力类别代码（第23–24位），表示“{name}”。"
CODE_CATEGORIES = "类别代码：{categories}。"
CODE_RULES = "每个事项都有一个32位的事项编码（写在办事指南的“编码”一行），各段是："
CODE_RULES_ASK = "把完整的编码发给我，就能查到是哪个事项；也可以直接说要办的事。"
# A town's or village's code cut short (7–8 or 10–11 digits): the places it may be.
PARTIAL_REGION_CODE = (
    "{code} 不是完整的代码（乡镇的代码是9位，村的是12位，您发的是{length}位）。以它开头的有："
)
PARTIAL_REGION_MORE = "还有{count}个，请把代码发全，或直接说村名。"
PARTIAL_REGION_NONE = (
    "{code} 不是完整的代码（乡镇的代码是9位，村的是12位），本县也没有以它开头的乡镇或村。"
    "请核对后再发，或直接说村名，比如“大湾村扶贫资金”。"
)
PLACE_WHICH = "有几个地方都叫“{name}”，您问的是哪一个？"
PLACE_HINT = "回复序号选择。"

FUNDS_NONE = "{place}{year}还没有公开的扶贫资金和项目。"
# … then the newest year that has some
FUNDS_LATEST = "最近公开的是{year}年的："
FUND_LIST_NONE = (
    "没有找到{what}已公开的专项资金。可以换个年份或部门再问，比如“2015 农牧局 专项资金”。"
)
FUND_CHANGE = "{name}：{year}年为{before}万元，{now}年比它{how}{change}万元。"
PROJECTS_NONE = "{place}{year}没有{label}的扶贫项目。"
BENEFITS_TOGETHER = (
    "{when}{place}的扶贫项目{count}个，受益合计{households}户{persons}人（已取消的不算）{unknown}。"
)
BENEFITS_UNKNOWN = "，其中{count}个没有公开受益户数"
PROJECTS_NO_BENEFITS = "{place}{year}的扶贫项目没有公开受益户数。"
PROJECT_RANKED_TOP = "{what}{which}的是：{name}。"
PROJECTS_COUNTED = "共{count}个，投资{total}万元"
PROJECTS_NOT_COUNTED = "（已取消的不计入合计）"
FUND_RANKED_GROUP = "{which}的是{name}：共{count}项，合计{total}万元。"
FUND_RANKED_FUND = "{which}的一项是{year}年{name}，{amount}万元（{owner}）。"
FUND_TOTALS_COMPARED = "{year}年合计{total}万元，比{earlier}年（{before}万元）{way}{change}万元。"
FUND_NOT_BEFORE = "{name}：{year}年没有公开这项资金，无从比较。"
FUND_RENAMED = "{year}年这项资金的名称是“{name}”：\n"
FUND_TOPIC_NONE = "{what}公开的专项资金里没有“{topic}”，下面是清单：\n"
FUND_RANKED_SPAN = "{span}年合起来，"
FUND_NO_CHANGE = "{what}公开的专项资金没有调整记录，下面是清单：\n"
FUND_YEAR_NONE = "{year}年的还没有公开，下面是已公开的各年：\n"
FUND_YEARS_TOGETHER = "{first}—{last}年共{count}项，合计{total}万元。"
FUND_NO_DEPARTMENT = "没有找到叫“{name}”的部门（部门可能已改名），下面是全部部门的：\n"
FUND_DEPARTMENT_NONE = "{name}名下没有公开的专项资金，下面是全县已公开的各年：\n"
FUND_HOW = "也可以按部门或资金名称问，比如“2015 农牧局 专项资金”“2017年低保资金”。"

# Places ranked by what was allocated to them (「哪个乡镇分的扶贫资金最多」).
PLACES_RANKED_HEAD = "【{when} {where}分配的扶贫资金】{demo}"
PLACES_RANKED_TOP = "{which}的是{place}：{amount}万元{within}。"
PLACES_RANKED_COUNT = "共{count}个{kind}有公开的分配，合计{total}万元{more}。"
PLACES_RANKED_TOWN_ROWS = "分到乡镇的资金没有分到各村，不在这里；问某个镇的扶贫资金可以看到。"
PLACES_RANKED_HINT = "回复序号看该地的明细；也可以接着问最少的、别的年份或各村的。"
PLACE_STANDS = "{place}{when}排第{rank}（共{count}个有公开分配的）。"
PLACE_NOT_RANKED = "{place}{when}没有公开的分配资金，不在排名里。"
PLACES_RANKED_NONE = "{when}还没有公开分到{kind}的扶贫资金。"

NO_SOURCE = "，资金来源未公开"
DOCUMENT_PLACES = "分到{count}个地方：{places}。"
DOCUMENT_RANKED = "{number}分得{which}的是{places}：{amount}万元。"
NEIGHBOUR_ASK = "公开的清单里没有写哪些地方挨着{place}。请直接说名字，比如“{example}扶贫资金”。"
NEIGHBOUR_NAMES = "\n{within}有：{names}等。"
# Two places set beside each other (「双龙村和大水村哪个分的多」).
TWO_PLACES = "{when}，{first}分配资金{one}万元，{second}{other}万元，{verdict}。"
TWO_PLACES_MORE = "{place}比{less}多{change}万元"
TWO_PLACES_SAME = "两地一样多"
TWO_PLACES_SUM = "两地合计{total}万元。"
EVERY_YEAR_PUBLISHED = "历年合计"

DEMO_MARK = "（演示数据）"
UNIT = "万元"

MENU_GUIDE = (
    "办事指南：直接发文字或语音说出您要办的事，例如“开网吧要什么材料”“社保卡丢了”。\n"
    "全部事项：{url}"
)
MENU_POWER_LIST = "权责清单：按类别查看县政府部门的行政权力事项。\n{categories}\n全部清单：{url}"
MENU_FUNDS = (
    "财政专项资金公开：回复“年份 部门 专项资金”，例如“2015 农牧局 专项资金”。\n全部清单：{url}"
)
MENU_POVERTY = (
    "扶贫资金和项目公开：回复“村名 扶贫 年份”，例如“上古城村 扶贫 2016”。\n"
    "村干部可回复“绑定 村名”，以后回复“我村资金”即可查看。"
)

# Small talk: a sentence and the next step, never a card or a list.
GREETING = "您好！我是{place}政务服务公众号的自动答复助手。直接说您要办的事就行，比如："
THANKS = "不客气！还有其他问题可以直接问我。"
ACK = "好的。还有其他问题可以直接问我。"
VERDICT_THANKS = "谢谢您的评价！还有其他问题可以直接问我。"
NOT_HELPED = "抱歉没能帮上忙。可以换个说法再问我，或回复“人工”，我们把您的问题转给工作人员。"
GOODBYE = "再见！有需要随时来问。"
HELP = "我能回答办事指南、扶贫资金和财政专项资金的问题。直接发文字或语音，比如："
# 「你会说藏语吗」: the languages answered in, and where to ask in another.
LANGUAGE = (
    "我只能用汉字答复，也能听普通话的语音消息。需要用藏语或别的语言办事的，"
    "可以回复“人工”，或到{centre}窗口咨询。"
)
OFFTOPIC = (
    "我是{place}政务服务公众号，只能回答办事指南、财政专项资金和扶贫资金的问题；"
    "天气、车票、快递这些请用别的渠道查。想办什么事，直接告诉我；"
    "找政府部门的事，也可以拨打12345政务服务便民热线。"
)
IDENTITY = (
    "我是{place}政务服务公众号的自动答复助手（机器人），答复来自公开的办事指南和清单。"
    "需要工作人员时回复“人工”。"
)
TALK_EXAMPLES = (
    "开网吧要什么材料",
    "营业执照几天能办好",
    "上古城村 扶贫 2016",
    "2015 农牧局 专项资金",
)

COMPLAINT_HEAD = "对办事有意见，可以马上投诉："
COMPLAINT_HOTLINE = "· 12345政务服务便民热线"
COMPLAINT_HUMAN = "也可以回复“人工”，我们把您的投诉转给工作人员，工作日内回复。"
COMPLAINT_DESCRIBE = "要找工作人员的，请用一句话说明您要投诉的事，我们转人工，工作日内回复。"
PROGRESS = "这里不能查办件进度。网上申请的，请登录{online}查看；到窗口办的，请凭受理单问办理窗口。"
BOOKING = "这里不能预约或取号。请到办理窗口所在的政务服务大厅现场取号，或在{online}预约。"
APPLY_YOURSELF = "这里不能替您提交申请，请按下面的指南办理："
APPLY_YOURSELF_THERE = "这里不能替您提交申请，请带齐上面的材料到窗口办理："
APPLY_YOURSELF_WHICH = "这里不能替您提交申请。您要办的是上面哪一项？回复序号，看它怎么办。"
PERSONAL = (
    "这里不能交费、提交或修改申请材料，也不能查个人记录（如社保缴费、医保余额、办件结果）。"
    "请登录{online}，或带身份证到办理窗口办理。"
)
ID_NUMBER = (
    "为了您的信息安全，请不要在这里发送身份证号。这里不能按身份证号查个人信息；"
    "个人事项请带身份证到办理窗口，或登录{portal}查询。"
)
ASK_THIS_ITEM = "“{item}”由{name}办理，窗口电话：{phone}"
ASK_HOTLINE = "不知道该问哪个部门的，可以拨打12345政务服务便民热线。"
UNBOUND = "已解除绑定（原来绑定的是：{place}）。以后想查看，请回复“绑定 村名”。"
DEPARTMENT_CODE = "{code} 是{name}的{kind}。"
DEPARTMENT_CODE_OF = "{name}的{kind}：{code}"
DEPARTMENT_NO_CODE = "{name}的代码还没有公布。"
NOTHING_TO_UNBIND = "您还没有绑定村，不用解绑。"
NOTHING_TO_UNBIND_TALKED = "您还没有绑定村，不用解绑；刚才说的{place}也不再当作“我们村”。"
PHONE_OF = "{number} 是{department}的电话。这是电话号码，不是事项编码；要办什么事，直接告诉我。"
PHONE_UNKNOWN = "这像是一个电话号码，不是事项编码。请直接说出您要办的事，比如“办身份证”。"
OUTSIDE_MATTER = "“{named}”属于{matter}，不在{here}政务服务事项目录里，一般由当地{office}办理。"
OUTSIDE_WHO = "“{named}”的事一般由当地{office}办理。"
OUTSIDE_ASK = "可以咨询{department}{phone}。"
OUTSIDE_HOTLINE = "{also}可以拨打{hotline}。"
SUB_ITEMS = "这是主项，具体按下面的子项办理："
EACH_ENTRY = "这几项的{what}："
LIST_AGAIN = "刚才的列表"
ALIKE = "这{count}项的{what}都一样：{answer}"
NOT_MENTIONED = (
    "办事指南的申请材料和办理条件里没有“{thing}”，一般不需要；拿不准的，去之前先打电话问。"
)
STEP_NO_OFFICE = "“{step}”要找的部门本县目录里没有电话，可拨打12345政务服务便民热线问清楚。"
AGE_MET = "{age}岁已满{least}周岁，年龄上符合。"
AGE_NOT_MET = "{age}岁还不满{least}周岁，年龄上暂不符合；满{least}周岁后再申请。"
ENTRIES_HINT = "回复序号看某一项的完整办事指南（材料、流程）。"
ONLINE_YES = "指南写明可以网上申请"
ONLINE_NOT_SAID = "指南没写能网上办，到窗口办理"
EACH_ENTRY_IS = "这几项分别是："
