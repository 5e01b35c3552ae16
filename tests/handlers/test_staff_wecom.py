"""The staff channel end to end: WeCom-encrypted callbacks to `/wecom` (built with an AES
implementation of our own, not wechatpy's), staff of different roles, search and citizen
answers checked at every step of an item's life, retried deliveries, TOTP and lockout."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from catalogue import audit
from catalogue import staff as registry
from catalogue.models import BudgetYear, ChangeRequest, RetiredCode
from tests.kits import citizen as kit
from tests.kits import staff_world as W
from tests.kits.metrics import counted
from tests.kits.staff_wecom import Member, StaffSide, side

__all__ = ["side"]  # the fixture


async def test_strangers_and_forged_callbacks_are_refused(side: StaffSide) -> None:
    assert "未登记为工作人员" in await side.member("nobody").say(f"查 {W.LIVE}")
    response = await side.member("clerk").post(
        side.member("clerk").xml("text", Content="帮助"), tamper=True
    )
    assert response.status_code in (400, 401, 403)
    async with side.sessions() as session:
        denied = (
            await session.scalars(
                select(audit.AuditEntry).where(audit.AuditEntry.action == "auth.denied")
            )
        ).all()
        assert [entry.actor for entry in denied] == ["nobody"]


async def test_whole_life_through_wecom(side: StaffSide) -> None:
    clerk, review = side.member("clerk"), side.member("review")
    approver = side.member("approver")
    citizen = kit.WeChatUser(side.http, "o_citizen_1")
    assert W.DRAFT not in side.found("慈善组织认定")

    # draft → review → publish: search and citizens see it at once
    assert "审计员不能" in await side.member("auditor").say(f"提交 {W.DRAFT}")
    assert "待审核" in await clerk.say(f"提交 {W.DRAFT}")
    assert "本人提出" in await clerk.say(f"通过 {W.DRAFT}")
    assert "审核通过" in await side.do("review", f"通过 {W.DRAFT}")
    reply = await side.do("clerk", f"发布 {W.DRAFT}")
    assert "状态：已发布" in reply
    assert side.found("慈善组织认定")[0] == W.DRAFT
    assert "慈善组织认定" in await citizen.say("慈善组织认定")

    # change (四): review only; the citizen card shows the new phone
    reply = await clerk.say(f"变更 {W.DRAFT} （四） 电话=0935-3129999")
    assert "第九条（四）" in reply
    assert "审核通过，可以发布" in await side.do("legal", f"通过 {W.DRAFT}")
    assert "已生效" in await side.do("clerk", f"发布 {W.DRAFT}")
    assert "0935-3129999" in await citizen.say("慈善组织认定")

    # suspend (三): still public, marked 暂停, in search and for citizens
    assert "第十条（三）" in await clerk.say(f"暂停 {W.DRAFT} （三） 年度认定期已结束")
    await side.do("review", f"通过 {W.DRAFT}")
    assert "暂停（第十条（三））" in await side.do("clerk", f"发布 {W.DRAFT}")
    assert side.found("慈善组织认定")[0] == W.DRAFT
    assert "暂停" in await citizen.say("慈善组织认定")

    # resume within 2 days of review
    assert "2日内" in await clerk.say(f"恢复 {W.DRAFT} 新一轮认定开始")
    await side.do("review", f"通过 {W.DRAFT}")
    assert "第十二条规定的2日内" in await side.do("clerk", f"发布 {W.DRAFT}")
    assert (await side.item(W.DRAFT)).status == "published"

    # merge: confirmation, then review and decision with TOTP; old codes retired
    asked = await clerk.say(f"合并 {W.DRAFT} {W.LIVE} 社会组织认定登记")
    assert "须确认" in asked and "动态码" in asked
    assert "动态码不正确" in await clerk.say("确认")  # the code is required
    await clerk.say(f"合并 {W.DRAFT} {W.LIVE} 社会组织认定登记")
    assert "提请县政府审定" in await clerk.say(f"确认 {await side.code('clerk')}")
    asked = await review.say(f"通过 {W.LIVE}")
    assert "动态码" in asked
    assert "动态码不正确" in await review.say("确认 000000")
    assert (await side.item(W.LIVE)).status == "published"  # nothing happened
    await review.say(f"通过 {W.LIVE}")
    assert "提请县政府审定" in await review.say(f"确认 {await side.code('review')}")
    await approver.say(f"通过 {W.LIVE}")
    assert "县政府审定通过" in await approver.say(f"确认 {await side.code('approver')}")
    reply = await side.do("clerk", f"发布 {W.LIVE}")
    new_code = f"{W.CIVIL_BODY}—XK00004000"
    assert "合并已生效" in reply and new_code in reply
    assert side.found("社会组织认定登记")[0] == new_code
    found = side.found("慈善组织认定") + side.found("社会团体成立登记")
    assert W.DRAFT not in found and W.LIVE not in found
    assert "社会组织认定登记" in await citizen.say("社会组织认定登记")
    assert "合并入" in await clerk.say(f"查 {W.LIVE}")

    # abolish the merged item: the new code goes to the retired store too
    await side.do("clerk", f"作废 {new_code} 国发〔2026〕9号取消")
    await review.say(f"通过 {new_code}")
    await review.say(f"确认 {await side.code('review')}")
    await approver.say(f"通过 {new_code}")
    # A code is accepted once: the second confirmation in this window needs the next step's.
    assert "县政府审定通过" in await approver.say(f"确认 {await side.code('approver')}")
    assert "代码废止库" in await side.do("clerk", f"发布 {new_code}")
    assert new_code not in side.found("社会组织认定登记")
    async with side.sessions() as session:
        retired = (await session.scalars(select(RetiredCode.code))).all()
        assert sorted(retired) == sorted([W.DRAFT, W.LIVE, new_code])
        result = await audit.verify(session)
        assert result.intact and result.checked > 30


async def test_retried_delivery_applies_once(side: StaffSide) -> None:
    clerk = side.member("clerk")
    xml = clerk.xml("text", "778899", Content=f"变更 {W.LIVE} 电话=0935-3121111")
    first = Member.read(await clerk.post(xml))
    again = Member.read(await clerk.post(xml))  # WeCom retries with a new nonce
    assert first == again and "已提交变更申请" in first
    async with side.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(ChangeRequest))
        assert count == 1


async def test_repeated_bad_codes_lock_the_account(side: StaffSide) -> None:
    admin = side.member("admin")
    for _ in range(4):
        await admin.say(f"作废 {W.OTHER} 测试")
        assert "动态码不正确" in await admin.say("确认 000000")
    await admin.say(f"作废 {W.OTHER} 测试")
    assert "已锁定" in await admin.say("确认 000000")
    # Locked: not even asked for a code any more.
    assert "已锁定" in await admin.say(f"作废 {W.OTHER} 测试")
    async with side.sessions() as session:
        results = (
            await session.scalars(
                select(audit.AuditEntry.result).where(audit.AuditEntry.action == "auth.totp")
            )
        ).all()
        assert len(results) == 5 and all(r.startswith("failed") for r in results)


async def test_wecom_callbacks_take_the_fast_lane(side: StaffSide) -> None:
    from handlers.observability import metrics

    assert set(side.app.lanes) == {"/wechat", "/wecom"}  # before the middleware stack
    labels = {"method": "POST", "route": "/wecom", "status": "200"}
    before = counted(metrics.HTTP_REQUESTS, **labels)
    assert "未登记为工作人员" in await side.member("nobody").say("帮助")
    assert counted(metrics.HTTP_REQUESTS, **labels) == before + 1


async def test_a_locked_account_can_do_nothing_until_unlocked(side: StaffSide) -> None:
    clerk, review = side.member("clerk"), side.member("review")
    assert "已提交" in await clerk.say(f"变更 {W.LIVE} 电话=0935-3120000")
    for _ in range(4):
        await review.say(f"通过 {W.LIVE}")
        assert "动态码不正确" in await review.say("确认 000000")
    await review.say(f"通过 {W.LIVE}")
    assert "已锁定" in await review.say("确认 000000")
    # Locked: no decision, no proposal, no reading of drafts — even a right code is refused.
    assert "已锁定" in await review.say(f"通过 {W.LIVE}")
    assert "已锁定" in await review.say(f"驳回 {W.LIVE} 不对")
    assert "已锁定" in await review.say(f"查 {W.LIVE}")
    async with side.sessions() as session:
        request = (await session.scalars(select(ChangeRequest))).one()
        assert request.state == "pending_review"
        await registry.unlock(session, "review")
        await session.commit()
    assert "审核通过" in await side.do("review", f"通过 {W.LIVE}")


async def test_a_code_is_accepted_once_and_a_replay_is_not_a_failure(side: StaffSide) -> None:
    clerk, review = side.member("clerk"), side.member("review")
    await clerk.say(f"变更 {W.LIVE} 电话=0935-3120001")
    await review.say(f"通过 {W.LIVE}")
    code = await side.code("review")
    step_of_code = side.offset
    assert "审核通过" in await review.say(f"确认 {code}")
    await clerk.say(f"发布 {W.LIVE}")
    await side.do("clerk", f"发布 {W.LIVE}")
    await clerk.say(f"变更 {W.LIVE} 电话=0935-3120002")
    await review.say(f"通过 {W.LIVE}")
    side.offset = step_of_code  # the reviewer answers again within the code's own 30 s
    reply = await review.say(f"确认 {code}")  # the same code again, within its step
    assert "已使用过" in reply and "还可再试" not in reply
    async with side.sessions() as session:
        staff = await registry.get_staff(session, "review")
        assert staff.failed_totp == 0


async def test_every_deciding_and_publishing_role_confirms_with_a_code(side: StaffSide) -> None:
    async with side.sessions() as session:
        session.add(BudgetYear(year=2026, approved_on=date(2026, 1, 10), recorded_by="finance"))
        await session.commit()
    for name, text in (
        ("finance", "资金发布 2026"),
        ("finance", "预算批准 2027 2026-11-20"),
        ("poverty", "扶贫更新 2027"),
    ):
        asked = await side.member(name).say(text)
        assert "须确认" in asked and "动态码" in asked, (name, text, asked)
        assert "动态码不正确" in await side.member(name).say("确认")
    await side.member("clerk").say(f"变更 {W.LIVE} （一） 名称=社会团体成立登记（新）")
    await side.do("review", f"通过 {W.LIVE}")
    asked = await side.member("approver").say(f"通过 {W.LIVE}")
    assert "动态码" in asked  # a county-government decision


async def test_a_huge_command_gets_one_short_answer(side: StaffSide) -> None:
    reply = await side.member("clerk").say(f"变更 {W.LIVE} 电话=" + "1" * 40_000)
    assert "命令过长" in reply and len(reply) < 100
    junk = "看不懂的内容" * 30 + "\n第二行也看不懂"
    reply = await side.member("clerk").say(f"变更 {W.LIVE} {junk}")
    assert "看不懂" in reply and "第二行" not in reply and len(reply) < 120
