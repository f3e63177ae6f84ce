"""会议活动: meetings (agenda, invitations, attendance, minutes), their follow-ups, and the meeting mode."""
