"""台账查询: typed registers of cooperation work, partner confirmation, query, Excel, reconciliation."""
