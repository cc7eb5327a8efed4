"""Follow NAV's public job feed (arbeidsplassen's `pam-stilling-feed`) into the postings table."""
