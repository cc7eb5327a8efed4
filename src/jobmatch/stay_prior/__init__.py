"""The stay prior: how many of the people placed in similar jobs still worked there after 12 months, smoothed and k-anonymous."""
