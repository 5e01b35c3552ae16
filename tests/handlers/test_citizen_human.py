"""「人工」 with nothing asked before reaches a person at once: the ticket is opened and
numbered, and the citizen's next message becomes its question (through the real webhook, on
the demo catalogue)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from catalogue.models import Ticket
from catalogue.tickets import NO_QUESTION_YET
from tests.kits import citizen as kit


# A new follower each call (id(object()) repeats once an object's address is reused).
def citizen(demo) -> kit.WeChatUser:
    return kit.new_follower(demo, "o_human")


async def tickets_of(demo, user: kit.WeChatUser) -> list[Ticket]:
    _, sessions = demo
    async with sessions() as session:
        return list(
            await session.scalars(
                select(Ticket).where(Ticket.openid == user.openid).order_by(Ticket.id)
            )
        )


@pytest.mark.parametrize(
    "said",
    [
        "转人工",
        "rengong",
        "我要人工服务人工",
        "我不跟机器说 给我找个真人",
        "有没有人工客服啊",  # 「有没有人工」, not the greeting 「有没有人」
        "能不能叫你们的人给我回个电话",  # a call back is a person
        "有活人没有 出来说句话",
        "叫你们领导来",  # someone in charge is a person too
    ],
)
async def test_a_person_asked_for_with_nothing_before_gets_a_ticket_at_once(demo, said):
    user = citizen(demo)
    opened = await user.say(said)
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in opened and "请用一句话说明" in opened, opened
    assert "编码：" not in opened and "回复序号" not in opened
    assert ticket.state == "open" and ticket.message.endswith(NO_QUESTION_YET), ticket.message


async def test_the_next_message_becomes_the_question_of_that_ticket(demo):
    user = citizen(demo)
    await user.say("转人工")
    added = await user.say("我家的低保停了想问问是啥原因")
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in added and "补充" in added, added
    assert ticket.message == "我家的低保停了想问问是啥原因"
    # only that one message: the conversation goes on as before
    assert "编码：" in await user.say("开网吧")
    assert len(await tickets_of(demo, user)) == 1


async def test_a_repeated_request_names_the_same_ticket(demo):
    user = citizen(demo)
    first = await user.say("人工")
    again = await user.say("人工！！")
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in first and f"工单号：{ticket.id}" in again, again
    await user.say("低保复审要准备什么")
    await user.say("人工")  # still waiting for staff: named again, not a second ticket
    await user.say("还有高龄补贴的事")
    [ticket] = await tickets_of(demo, user)
    assert ticket.message == "低保复审要准备什么\n补充：还有高龄补贴的事"


async def test_after_a_card_the_ticket_names_the_item_and_its_department(demo):
    user = citizen(demo)
    await user.say("低保")
    opened = await user.say("人工")
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in opened
    assert ticket.item_code and ticket.department_id is not None and "最近查看" in ticket.context


async def test_once_staff_closed_it_a_new_request_opens_a_new_ticket(demo):
    _, sessions = demo
    user = citizen(demo)
    await user.say("人工")
    await user.say("我家的草原补奖少发了一年")
    async with sessions() as session:
        await session.execute(update(Ticket).values(state="closed", close_reason="已电话答复"))
        await session.commit()
    opened = await user.say("人工")
    await user.say("残疾人补贴申请了半年没结果")
    first, second = await tickets_of(demo, user)
    assert f"工单号：{second.id}" in opened
    assert first.message == "我家的草原补奖少发了一年"
    assert second.message == "残疾人补贴申请了半年没结果"


async def test_a_question_already_unanswered_is_the_ticket_itself(demo):
    user = citizen(demo)
    await user.say("火星移民签证怎么办")
    created = await user.say("人工")
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in created and "请用一句话说明" not in created
    assert ticket.message == "火星移民签证怎么办"


async def test_a_question_for_staff_an_item_answers_gets_its_answer_too(demo):
    user = citizen(demo)
    await user.say("人工客服")
    answer = await user.say("在地里打机井要办啥手续")
    assert "【取水许可证新办审批】" in answer.splitlines()[0], answer
    assert "已把您的问题补充到工单" in answer, answer
    (ticket,) = await tickets_of(demo, user)
    assert "打机井" in ticket.message


async def test_the_supervision_phone_asked_again_while_a_complaint_waits(demo):
    user = citizen(demo)
    await user.say("我要投诉 找个人跟我对接一下")
    again = await user.say("投诉电话多少来着")
    assert "监督投诉电话：0935-3126800" in again and "工单号" not in again, again
    assert await tickets_of(demo, user) == []
    opened = await user.say("窗口的人让我跑了三回")
    assert "工单号" in opened, opened


async def test_a_question_about_the_hotline_while_a_complaint_waits_is_answered(demo):
    user = citizen(demo)
    forwarded = await user.say("窗口的人态度太差 我要找工作人员")
    # told and a person asked for: forwarded at once, with where to complain meanwhile
    assert "工单号" in forwarded and "0935-3126800" in forwarded, forwarded
    hotline = await user.say("打12345有用没")
    assert "12345" in hotline and "工单号" not in hotline, hotline
    [ticket] = await tickets_of(demo, user)
    assert ticket.message == "窗口的人态度太差 我要找工作人员"  # the question not added


async def test_what_follows_a_forwarded_complaint_is_added_to_its_ticket(demo):
    user = citizen(demo)
    await user.say("窗口态度太差了")
    opened = await user.say("人工")
    assert "有要补充的" in opened, opened
    added = await user.say("民政局6号窗口的人骂我")
    [ticket] = await tickets_of(demo, user)
    assert f"工单号：{ticket.id}" in added and "没有找到" not in added, added
    assert ticket.message.startswith("窗口态度太差了") and "6号窗口的人骂我" in ticket.message
    assert "编码：" in await user.say("开网吧")  # one message only: then questions again


async def test_a_ticket_is_withdrawn_at_the_citizens_word(demo):
    user = citizen(demo)
    await user.say("转人工")
    withdrawn = await user.say("算了不用了")
    [ticket] = await tickets_of(demo, user)
    assert withdrawn.startswith(f"已取消工单{ticket.id}"), withdrawn
    assert ticket.state == "closed" and ticket.close_reason == "市民取消"
    assert "编码：" in await user.say("开网吧")


async def test_the_tickets_own_state_asked_is_not_added_to_it(demo):
    user = citizen(demo)
    await user.say("人工 我家草原补奖今年咋没到账")
    waiting = await user.say("工单进度怎么样了")
    [ticket] = await tickets_of(demo, user)
    assert waiting.startswith(f"您的工单{ticket.id}还在等工作人员答复"), waiting
    assert ticket.message == "我家草原补奖今年咋没到账" and ticket.state == "open"
    rated = await user.say("评5")
    assert "补充到工单" not in rated, rated  # a rating is no addition to the ticket


async def test_a_new_question_after_a_forwarded_one_is_answered_not_filed(demo):
    user = citizen(demo)
    await user.say("窗口态度太差了")
    await user.say("人工")
    answer = await user.say("开网吧要什么材料")
    [ticket] = await tickets_of(demo, user)
    assert "补充到工单" not in answer and "材料" in answer, answer
    assert "网吧" not in ticket.message


async def test_a_waiting_ticket_is_withdrawn_or_asked_after_later_on(demo):
    user = citizen(demo)
    await user.say("人工")
    await user.say("我家草原补奖今年咋没到账")  # added to the ticket
    waiting = await user.say("进度怎么样了")
    [ticket] = await tickets_of(demo, user)
    assert waiting.startswith(f"您的工单{ticket.id}还在等工作人员答复"), waiting
    withdrawn = await user.say("算了不用了")
    assert withdrawn.startswith(f"已取消工单{ticket.id}"), withdrawn
    [ticket] = await tickets_of(demo, user)
    assert ticket.state == "closed"
    # with no ticket waiting, progress is an application's, served elsewhere
    assert "办件进度" in await user.say("进度怎么样了")
