"""Work assessment and awards (工作考核与评优评先): yearly schemes, scores with breakdowns, rankings."""
