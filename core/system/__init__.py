"""System management (系统管理): users, audit viewer, health, backup and restore, the business workbook."""
