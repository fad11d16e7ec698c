"""The smallest Flask app, served the same way as the real one, so that load figures have a yardstick."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
