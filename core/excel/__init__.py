"""Excel exchange: safe reading of uploads, formatted writing, templates, dry-run imports."""
