"""The home page and the public portal: overview figures drawn from every module."""
