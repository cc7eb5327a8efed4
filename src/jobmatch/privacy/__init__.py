"""The seeker's rights: pseudonyms, data export, erasure, objection and retention."""
