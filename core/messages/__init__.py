"""Messages (消息管理): notices with read receipts, the inbox, system messages and the discussion boards."""
