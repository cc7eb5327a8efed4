"""The web app's built files (`dist/`, made by `npm run build` in `web/`), served at `/` beside the API."""
