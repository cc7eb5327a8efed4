"""Geography: postal codes to points from GeoNames reference data, and distances between them."""
