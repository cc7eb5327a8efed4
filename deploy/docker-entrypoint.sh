#!/bin/sh
# Bring the schema up to date, then hand over to the command (the API by default).
set -eu
jobmatch db upgrade
exec "$@"
