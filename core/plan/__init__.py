"""The implementation plan (三年方案): areas, tasks and milestones, roll-ups and updates, and its Excel."""
