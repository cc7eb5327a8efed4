from jobmatch.cli import app

app()
