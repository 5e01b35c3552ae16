"""Poverty projects asked about with no place and no year: the whole county's, cancelled ones
marked and left out of the totals. Wordings other than the conversation set's."""

from __future__ import annotations

from tests.kits import citizen as kit


async def test_poverty_projects_without_a_place_are_the_countys(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_poverty_county")
    for said in ("扶贫项目里头有没有停掉的", "扶贫项目现在都弄完了没"):
        answer = await user.say(said)
        assert "天祝藏族自治县（全县）" in answer and "已取消" in answer, answer
        assert "您是不是想找" not in answer


async def test_a_place_still_wins(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_poverty_place").say("石门镇扶贫项目有没有取消的")
    assert "石门镇" in answer and "已取消" in answer and "全县" not in answer, answer


async def test_a_places_project_status_is_answered_not_refused(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_project_status").say("石门镇宽沟村那个项目弄到啥程度了")
    assert "宽沟村" in answer and "已取消" in answer, answer
    refused = await kit.WeChatUser(http, "o_item_progress").say("我报的建设项目审批到哪一步了")
    assert "不能查办件进度" in refused, refused


async def test_a_villages_works_asked_about_are_its_projects_first(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_works").say("哈溪镇双龙村的饮水工程修好了没")
    assert "不能查办件进度" not in answer, answer
    lines = [line for line in answer.splitlines() if line.startswith("· ")]
    assert lines[0].startswith("· 项目【已完工】") and "人畜饮水工程" in lines[0], answer
    refused = await kit.WeChatUser(http, "o_works_permit").say("我报的建筑工程施工许可办到哪一步了")
    assert "不能查办件进度" in refused, refused


async def test_a_detail_asked_after_some_of_the_countys_rows_is_about_those_rows(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_county_detail")
    first = await user.say("2016年光伏扶贫投了多少")
    assert "天祝藏族自治县（全县）" in first and "光伏" in first, first
    benefits = await user.say("多少户受益")
    assert "您还没有绑定村" not in benefits and "光伏" in benefits, benefits
    assert benefits.count("\n· ") <= first.count("\n· "), benefits  # those rows, not the county's


async def test_allocations_named_by_their_programme_are_the_places(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_programme").say("西大滩村2016年整村推进给了多少")
    assert "【西大滩镇 西大滩村 扶贫资金和项目】" in answer and "80.50万元" in answer, answer
    plan = await kit.WeChatUser(http, "o_plan").say("2016年全县扶贫资金分配计划一共多少")
    assert "2016年 分配资金26笔，合计2774.25万元" in plan, plan
