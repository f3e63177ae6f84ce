"""年度报告: the group profile per year, the year's summary, platform workbooks (上报) and the annual report."""
