"""The regions a deployment serves: home, the regions above it, the regions within it."""

from __future__ import annotations

import pytest

from catalogue.scope import ALL_REGIONS, RegionScope, RegionScopeError, upper_codes


def test_a_county_serves_itself_its_towns_villages_province_and_city() -> None:
    county = RegionScope("620623")
    assert county.uppers == ("620000", "620600")
    for local in ("620623", "620623100", "620623100201", "620000", "620600"):
        assert county.covers(local), local
    for other in ("620602", "620622", "440000", "440100", "511602", "650200", "", None):
        assert not county.covers(other), other


def test_a_province_or_city_serves_what_lies_within_it() -> None:
    province = RegionScope("440000")
    assert province.uppers == () and province.covers("440100") and province.covers("440103")
    assert not province.covers("620623")
    city = RegionScope("650200")
    assert city.uppers == ("650000",) and city.covers("650203") and not city.covers("650100")
    assert upper_codes("511602") == ("510000", "511600")


def test_every_region_only_when_asked_and_malformed_codes_refused() -> None:
    assert RegionScope(ALL_REGIONS).covers("511602")
    for bad in ("62062", "62062x", "6206230", ""):
        with pytest.raises(RegionScopeError):
            RegionScope(bad)
