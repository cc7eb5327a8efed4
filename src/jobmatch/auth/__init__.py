"""Who is calling: token validation, the principal it yields, and the access rule every route declares."""
