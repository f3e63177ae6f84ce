"""Group management (集团管理): member units and their lifecycle, the council, the secretariat office, member Excel."""
