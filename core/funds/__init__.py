"""Funds (经费筹措管理与使用): budgets by source and use, membership fees and payments, expenses with approval."""
