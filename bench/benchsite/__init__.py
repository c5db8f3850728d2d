"""Settings and URLs for the HTTP load benchmarks only: the platform's own URLs plus bare baseline views."""
