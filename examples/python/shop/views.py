"""Web views of the shop: request data reaches SQL in db.py and a shell here."""
import subprocess

from flask import Flask, jsonify, request

from .db import find_items

app = Flask(__name__)


@app.route("/items")
def items():
    return jsonify(find_items(request.args["name"]))


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    output = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True)
    return jsonify(ok=output.returncode == 0)
