"""Village officials: poverty funds by place and year, binding, the fund list — exact sums."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from catalogue.models import FundItem, PovertyAllocation, PovertyProject, VillageBinding
from tests.kits import citizen as kit

seed = kit.seed


def _amount(text: str, pattern: str) -> Decimal:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text!r}"
    return Decimal(match.group(1))


async def _published_allocations(sessions, region_code: str, year: int) -> Decimal:
    async with sessions() as session:
        total = await session.scalar(
            select(func.sum(PovertyAllocation.amount)).where(
                PovertyAllocation.region_code == region_code,
                PovertyAllocation.year == year,
                PovertyAllocation.status == "published",
            )
        )
    return Decimal(str(total))


async def test_village_totals_equal_the_published_rows(citizen_side_any_db):
    side = citizen_side_any_db
    answer = await side.user().say("红大村 扶贫 2016")
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in answer
    shown = _amount(answer, r"2016年 分配资金2笔，合计([\d.]+)万元；项目1个，投资合计88.88万元")
    assert shown == await _published_allocations(side.sessions, seed.HONGDA, 2016)
    assert shown == Decimal("150.75")
    assert "· 120.50万元 产业扶持（天扶贫发〔2016〕12号）" in answer
    assert "· 30.25万元 危房改造（天扶贫发〔2016〕31号）" in answer
    # Each project says where it stands (planned, under way, completed, cancelled).
    assert (
        "· 项目【计划实施】：红大村道路硬化工程 88.88万元（天发改〔2016〕8号），"
        "实施单位：华藏寺镇人民政府" in answer
    )
    assert "999" not in answer and seed.HIDDEN_PROJECT not in answer
    assert "2017" not in answer.split("明细和往年数据")[0]
    assert f"{kit.BASE_URL}/villages/{seed.HONGDA}?year=2016" in answer


async def test_a_question_about_projects_lists_them_first(citizen_side):
    user = citizen_side.user()
    project = "· 项目【计划实施】：红大村道路硬化工程"
    money = "· 120.50万元 产业扶持"
    funds = await user.say("红大村 扶贫 2016")
    assert funds.index(money) < funds.index(project)
    projects = await user.say("红大村2016年有哪些项目")
    assert projects.index(project) < projects.index(money)


async def test_all_years_newest_first(citizen_side):
    answer = await citizen_side.user().say("红大村资金")
    assert answer.index("2017年") < answer.index("2016年")
    assert "2017年 分配资金1笔，合计50.00万元；项目1个，投资合计40.01万元" in answer


async def test_a_town_includes_its_villages(citizen_side):
    answer = await citizen_side.user().say("华藏寺镇 扶贫 2016")
    assert "（含所辖各村）" in answer
    assert "合计150.75万元" in answer and "红大村" in answer


async def test_fuzzy_village_names(citizen_side):
    user = citizen_side.user()
    assert "华藏寺镇 红大村" in await user.say("红达村 项目")
    assert "华藏寺镇 红大村" in await user.say("红大 资金 2016")


async def test_same_named_villages_ask_which_town(citizen_side):
    user = citizen_side.user()
    question = await user.say("大湾村 扶贫 2016")
    assert "有几个地方都叫“大湾村”" in question
    assert "1. 打柴沟镇 大湾村" in question and "2. 天堂镇 大湾村" in question
    answer = await user.say("2")
    assert "【天堂镇 大湾村 扶贫资金和项目】" in answer
    assert "合计80.00万元" in answer and "天堂镇大湾村饮水工程 65.00万元" in answer
    assert "70.00" not in answer
    # Asked as a question, the name shown back is still the village's alone.
    assert "有几个地方都叫“大湾村”" in await user.say("大湾村有哪些项目")


async def test_bind_then_ask_for_my_village(citizen_side):
    user = citizen_side.user()
    assert "您还没有绑定村" in await user.say("我村资金")
    assert "请在“绑定”后面写上村名" in await user.say("绑定")
    assert "已绑定：华藏寺镇 红大村" in await user.say("绑定 红大村")
    answer = await user.say("我村资金 2016")
    assert "合计150.75万元" in answer
    assert "2017年" in await user.click("MY_VILLAGE")
    ambiguous = await user.say("绑定 大湾村")
    assert "哪一个" in ambiguous
    assert "已绑定：天堂镇 大湾村" in await user.say("2")
    async with citizen_side.sessions() as session:
        bindings = list(await session.scalars(select(VillageBinding)))
    assert [b.region_code for b in bindings] == [seed.DAWAN_TIANTANG]
    assert bindings[0].openid_hash != user.openid


async def test_the_village_named_right_after_being_asked_which_is_bound(citizen_side):
    user = citizen_side.user()
    assert "写上村名" in await user.say("我想绑定")
    assert "已绑定：华藏寺镇 红大村" in await user.say("红大村")
    # bound: the next place said is a question about it again, not another binding
    assert "已绑定" not in await user.say("大湾村")
    assert "写上村名" in await user.say("绑定")
    assert "已绑定：天堂镇 大湾村" in await user.say(seed.DAWAN_TIANTANG)


async def test_a_village_official_saying_whose_they_are_is_bound_and_asks_again(citizen_side):
    user = citizen_side.user()
    assert "已绑定：华藏寺镇 红大村" in await user.say("俺是红大村的会计")
    assert "红大村" in await user.say("再看一下我们村的资金")
    assert "已解除绑定" in await user.say("把绑定解除掉吧")
    # anyone may be of a village: without a role, no binding
    assert "已绑定" not in await citizen_side.user().say("我是红大村的")


async def test_the_village_bound_is_the_place_talked_about_next(citizen_side):
    user = citizen_side.user()
    assert "已绑定：华藏寺镇 红大村" in await user.say("wo shi 红大村的 bangding一下")
    answer = await user.say("2016年的呢")  # no 我村 said: the village just bound
    assert "华藏寺镇 红大村" in answer and "合计150.75万元" in answer, answer


async def test_binding_in_other_words_by_name_or_code_then_unbinding(citizen_side):
    user = citizen_side.user()
    assert "已绑定：华藏寺镇 红大村" in await user.say("麻烦把我设为红大村的")
    assert "已绑定：天堂镇 大湾村" in await user.say(f"换个村 我村代码是{seed.DAWAN_TIANTANG}")
    answer = await user.say("2015到2016年我们村一共分了多少")
    assert "【天堂镇 大湾村 扶贫资金和项目】" in answer and "合计80.00万元" in answer
    assert "已解除绑定" in await user.say("以后不用关联了")


async def test_binding_by_words_pointing_at_the_village_and_changing_it(citizen_side):
    user = citizen_side.user()
    assert "写上村名" in await user.say("我要绑定村子")  # no village named: ask which
    assert "已绑定：华藏寺镇 红大村" in await user.say("我们村是红大村 以后就查这个村")
    answer = await user.say(f"换成{seed.DAWAN_TIANTANG}")
    assert "已绑定：天堂镇 大湾村" in answer, answer
    answer = await user.say("我村2016年的")  # the year's own figures, not a search
    assert "天堂镇 大湾村" in answer and "2016年" in answer and "没有找到" not in answer, answer


async def test_unknown_place_falls_back_to_item_search(citizen_side):
    answer = await citizen_side.user().say("上海 扶贫")
    assert "扶贫资金和项目】" not in answer


async def test_fund_list_by_year_and_department(citizen_side_any_db):
    side = citizen_side_any_db
    answer = await side.user().say("2015 农牧局 专项资金")
    assert "【2015年 天祝藏族自治县农牧局 财政专项资金】" in answer
    shown = _amount(answer, r"共2项，合计([\d.]+)万元")
    async with side.sessions() as session:
        expected = await session.scalar(
            select(func.sum(FundItem.budget_amount)).where(
                FundItem.budget_year == 2015,
                FundItem.department_id == side.ids.farming_id,
                FundItem.status == "published",
            )
        )
    assert shown == Decimal(str(expected)) == Decimal("1534.6678")
    assert "草原生态保护补助奖励资金 1234.5678万元（部门预算专项资金）" in answer
    assert seed.HIDDEN_FUND not in answer


async def test_fund_list_by_type_and_unknown_department(citizen_side):
    user = citizen_side.user()
    answer = await user.say("2015年 转移支付 资金")
    assert "共1项，合计300.10万元" in answer
    renamed = await user.say("2016 教育局 专项资金")
    assert "没有找到叫“教育局”的部门" in renamed and "公共文化服务体系建设资金" in renamed


async def test_project_rows_match_the_database(citizen_side):
    answer = await citizen_side.user().say("红大村 项目 2017")
    async with citizen_side.sessions() as session:
        projects = list(
            await session.scalars(
                select(PovertyProject).where(
                    PovertyProject.year == 2017, PovertyProject.status == "published"
                )
            )
        )
    for project in projects:
        assert project.name in answer and project.approval_number in answer


async def test_a_village_code_with_fund_words_is_that_village(citizen_side_any_db):
    side = citizen_side_any_db
    for wording in (
        f"{seed.HONGDA}的扶贫资金",
        f"村代码{seed.HONGDA} 扶贫资金有多少",
        f"{seed.HONGDA} 2016年扶贫项目",
    ):
        answer = await side.user().say(wording)
        assert "【华藏寺镇 红大村 扶贫资金和项目】" in answer, wording
    answer = await side.user().say(f"{seed.HONGDA} 2016年扶贫资金")
    assert f"{kit.BASE_URL}/villages/{seed.HONGDA}?year=2016" in answer


async def test_a_code_asked_what_it_names_is_named_not_its_funds(citizen_side_any_db):
    user = citizen_side_any_db.user()
    for wording in (
        f"{seed.HONGDA}是啥意思",
        f"区划代码{seed.HONGDA}是哪个村",
        f"{seed.HONGDA}这个代码是什么地方的",
    ):
        answer = await user.say(wording)
        assert f"{seed.HONGDA} 是华藏寺镇 红大村的统计用区划代码" in answer, wording
        assert "【华藏寺镇 红大村 扶贫资金和项目】" not in answer, wording
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in await user.say("扶贫资金")  # that place, now


async def test_the_county_code_is_named_with_how_its_places_are_coded(citizen_side_any_db):
    user = citizen_side_any_db.user()
    county = await user.say("620623")
    assert "620623 是天祝藏族自治县的行政区划代码" in county and "没有找到" not in county
    assert "全县3个乡镇，4个村（社区）：乡镇代码9位、村代码12位" in county
    assert "行政区划代码" not in await user.say("510623")  # another county's: not named as ours
    # another county's village: said so, with where to ask, never a wrong-length item code
    other = await user.say("620622101215")
    assert "不是天祝藏族自治县的区划代码" in other and "12345" in other, other
    assert "应为32位" not in other, other


async def test_our_village_before_binding_is_the_village_just_talked_about(citizen_side):
    user = citizen_side.user()
    assert "您还没有绑定村" in await user.say("我村资金")  # nothing talked about yet
    await user.say("红大村 扶贫 2016")
    ours = await user.say("我们村有多少扶贫资金")
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in ours and "120.50万元" in ours
    assert "回复“绑定 华藏寺镇 红大村”" in ours
    assert "已绑定：华藏寺镇 红大村" in await user.say("绑定 华藏寺镇 红大村")
    assert "还没有绑定" not in await user.say("我村资金")


async def test_our_village_in_other_words_and_forgetting_the_one_talked_about(citizen_side):
    user = citizen_side.user()
    await user.say("红大村 扶贫 2016")
    for words in ("16年给我们村拨了多少", "2016年我们那儿分的扶贫钱"):
        assert "【华藏寺镇 红大村 扶贫资金和项目】" in await user.say(words), words
    # unbinding with no binding: the village talked about is no longer 「我们村」
    forgot = await user.say("解除绑定")
    assert "不用解绑" in forgot and "华藏寺镇 红大村也不再当作" in forgot, forgot
    assert "您还没有绑定村" in await user.say("我们村16年的扶贫资金多少")


async def test_our_town_is_the_town_of_the_village_talked_about_or_bound(citizen_side):
    user = citizen_side.user()
    await user.say("红大村 扶贫 2016")
    town = await user.say("咱们镇16年分了多少扶贫资金")
    assert "【华藏寺镇（含所辖各村） 扶贫资金和项目】" in town and "2016年" in town, town
    await user.say("绑定 华藏寺镇 红大村")
    bound = await user.say("本镇扶贫项目")
    assert "【华藏寺镇（含所辖各村） 扶贫资金和项目】" in bound, bound
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in await user.say("我村资金")


async def test_remembering_setting_and_leaving_a_village_in_plain_words(citizen_side):
    user = citizen_side.user()
    assert "已绑定：华藏寺镇 红大村" in await user.say("以后帮我记住我们村 华藏寺镇红大村")
    assert "已解除绑定" in await user.say("我已经不是这个村的了")
    assert "已绑定：华藏寺镇 红大村" in await user.say("设置我的村 红大村")


async def test_the_town_or_county_of_the_village_just_shown(citizen_side):
    user = citizen_side.user()
    await user.say("红大村 扶贫 2016")
    town = await user.say("那镇上总共呢")
    assert "【华藏寺镇（含所辖各村） 扶贫资金和项目】" in town and "2016年" in town, town
    county = await user.say("全县的呢")
    assert "天祝藏族自治县（全县）" in county and "2016年" in county, county


async def test_a_document_or_a_project_asked_of_the_place_just_shown(citizen_side):
    user = citizen_side.user()
    await user.say("红大村 扶贫")
    road = await user.say("那条路硬化的批复文号是啥")  # 路…硬化: the road project, its document
    assert "天发改〔2016〕8号" in road and "养殖暖棚" not in road and "产业扶持" not in road, road
    documents = await user.say("文号呢")  # nothing named: every row with its document
    assert "天扶贫发〔2016〕12号" in documents and "天扶贫发〔2017〕9号" in documents, documents


async def test_our_villages_project_progress_with_the_binding(citizen_side):
    user = citizen_side.user()
    assert "已绑定：华藏寺镇 红大村" in await user.say("绑定 红大村")
    answer = await user.say("俺们村的暖棚工程建好了没")
    assert "红大村养殖暖棚建设" in answer and "道路硬化" not in answer, answer
    assert "天发改〔2016〕8号" in await user.say("依据哪个文件")  # the bound village remembered


async def test_binding_said_in_passing_and_asking_which_village_is_bound(citizen_side):
    user = citizen_side.user()
    assert "您还没有绑定村" in await user.say("我绑定的是什么村")
    assert "已绑定：华藏寺镇 红大村" in await user.say("我在红大村当文书 把微信绑到我们村")
    assert "您绑定的是：华藏寺镇 红大村" in await user.say("现在绑的是哪个村啊")
    assert "已绑定：天堂镇 大湾村" in await user.say(f"{seed.DAWAN_TIANTANG} 重新绑")
    assert "已解除绑定" in await user.say("解除绑定")
    # unbound: 我村 is no longer the village just talked about
    assert "您还没有绑定村" in await user.say("我村资金")


async def test_the_countys_rows_of_one_kind_asked_without_a_place(citizen_side):
    user = citizen_side.user()
    answer = await user.say("16年产业扶持的钱分到了哪些村")
    assert "“产业扶持”" in answer and "合计270.50万元" in answer, answer  # 120.50 + 80 + 70
    assert "红大村" in answer and "大湾村" in answer and "危房改造" not in answer
    warm = await user.say("暖棚扶贫项目投了多少")
    assert "红大村养殖暖棚建设" in warm and "40.01万元" in warm and "道路硬化" not in warm, warm


async def test_a_places_own_name_in_a_question_of_documents_names_no_row(citizen_side):
    # 红大村 is in its projects' names (红大村道路硬化工程): every row of the year is meant
    answer = await citizen_side.user().say("华藏寺镇红大村2016年扶贫资金多少 文号是啥")
    assert "天扶贫发〔2016〕12号" in answer and "天扶贫发〔2016〕31号" in answer, answer


async def test_a_towns_code_at_a_villages_length_and_codes_in_a_choice_of_places(citizen_side):
    user = citizen_side.user()
    town = await user.say(f"{seed.HUACANGSI_TOWN}000是哪里")
    assert f"{seed.HUACANGSI_TOWN}000 是华藏寺镇的统计用区划代码" in town, town
    which = await user.say("大湾村的代码")
    assert f"（{seed.DAWAN_TIANTANG}）" in which and f"（{seed.DAWAN_DACHAIGOU}）" in which, which


async def test_a_year_not_yet_published_shows_the_newest_one(citizen_side):
    user = citizen_side.user()
    answer = await user.say("红大村 扶贫 2020")
    none = "华藏寺镇 红大村2020年还没有公开的扶贫资金和项目。"
    assert answer.startswith(none + "最近公开的是2017年的："), answer
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in answer and "2017年 分配资金" in answer


async def test_an_official_saying_where_they_work_and_what_they_want_is_bound(citizen_side):
    answer = await citizen_side.user().say("我在华藏寺镇红大村当会计 以后想查村里的钱")
    assert answer.startswith("已绑定：华藏寺镇 红大村"), answer


async def test_a_town_and_its_village_said_without_suffixes(citizen_side):
    user = citizen_side.user()
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in await user.say("俺们屋里就在华藏寺红大")
    # then 「我们那」 is that village, as for a name said in full
    assert "合计150.75万元" in await user.say("16年我们那分了多少扶贫钱")


async def test_moving_to_another_village_and_asking_for_the_change_rebinds(citizen_side):
    user = citizen_side.user()
    assert "已绑定：天堂镇 大湾村" in await user.say("绑定 天堂镇大湾村")
    assert "已绑定：华藏寺镇 红大村" in await user.say("我们家搬到华藏寺镇红大村了 帮我换一下")
    # a move told without asking for a change is not a binding
    assert "已绑定" not in await user.say("我搬到华藏寺镇红大村了 户口咋迁")
