"""Which one step of a life event a message asks for: the pure rules, in other wordings than
the conversation set's."""

from __future__ import annotations

from catalogue.life_events import LifeEvent, ResolvedStep, Step
from catalogue.models import PowerItem
from handlers.citizen.life_event_choice import (
    asks_another_way,
    goes_the_way_asked,
    one_step_named,
    other_steps_line,
    paper_said_short,
    the_money,
    the_step_pointed_to,
    the_trades_licence,
)


def _step(label: str, name: str, code: str, keywords: tuple[str, ...] = ()) -> ResolvedStep:
    item = PowerItem(name=name, code=code, keywords=list(keywords), aliases=[])
    return ResolvedStep(label, item)


SHOP = [
    _step("营业执照", "个体工商户设立登记", "A", ("办营业执照",)),
    _step("卫生许可", "公共场所卫生许可新办审批", "B", ("卫生许可证",)),
    _step("娱乐经营许可证", "设立歌舞娱乐场所《娱乐经营许可证》核发", "C"),
]


def test_one_step_named_by_a_thing_of_its_name_alone():
    assert one_step_named("卫生许可", SHOP).code == "B"
    assert one_step_named("先执照", SHOP).code == "A"  # 办营业执照's 执照
    assert one_step_named("许可证", SHOP) is None  # 卫生许可证 and 娱乐经营许可证
    assert one_step_named("老人", SHOP) is None  # no step


def test_money_asked_is_the_one_step_paying_it():
    steps = [_step("领失业金", "失业保险金申领", "M"), _step("困难", "临时救助", "T")]
    assert the_money("能领点钱不", steps).code == "M"
    assert the_money("手上没钱了", steps) is None  # money lacking is told, not asked


def test_a_trades_own_licence_is_the_step_no_other_event_has():
    ktv = LifeEvent(
        name="开歌厅",
        triggers=("开歌厅",),
        steps=(
            Step("营业执照", names=("个体工商户设立登记",)),
            Step("卫生许可", names=("公共场所卫生许可新办审批",)),
            Step("娱乐经营许可证", names=("设立歌舞娱乐场所《娱乐经营许可证》核发",)),
        ),
    )
    barber = LifeEvent(
        name="开理发店",
        triggers=("开理发店",),
        steps=(
            Step("营业执照", names=("个体工商户设立登记",)),
            Step("卫生许可", names=("公共场所卫生许可新办审批",)),
        ),
    )
    assert the_trades_licence("要办啥许可", ktv, SHOP, [ktv, barber]).code == "C"
    assert the_trades_licence("要办啥证", ktv, SHOP, [ktv, barber]) is None  # no licence asked
    assert the_trades_licence("的证", ktv, SHOP, [ktv, barber]).code == "C"  # 开歌厅的证: its own
    assert the_trades_licence("院子里的树要砍的证", ktv, SHOP, [ktv, barber]) is None


def test_a_paper_said_the_short_way_names_its_step():
    farm = [
        _step("营业执照", "个体工商户设立登记", "A", ("办营业执照",)),
        _step("防疫", "动物防疫条件合格证核发（动物饲养场）", "D"),
    ]
    assert one_step_named("防疫证", farm).code == "D"  # 防疫 … 证 of its name
    assert paper_said_short("林木采伐许可证核发", "我要采伐证") == "采伐证"
    assert paper_said_short("个体工商户设立登记", "执照") == ""
    # a run of the name, then a later run ending with the paper word
    name = "设立歌舞娱乐场所《娱乐经营许可证》核发"
    assert paper_said_short(name, "娱乐许可证") == "娱乐许可证"
    assert paper_said_short(name, "许可娱乐证") == "娱乐证"  # runs out of the name's order


def test_a_papers_other_life_is_not_the_events():
    steps = [_step("结婚登记", "中国内地公民婚姻登记", "W")]
    assert asks_another_way("结婚证找不着了", steps)  # lost: 补领
    assert not asks_another_way("要准备啥", steps)
    assert not goes_the_way_asked(steps[0].item, "结婚证弄丢了")
    assert goes_the_way_asked(steps[0].item, "要带啥")


HARD_TIMES = [
    ResolvedStep("急难时：临时救助", PowerItem(name="临时救助", code="T"), when=("着火", "车祸")),
    ResolvedStep("医疗救助", None, when=("住院",)),
    ResolvedStep("长期困难：低保", PowerItem(name="最低生活保障", code="D"), when=("常年",)),
    ResolvedStep("办残疾人证", PowerItem(name="残疾人证核发", code="C")),
]


def test_the_step_a_story_points_to_is_the_one_whose_circumstances_it_tells():
    assert the_step_pointed_to("屋里着火了 能给点啥帮助", HARD_TIMES).item.code == "T"
    assert the_step_pointed_to("常年没收入", HARD_TIMES).item.code == "D"
    # two steps' circumstances, none, or only a step without an item: no one step
    assert the_step_pointed_to("出了车祸 常年看病", HARD_TIMES) is None
    assert the_step_pointed_to("日子难过", HARD_TIMES) is None
    assert the_step_pointed_to("住院了", HARD_TIMES) is None


def test_the_other_steps_are_named_with_their_circumstances():
    line = other_steps_line(HARD_TIMES[0], HARD_TIMES)
    assert line == "另外，长期困难的，可申请最低生活保障；符合条件的，还可申请残疾人证核发。"
    assert other_steps_line(HARD_TIMES[0], HARD_TIMES[:2]) == ""


def test_a_step_that_is_not_applying_is_named_with_what_is_done():
    death = [
        ResolvedStep("开过店：注销营业执照", PowerItem(name="个体工商户注销登记", code="Z")),
        ResolvedStep("领高龄津贴：告知民政局停发", PowerItem(name="高龄津贴发放", code="G")),
    ]
    line = other_steps_line(death[0], death)
    assert line == "另外，领高龄津贴的，告知民政局停发（高龄津贴发放）。"
