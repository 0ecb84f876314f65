"""The web app's pages and the pieces they share; `ui/app.py` routes between them."""
