"""The archive (档案管理): every document the platform holds, found in one place, and the files the secretariat adds."""
