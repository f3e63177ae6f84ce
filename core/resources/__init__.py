"""Shared resources (资源共建共享): member units' offers to each other, requests and their use."""
