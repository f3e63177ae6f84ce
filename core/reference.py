"""Reference lists the data is checked against."""
from __future__ import annotations

# The 16 prefecture cities of Shandong -> administrative division code, then units elsewhere.
SHANDONG_CITIES = {
    "济南市": "370100", "青岛市": "370200", "淄博市": "370300", "枣庄市": "370400",
    "东营市": "370500", "烟台市": "370600", "潍坊市": "370700", "济宁市": "370800",
    "泰安市": "370900", "威海市": "371000", "日照市": "371100", "临沂市": "371300",
    "德州市": "371400", "聊城市": "371500", "滨州市": "371600", "菏泽市": "371700",
}
OUTSIDE_PROVINCE = "省外"
CITIES = [*SHANDONG_CITIES, OUTSIDE_PROVINCE]
